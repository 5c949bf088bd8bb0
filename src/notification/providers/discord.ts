import { eventFacts, eventTitle, truncate } from '../message.ts';
import { jsonRequest, required, resolveAddress } from './common.ts';
import type { BuildRequest } from './types.ts';

export const DISCORD_GREEN = 0x2ecc71;
export const DISCORD_RED = 0xe74c3c;

/** A webhook message with one embed, within Discord's field limits (it refuses the whole message otherwise). */
export const buildDiscord: BuildRequest = (event, ctx) => {
  const url = required(resolveAddress(ctx.spec, ctx.secret, true));
  return jsonRequest(url, {
    ...(ctx.spec.username ? { username: ctx.spec.username } : {}),
    embeds: [
      {
        title: truncate(eventTitle(event), 256),
        description: truncate(event.message, 4000),
        color: event.severity === 'error' ? DISCORD_RED : DISCORD_GREEN,
        fields: eventFacts(event, ctx.summary).map((f) => ({ name: f.title, value: truncate(f.value, 1024), inline: false })),
        timestamp: event.timestamp,
      },
    ],
    // A message quoting "@everyone" from a cluster must not ping a whole server.
    allowed_mentions: { parse: [] },
  });
};

import { eventFacts, eventTitle, truncate } from '../message.ts';
import { jsonRequest, required, resolveAddress } from './common.ts';
import type { BuildRequest } from './types.ts';

/** Slack reads `&`, `<` and `>` as the start of links and mentions; a message must show them as typed. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An incoming-webhook message with one attachment, coloured by severity, as Flux's Slack notifier posts. */
export const buildSlack: BuildRequest = (event, ctx) => {
  const url = required(resolveAddress(ctx.spec, ctx.secret, true));
  const title = slackEscape(truncate(eventTitle(event), 250));
  const text = slackEscape(truncate(event.message, 3000));
  return jsonRequest(url, {
    ...(ctx.spec.channel ? { channel: ctx.spec.channel } : {}),
    ...(ctx.spec.username ? { username: ctx.spec.username } : {}),
    attachments: [
      {
        color: event.severity === 'error' ? 'danger' : 'good',
        title,
        text,
        fallback: `${title}: ${text}`,
        fields: eventFacts(event, ctx.summary).map((f) => ({ title: f.title, value: slackEscape(f.value), short: false })),
      },
    ],
  });
};

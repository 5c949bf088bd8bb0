import { eventFacts, eventTitle, truncate } from '../message.ts';
import { jsonRequest, required, resolveAddress } from './common.ts';
import type { BuildRequest } from './types.ts';

/**
 * An Adaptive Card in the envelope Teams workflows (and the retired connectors) take, as Flux's
 * msteams notifier posts it.
 */
export const buildMsTeams: BuildRequest = (event, ctx) => {
  const url = required(resolveAddress(ctx.spec, ctx.secret, true));
  const facts = eventFacts(event, ctx.summary);
  const body: unknown[] = [
    { type: 'TextBlock', text: eventTitle(event), size: 'Medium', weight: 'Bolder', wrap: true, color: event.severity === 'error' ? 'Attention' : 'Good' },
    // Teams refuses cards over 28 KB.
    { type: 'TextBlock', text: truncate(event.message, 10_000), wrap: true },
  ];
  if (facts.length > 0) body.push({ type: 'FactSet', facts });
  return jsonRequest(url, {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4', body },
      },
    ],
  });
};

import type { NotificationEvent } from '../event.ts';
import { jsonRequest, required, resolveAddress } from './common.ts';
import type { BuildRequest } from './types.ts';

/** The event as JSON, for receivers of any kind; the field set is an API, so only ever add to it. */
export function genericPayload(event: NotificationEvent, summary: string | undefined): Record<string, unknown> {
  return {
    involvedObject: event.involvedObject,
    severity: event.severity,
    reason: event.reason,
    message: event.message,
    ...(event.revision !== undefined ? { revision: event.revision } : {}),
    timestamp: event.timestamp,
    ...(summary ? { summary } : {}),
  };
}

export const buildGeneric: BuildRequest = (event, ctx) => {
  const url = required(resolveAddress(ctx.spec, ctx.secret, true));
  return jsonRequest(url, genericPayload(event, ctx.summary));
};

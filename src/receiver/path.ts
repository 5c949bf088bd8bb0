import { createHash } from 'node:crypto';

/** What a webhook path looks like; anything else is refused before a Receiver is looked up. */
export const WEBHOOK_PATH_PATTERN = /^\/hook\/[0-9a-f]{64}$/;

/**
 * The path a Receiver answers on. Derived from the token as Flux's notification-controller does,
 * so the path is unguessable without the Secret and changes when the token is rotated; name and
 * namespace keep two Receivers sharing a Secret apart.
 */
export function webhookPath(token: string, name: string, namespace: string): string {
  return `/hook/${createHash('sha256').update(token + name + namespace).digest('hex')}`;
}

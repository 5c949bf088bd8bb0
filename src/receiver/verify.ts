// The default import, not named ones, so tests can observe that comparisons go through
// timingSafeEqual (a named import binds the function before a test could wrap it).
import crypto from 'node:crypto';
import type { ReceiverType } from '../api/receiver.ts';

export type VerifyResult = { ok: true; event: string | undefined } | { ok: false };

export interface VerifyInput {
  type: ReceiverType;
  /** Header names lower-cased, as Node and Hono give them. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The body exactly as received: signatures cover bytes, not a re-serialised JSON. */
  body: Buffer;
  token: string;
  /**
   * Why a call was refused, for debug logs only. The caller's answer never carries it, so a
   * prober cannot learn which check it failed.
   */
  onReject?: (reason: string) => void;
}

const SHA256_SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/** Checks a webhook call's signature or token for the Receiver's type and names its event. */
export function verifyWebhook(input: VerifyInput): VerifyResult {
  const reject = (reason: string): VerifyResult => {
    input.onReject?.(reason);
    return { ok: false };
  };
  // An empty token would make the HMAC key public and the GitLab token trivially matched.
  if (input.token === '') return reject('the Secret holds an empty token');
  const h = input.headers;
  switch (input.type) {
    case 'github':
      if (!hmacMatches(h['x-hub-signature-256'], input.body, input.token)) return reject('x-hub-signature-256 missing or wrong');
      return { ok: true, event: headerValue(h['x-github-event']) };
    case 'gitlab': {
      const given = h['x-gitlab-token'];
      if (given === undefined || !stringsMatch(given, input.token)) return reject('x-gitlab-token missing or wrong');
      const event = headerValue(h['x-gitlab-event']);
      return { ok: true, event: event === undefined ? undefined : normaliseGitlabEvent(event) };
    }
    case 'generic-hmac':
      if (!hmacMatches(h['x-signature'], input.body, input.token)) return reject('x-signature missing or wrong');
      return { ok: true, event: headerValue(h['x-event']) };
    default:
      return reject(`unknown receiver type ${String(input.type satisfies never)}`);
  }
}

/**
 * GitLab names events "Push Hook", "Tag Push Hook", "Merge Request Hook", …; the "Hook" carries
 * nothing, and without it the names match GitLab's own object_kind (push, tag_push,
 * merge_request, pipeline, …). Applied to spec.events too, so "Push Hook", push_hook and push all
 * select the same calls.
 */
export function normaliseGitlabEvent(name: string): string {
  const snake = name.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return snake.endsWith('_hook') ? snake.slice(0, -'_hook'.length) : snake;
}

function hmacMatches(header: string | undefined, body: Buffer, token: string): boolean {
  const m = SHA256_SIGNATURE.exec(header?.trim() ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1]!, 'hex');
  const expected = crypto.createHmac('sha256', token).update(body).digest();
  return crypto.timingSafeEqual(given, expected);
}

/** Hashing both sides first gives equal lengths, so neither the comparison nor its time leaks the token's length. */
function stringsMatch(given: string, token: string): boolean {
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(token).digest();
  return crypto.timingSafeEqual(a, b);
}

function headerValue(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}

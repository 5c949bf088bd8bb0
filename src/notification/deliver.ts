import { setTimeout as delay } from 'node:timers/promises';
import type { OutgoingRequest } from './providers/types.ts';
import { describeTarget, redactor } from './redact.ts';

export type DeliveryResult =
  | { ok: true; status: number; attempts: number }
  | { ok: false; error: string; attempts: number; status?: number; cancelled?: boolean };

export interface DeliverOptions {
  /** How long one attempt may take, response body included. */
  timeoutMs: number;
  /** Attempts in all, the first included; default 4. */
  attempts?: number;
  /** The wait before the second attempt, doubled for each further one; default 500. */
  baseDelayMs?: number;
  /** No wait is longer, whatever the backoff or a Retry-After header says; default 30 s. */
  maxDelayMs?: number;
  /** Aborting stops the attempt under way and any further ones. */
  signal?: AbortSignal;
  /** Values to scrub from the error, such as the Secret's data; the URL's path and query always are. */
  secrets?: Iterable<string>;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  fetch?: typeof fetch;
}

type Attempt =
  | { ok: true; status: number }
  | { ok: false; retry: boolean; error: string; status?: number; retryAfterMs?: number; cancelled?: boolean };

/** How much of an error response is read and quoted: enough for Slack's `invalid_token` or GitHub's message. */
const SNIPPET_BYTES = 2048;
const SNIPPET_CHARS = 200;

async function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  await delay(ms, undefined, signal ? { signal } : {});
}

async function readSnippet(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < SNIPPET_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    // Frees the connection without downloading whatever is left.
    await reader.cancel().catch(() => {});
  }
  const text = Buffer.concat(chunks).toString('utf8').replace(/\s+/g, ' ').trim();
  return text.length > SNIPPET_CHARS ? text.slice(0, SNIPPET_CHARS) + '…' : text;
}

/** Seconds or an HTTP date, as RFC 9110 allows; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function networkReason(err: unknown): string {
  // undici reports "fetch failed" and keeps the reason in the cause.
  const cause = (err as { cause?: unknown }).cause;
  const source = cause instanceof Error ? cause : err;
  if (source instanceof Error) {
    const code = (source as { code?: unknown }).code;
    return source.message || (typeof code === 'string' ? code : source.name);
  }
  return String(source);
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

async function attemptOnce(request: OutgoingRequest, opts: DeliverOptions, fetchFn: typeof fetch): Promise<Attempt> {
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  try {
    const res = await fetchFn(request.url, {
      method: 'POST',
      headers: { 'User-Agent': 'governor', ...request.headers },
      body: request.body,
      signal,
      // Following a redirect would resend credentials in custom headers (PRIVATE-TOKEN) to wherever it points.
      redirect: 'manual',
    });
    const snippet = await readSnippet(res);
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
    if (res.status >= 300 && res.status < 400) {
      return { ok: false, retry: false, status: res.status, error: `HTTP ${res.status}: redirected; set the address to where it points` };
    }
    const retry = res.status >= 500 || res.status === 429;
    return {
      ok: false,
      retry,
      status: res.status,
      error: `HTTP ${res.status}${snippet ? `: ${snippet}` : ''}`,
      ...(retry ? { retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), Date.now()) } : {}),
    };
  } catch (err) {
    if (opts.signal?.aborted) return { ok: false, retry: false, cancelled: true, error: 'cancelled' };
    if (timeout.aborted) return { ok: false, retry: true, error: `timed out after ${formatMs(opts.timeoutMs)}` };
    return { ok: false, retry: true, error: networkReason(err) };
  }
}

/**
 * Sends one request, retrying what may succeed later (network errors, timeouts, 5xx and 429) with
 * exponential backoff and jitter, so many controllers recovering together do not retry in step.
 * A 4xx is the request's fault and is never retried. Never throws; the error names the target by
 * scheme and host only.
 */
export async function deliver(request: OutgoingRequest, opts: DeliverOptions): Promise<DeliveryResult> {
  const attempts = Math.max(1, opts.attempts ?? 4);
  const baseDelayMs = opts.baseDelayMs ?? 500;
  const maxDelayMs = opts.maxDelayMs ?? 30_000;
  const sleep = opts.sleep ?? defaultSleep;
  const random = opts.random ?? Math.random;
  const fetchFn = opts.fetch ?? fetch;
  const redact = redactor(opts.secrets ?? [], [request.url]);
  const fail = (error: string, made: number, extra: { status?: number; cancelled?: boolean } = {}): DeliveryResult => ({
    ok: false,
    error: redact(`${describeTarget(request.url)}: ${error}`),
    attempts: made,
    ...extra,
  });

  for (let attempt = 1; ; attempt++) {
    if (opts.signal?.aborted) return fail('cancelled', attempt - 1, { cancelled: true });
    const result = await attemptOnce(request, opts, fetchFn);
    if (result.ok) return { ok: true, status: result.status, attempts: attempt };
    const extra = { ...(result.status !== undefined ? { status: result.status } : {}), ...(result.cancelled ? { cancelled: true } : {}) };
    if (!result.retry || attempt >= attempts) return fail(result.error, attempt, extra);
    const backoff = baseDelayMs * 2 ** (attempt - 1);
    const jittered = backoff / 2 + (random() * backoff) / 2;
    const wait = Math.min(maxDelayMs, Math.max(jittered, result.retryAfterMs ?? 0));
    try {
      await sleep(wait, opts.signal);
    } catch {
      return fail(`cancelled after: ${result.error}`, attempt, { ...extra, cancelled: true });
    }
  }
}

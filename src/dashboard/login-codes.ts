/**
 * One-time codes for `governor dashboard`: the URL it opens carries one in its fragment (never
 * sent in a request line, so never in an access log), and the page trades it once for a session
 * acting with the kubeconfig's own credentials.
 */
import { createHash, randomBytes } from 'node:crypto';

export const DEFAULT_CODE_TTL_MS = 5 * 60 * 1000;

export class LoginCodes {
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly codes = new Map<string, number>();

  constructor(opts: { ttlMs?: number; now?: () => number } = {}) {
    this.ttlMs = opts.ttlMs ?? DEFAULT_CODE_TTL_MS;
    this.now = opts.now ?? Date.now;
  }

  issue(): string {
    const code = randomBytes(32).toString('base64url');
    this.codes.set(digest(code), this.now() + this.ttlMs);
    return code;
  }

  /** True once for a valid code within its lifetime; the code is spent either way. */
  redeem(code: string | undefined): boolean {
    if (!code || code.length > 200) return false;
    const key = digest(code);
    const expires = this.codes.get(key);
    if (expires === undefined) return false;
    this.codes.delete(key);
    return this.now() <= expires;
  }
}

function digest(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}

import { createHash } from 'node:crypto';

/** A fixed-size key for any number of parts, so long messages cost no memory as keys. */
export function hashKey(parts: readonly (string | undefined)[]): string {
  const hash = createHash('sha256');
  // A length prefix keeps ("ab", "c") and ("a", "bc") apart.
  for (const part of parts) hash.update(part === undefined ? '-1:' : `${part.length}:${part}`);
  return hash.digest('base64url');
}

const SWEEP_EVERY_MS = 60_000;

/**
 * Suppresses repeats: a key admitted once is refused until its window has passed. The window runs
 * from the first send and is not extended by the repeats it suppresses, so a message that keeps
 * coming is sent once per window, a reminder rather than silence. Memory is bounded: expired keys
 * are swept lazily, and beyond `maxEntries` the oldest go first.
 */
export class RepeatFilter {
  private readonly now: () => number;
  private readonly maxEntries: number;
  private readonly expiries = new Map<string, number>();
  private nextSweep = 0;

  constructor(opts: { now?: () => number; maxEntries?: number } = {}) {
    this.now = opts.now ?? Date.now;
    this.maxEntries = opts.maxEntries ?? 10_000;
  }

  get size(): number {
    return this.expiries.size;
  }

  /** True when the key may be sent now (and then remembers it for `windowMs`); false for a repeat. */
  admit(key: string, windowMs: number): boolean {
    const now = this.now();
    const expiry = this.expiries.get(key);
    if (expiry !== undefined && expiry > now) return false;
    if (windowMs <= 0) return true;
    // Deleted first so the Map's order stays the order of admission, which eviction relies on.
    this.expiries.delete(key);
    this.expiries.set(key, now + windowMs);
    this.prune(now);
    return true;
  }

  /** Lets the key through again, as when a delivery failed and a repeat should retry it. */
  forget(key: string): void {
    this.expiries.delete(key);
  }

  private prune(now: number): void {
    if (now >= this.nextSweep) {
      this.nextSweep = now + SWEEP_EVERY_MS;
      for (const [key, expiry] of this.expiries) if (expiry <= now) this.expiries.delete(key);
    }
    for (const key of this.expiries.keys()) {
      if (this.expiries.size <= this.maxEntries) break;
      this.expiries.delete(key);
    }
  }
}

/**
 * The last commit status posted under each key (provider, repository, commit, context), so the
 * same state and description are not posted again on every reconcile. Least recently used keys
 * go first beyond `maxEntries`; losing one only costs a repeated post.
 */
export class CommitStatusCache {
  private readonly maxEntries: number;
  private readonly posted = new Map<string, string>();

  constructor(opts: { maxEntries?: number } = {}) {
    this.maxEntries = opts.maxEntries ?? 10_000;
  }

  get size(): number {
    return this.posted.size;
  }

  /** Whether `value` is what was last posted under `key`. */
  unchanged(key: string, value: string): boolean {
    const last = this.posted.get(key);
    if (last === undefined) return false;
    this.posted.delete(key);
    this.posted.set(key, last);
    return last === value;
  }

  remember(key: string, value: string): void {
    this.posted.delete(key);
    this.posted.set(key, value);
    for (const k of this.posted.keys()) {
      if (this.posted.size <= this.maxEntries) break;
      this.posted.delete(k);
    }
  }

  forget(key: string): void {
    this.posted.delete(key);
  }
}

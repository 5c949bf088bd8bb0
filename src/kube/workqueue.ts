/** What a reconcile asks of the queue when it returns. */
export interface WorkResult {
  /** Run again after this many milliseconds (the object's interval). */
  requeueAfterMs?: number;
}

export interface WorkQueueOptions {
  /** Keys handled at the same time; one key is never handled twice at once. */
  concurrency: number;
  handler: (key: string) => Promise<WorkResult | void>;
  /** First retry delay after a failure; doubles per consecutive failure. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Fraction of random spread added to retry delays, so failures do not retry in lockstep. */
  jitter?: number;
  random?: () => number;
  onError?: (key: string, err: unknown, retryInMs: number) => void;
}

/**
 * A work queue keyed by namespace/name, in the manner of client-go's: a key waits in the
 * queue at most once however often it is added (events coalesce), a key added while it is
 * being handled is handled again afterwards, failures retry with exponential backoff and
 * jitter, and at most `concurrency` keys are handled at once.
 */
export class WorkQueue {
  private readonly opts: Required<Omit<WorkQueueOptions, 'onError'>> & Pick<WorkQueueOptions, 'onError'>;
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly active = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly failures = new Map<string, number>();
  private running = false;
  private idleWaiters: (() => void)[] = [];

  constructor(opts: WorkQueueOptions) {
    this.opts = { baseDelayMs: 500, maxDelayMs: 5 * 60_000, jitter: 0.1, random: Math.random, ...opts };
  }

  /** Keys waiting (not counting those being handled or scheduled for later). */
  depth(): number {
    return this.queue.length;
  }

  activeCount(): number {
    return this.active.size;
  }

  start(): void {
    this.running = true;
    this.pump();
  }

  /** Stops taking new work, cancels timers, and waits for the keys being handled. */
  async stop(): Promise<void> {
    this.running = false;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    if (this.active.size) await new Promise<void>((r) => this.idleWaiters.push(r));
  }

  add(key: string): void {
    const t = this.timers.get(key);
    if (t) {
      clearTimeout(t.timer);
      this.timers.delete(key);
    }
    if (this.active.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.queue.push(key);
    this.pump();
  }

  /** Adds the key after a delay; an earlier schedule for the same key wins. */
  addAfter(key: string, delayMs: number): void {
    if (delayMs <= 0) return this.add(key);
    const at = Date.now() + delayMs;
    const existing = this.timers.get(key);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.timers.set(key, { at, timer });
  }

  /** Forgets a key entirely (its object was deleted). */
  forget(key: string): void {
    const t = this.timers.get(key);
    if (t) clearTimeout(t.timer);
    this.timers.delete(key);
    this.failures.delete(key);
  }

  /** The retry delay for the n-th consecutive failure (n ≥ 1). */
  backoff(n: number): number {
    const raw = Math.min(this.opts.baseDelayMs * 2 ** Math.max(0, n - 1), this.opts.maxDelayMs);
    return Math.round(raw * (1 + this.opts.jitter * this.opts.random()));
  }

  private pump(): void {
    while (this.running && this.active.size < this.opts.concurrency && this.queue.length) {
      const key = this.queue.shift()!;
      this.queued.delete(key);
      this.active.add(key);
      void this.run(key);
    }
  }

  private async run(key: string): Promise<void> {
    let next: number | undefined;
    try {
      const res = await this.opts.handler(key);
      this.failures.delete(key);
      next = res?.requeueAfterMs;
    } catch (err) {
      const n = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, n);
      next = this.backoff(n);
      this.opts.onError?.(key, err, next);
    } finally {
      this.active.delete(key);
    }
    if (this.running) {
      if (this.dirty.delete(key)) this.add(key);
      else if (next !== undefined) this.addAfter(key, next);
    }
    if (this.active.size === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
    this.pump();
  }
}

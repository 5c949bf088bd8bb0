import { setTimeout as delay } from 'node:timers/promises';
import { isConflict, isNotFound, type KubeClient } from './client.ts';
import type { KubeObject } from './types.ts';

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
  [key: string]: unknown;
}

export interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

export interface LeaderElectorOptions {
  client: KubeClient;
  namespace: string;
  /** Name of the Lease. */
  name: string;
  /** Unique per replica (e.g. pod name plus a random suffix): two replicas with one identity would both lead. */
  identity: string;
  /** How long a non-leader waits, after it last saw the lease change, before taking it over. */
  leaseDurationMs?: number;
  /** How long the leader keeps trying to renew before it gives up leadership; below leaseDurationMs. */
  renewDeadlineMs?: number;
  /** Time between attempts to acquire or renew. */
  retryPeriodMs?: number;
  /** Random spread of a candidate's retry period (client-go's 1.2), so candidates do not collide forever. */
  jitter?: number;
  now?: () => number;
  random?: () => number;
  /** The signal aborts when leadership ends; work started here must stop then. */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  /** On stop() the lease is released only after a returned promise settles, so no successor overlaps with draining work. */
  onStoppedLeading(): void | Promise<void>;
  /** Whenever the observed holder changes, this elector included. */
  onNewLeader?(identity: string): void;
  /** Failed requests; the elector keeps trying by itself. */
  onError?(err: unknown): void;
}

type Settings = Required<Pick<LeaderElectorOptions, 'leaseDurationMs' | 'renewDeadlineMs' | 'retryPeriodMs' | 'jitter' | 'now' | 'random'>>;

/** Lease times are MicroTime: the API server parses exactly six fractional digits. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * Leader election on a coordination.k8s.io/v1 Lease, with client-go's semantics: a candidate
 * takes the lease when it is free or when it has not changed for its leaseDuration as measured
 * on the candidate's own clock (never by comparing another machine's renewTime with ours, so
 * clock skew cannot produce two leaders); writes carry the resourceVersion that was read, so
 * of two candidates only one wins (409 for the other). The leader renews every retryPeriod and
 * gives up once renewDeadline passes without a successful renewal, which is before any
 * candidate may take over. After losing, the elector becomes a candidate again.
 */
export class LeaderElector {
  private readonly opts: LeaderElectorOptions;
  private readonly cfg: Settings;
  private readonly path: string;
  private stopCtl: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private leading: { ctl: AbortController; deadline: NodeJS.Timeout | undefined } | undefined;
  /** The lease as last seen, and when (our clock) its resourceVersion last changed. */
  private observed: { lease: Lease; at: number } | undefined;
  private reportedLeader = '';

  constructor(opts: LeaderElectorOptions) {
    this.opts = opts;
    this.cfg = {
      leaseDurationMs: opts.leaseDurationMs ?? 15_000,
      renewDeadlineMs: opts.renewDeadlineMs ?? 10_000,
      retryPeriodMs: opts.retryPeriodMs ?? 2_000,
      jitter: opts.jitter ?? 1.2,
      now: opts.now ?? Date.now,
      random: opts.random ?? Math.random,
    };
    const c = this.cfg;
    if (!opts.identity) throw new Error('leader election needs an identity');
    if (c.leaseDurationMs <= c.renewDeadlineMs) throw new Error('leaseDurationMs must be greater than renewDeadlineMs');
    if (c.renewDeadlineMs <= c.retryPeriodMs * c.jitter) throw new Error('renewDeadlineMs must be greater than retryPeriodMs × jitter');
    this.path = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(opts.namespace)}/leases/${encodeURIComponent(opts.name)}`;
  }

  isLeader(): boolean {
    return this.leading !== undefined;
  }

  /** The holder of the lease as last observed ('' when free or not yet read). */
  leader(): string {
    return this.observed?.lease.spec?.holderIdentity ?? '';
  }

  /** Starts campaigning in the background; onStartedLeading tells when this replica leads. */
  start(): void {
    if (this.loop) return;
    const ctl = new AbortController();
    this.stopCtl = ctl;
    this.loop = this.run(ctl.signal);
  }

  /**
   * Stops campaigning and renewing. With release (the default) a held lease is handed back at
   * once, so a successor need not wait out the lease duration; `release: false` behaves like
   * a crash, the lease simply expires.
   */
  async stop(opts: { release?: boolean } = {}): Promise<void> {
    const loop = this.loop;
    if (!loop) return;
    this.stopCtl?.abort();
    await loop;
    this.loop = undefined;
    this.stopCtl = undefined;
    try {
      await this.stepDown();
    } catch (err) {
      this.report(err);
    }
    // Also when leadership was already given up locally: the lease may still name us.
    if (opts.release ?? true) await this.release();
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const started = this.cfg.now();
      const outcome = await this.tryAcquireOrRenew(started, signal);
      if (signal.aborted) break;
      if (outcome === 'ours') {
        if (!this.leading) this.becomeLeader();
        this.armDeadline(started);
      } else if (outcome === 'theirs' && this.leading) {
        void this.stepDown().catch((err: unknown) => this.report(err));
      }
      // A failed renewal is retried until the deadline timer decides leadership is lost.
      const wait = this.leading ? this.cfg.retryPeriodMs : this.cfg.retryPeriodMs * (1 + this.cfg.jitter * this.cfg.random());
      try {
        await delay(wait, undefined, { signal });
      } catch {
        // stopped
      }
    }
  }

  /** 'ours' when we hold the lease now, 'theirs' when someone else validly does, 'unknown' when a request failed. */
  private async tryAcquireOrRenew(now: number, signal: AbortSignal): Promise<'ours' | 'theirs' | 'unknown'> {
    const timeoutMs = this.cfg.renewDeadlineMs;
    // Fast path: as leader, write on top of what we wrote last; a conflict means someone else wrote.
    if (this.leading && this.observed) {
      try {
        const lease = await this.write(this.observed.lease, now, signal, timeoutMs);
        this.observe(lease, now);
        return 'ours';
      } catch (err) {
        if (signal.aborted) return 'unknown';
        if (!isConflict(err)) {
          this.report(err);
          return 'unknown';
        }
      }
    }
    let lease: Lease;
    try {
      lease = await this.opts.client.request<Lease>('GET', this.path, { signal, timeoutMs });
    } catch (err) {
      if (signal.aborted) return 'unknown';
      if (!isNotFound(err)) {
        this.report(err);
        return 'unknown';
      }
      return this.create(now, signal, timeoutMs);
    }
    const seenAt = this.cfg.now();
    this.observe(lease, seenAt);
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const at = this.observed?.at ?? seenAt;
    if (holder && holder !== this.opts.identity && at + (spec.leaseDurationSeconds ?? 0) * 1000 > seenAt) return 'theirs';
    try {
      const updated = await this.write(lease, now, signal, timeoutMs);
      this.observe(updated, now);
      return 'ours';
    } catch (err) {
      if (signal.aborted) return 'unknown';
      // 409: another candidate wrote between our read and our write, and won.
      if (isConflict(err)) return 'theirs';
      this.report(err);
      return 'unknown';
    }
  }

  private async create(now: number, signal: AbortSignal, timeoutMs: number): Promise<'ours' | 'theirs' | 'unknown'> {
    const lease: Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.opts.name, namespace: this.opts.namespace },
      spec: this.spec(undefined, now),
    };
    try {
      const created = await this.opts.client.request<Lease>('POST', this.path.slice(0, this.path.lastIndexOf('/')), { body: lease, signal, timeoutMs });
      this.observe(created, now);
      return 'ours';
    } catch (err) {
      if (signal.aborted) return 'unknown';
      if (isConflict(err)) return 'theirs';
      this.report(err);
      return 'unknown';
    }
  }

  /** PUT with the resourceVersion of `base`: optimistic concurrency decides between candidates. */
  private write(base: Lease, now: number, signal: AbortSignal, timeoutMs: number): Promise<Lease> {
    const body: Lease = { ...base, metadata: { ...base.metadata }, spec: this.spec(base.spec, now) };
    delete body.metadata.managedFields;
    return this.opts.client.request<Lease>('PUT', this.path, { body, signal, timeoutMs });
  }

  private spec(old: LeaseSpec | undefined, now: number): LeaseSpec {
    const ours = old?.holderIdentity === this.opts.identity;
    return {
      ...old,
      holderIdentity: this.opts.identity,
      leaseDurationSeconds: Math.max(1, Math.ceil(this.cfg.leaseDurationMs / 1000)),
      acquireTime: ours && old?.acquireTime ? old.acquireTime : microTime(now),
      renewTime: microTime(now),
      leaseTransitions: ours ? (old?.leaseTransitions ?? 0) : old ? (old.leaseTransitions ?? 0) + 1 : 0,
    };
  }

  private observe(lease: Lease, at: number): void {
    if (this.observed?.lease.metadata.resourceVersion !== lease.metadata.resourceVersion) this.observed = { lease, at };
    const holder = lease.spec?.holderIdentity ?? '';
    if (holder && holder !== this.reportedLeader) {
      this.reportedLeader = holder;
      try {
        this.opts.onNewLeader?.(holder);
      } catch (err) {
        this.report(err);
      }
    }
  }

  private becomeLeader(): void {
    const ctl = new AbortController();
    this.leading = { ctl, deadline: undefined };
    try {
      const r = this.opts.onStartedLeading(ctl.signal);
      if (r instanceof Promise) r.catch((err: unknown) => this.report(err));
    } catch (err) {
      this.report(err);
    }
  }

  /** Leadership ends renewDeadline after the start of the last successful renewal, even while a request hangs. */
  private armDeadline(renewStartedAt: number): void {
    const l = this.leading;
    if (!l) return;
    clearTimeout(l.deadline);
    const ms = Math.max(0, renewStartedAt + this.cfg.renewDeadlineMs - this.cfg.now());
    l.deadline = setTimeout(() => {
      if (this.leading !== l) return;
      this.report(new Error(`lease ${this.opts.namespace}/${this.opts.name} not renewed within ${this.cfg.renewDeadlineMs} ms`));
      void this.stepDown().catch((err: unknown) => this.report(err));
    }, ms);
  }

  private async stepDown(): Promise<void> {
    const l = this.leading;
    if (!l) return;
    this.leading = undefined;
    clearTimeout(l.deadline);
    l.ctl.abort();
    await this.opts.onStoppedLeading();
  }

  /** Hands the lease back, as client-go does: no holder and a one-second duration. */
  private async release(): Promise<void> {
    const timeoutMs = this.cfg.renewDeadlineMs;
    try {
      // Read again: a renewal aborted by stop() may still have reached the server.
      const lease = await this.opts.client.request<Lease>('GET', this.path, { timeoutMs });
      if (lease.spec?.holderIdentity !== this.opts.identity) return;
      const now = microTime(this.cfg.now());
      const body: Lease = {
        ...lease,
        spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now },
      };
      delete body.metadata.managedFields;
      const released = await this.opts.client.request<Lease>('PUT', this.path, { body, timeoutMs });
      this.observed = { lease: released, at: this.cfg.now() };
    } catch (err) {
      // 409: someone else already wrote the lease, so it is no longer ours to release.
      if (!isConflict(err) && !isNotFound(err)) this.report(err);
    }
  }

  private report(err: unknown): void {
    try {
      this.opts.onError?.(err);
    } catch {
      // nothing sensible left to do with an error from the error handler
    }
  }
}

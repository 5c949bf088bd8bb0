import type { Alert, Provider } from '../api/notification.ts';
import type { EventSink } from '../controller/events.ts';
import type { ControllerMetrics } from '../controller/metrics.ts';
import { parseDuration } from '../controller/duration.ts';
import { ErrorCodes } from '../errors.ts';
import type { Logger } from '../log.ts';
import { CommitStatusCache, RepeatFilter, hashKey } from './dedupe.ts';
import { deliver } from './deliver.ts';
import { commitOf } from './event.ts';
import type { NotificationEvent } from './event.ts';
import { compileAlert, explainMismatch } from './match.ts';
import type { CompiledAlert } from './match.ts';
import { providerFor } from './providers/index.ts';
import type { OutgoingRequest } from './providers/types.ts';
import { redactor } from './redact.ts';
import { SafeRegex } from './safe-regex.ts';
import { isCommitStatusType } from './validate.ts';

export { validateProvider } from './validate.ts';

export type DeliveryMetricResult = 'sent' | 'failed' | 'suppressed' | 'unchanged';

export interface NotifierDeps {
  /** The current Alerts, as the informer cache holds them. */
  alerts(): readonly Alert[];
  provider(namespace: string, name: string): Provider | undefined;
  /** The decoded data of a Secret, or undefined when there is no such Secret. */
  readSecret(namespace: string, name: string): Promise<Record<string, string> | undefined>;
  /** The Git URL of the source behind the event's object, for commit statuses. */
  sourceUrl(event: NotificationEvent): Promise<string | undefined>;
  /** Where a Warning NotificationFailed goes, on the Alert, when a delivery gives up. */
  events: EventSink;
  log: Logger;
  metrics?: ControllerMetrics;
  now?: () => number;
  retry?: {
    attempts?: number;
    baseDelayMs?: number;
    maxDelayMs?: number;
    sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
    random?: () => number;
  };
  /** Deliveries under way at once, across Providers; default 8. */
  concurrency?: number;
  /** Events and deliveries waiting; beyond this, new events are dropped with a warning. Default 1000. */
  maxQueue?: number;
}

interface Job {
  alert: Alert;
  compiled: CompiledAlert;
  provider: Provider;
  event: NotificationEvent;
  /** Set for messages, which the repeat filter governs; commit statuses have their own cache. */
  repeatKey?: string;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const DROP_WARNING_EVERY_MS = 10_000;

function idOf(obj: { metadata: { namespace?: string; name: string } }): string {
  return `${obj.metadata.namespace ?? 'default'}/${obj.metadata.name}`;
}

function timeoutOf(provider: Provider): number {
  try {
    return parseDuration(provider.spec.timeout);
  } catch {
    return DEFAULT_TIMEOUT_MS;
  }
}

/**
 * Sends events to the Providers of the Alerts that select them. `notify` only queues: the reconcile
 * loop never waits on a chat service. Deliveries to one Provider go one at a time and in order,
 * so a commit status is never overtaken by an older one and a channel reads in sequence; different
 * Providers proceed side by side, up to `concurrency` at once.
 */
export class Notifier {
  private readonly deps: NotifierDeps;
  private readonly concurrency: number;
  private readonly maxQueue: number;
  private readonly now: () => number;
  private readonly repeats: RepeatFilter;
  /** Keeps a Provider that fails on every event from writing a Warning event for each. */
  private readonly failureRepeats: RepeatFilter;
  private readonly statuses = new CommitStatusCache();
  private readonly regex = new SafeRegex();
  private readonly compiled = new WeakMap<Alert, CompiledAlert>();
  private readonly abort = new AbortController();
  private readonly incoming: NotificationEvent[] = [];
  /** Per Provider, in the order of the Map: a Provider that just ran moves to the back. */
  private readonly queues = new Map<string, Job[]>();
  private readonly busy = new Set<string>();
  private queued = 0;
  private active = 0;
  private sideTasks = 0;
  private drainScheduled = false;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  private dropped = 0;
  private lastDropWarning = -Infinity;

  constructor(deps: NotifierDeps) {
    this.deps = deps;
    this.concurrency = Math.max(1, deps.concurrency ?? 8);
    this.maxQueue = Math.max(1, deps.maxQueue ?? 1000);
    this.now = deps.now ?? Date.now;
    this.repeats = new RepeatFilter({ now: this.now });
    this.failureRepeats = new RepeatFilter({ now: this.now, maxEntries: 1000 });
  }

  /** Queues the event for every Alert that selects it. Never throws, never waits. */
  notify(event: NotificationEvent): void {
    try {
      if (this.stopped) return;
      if (this.incoming.length + this.queued >= this.maxQueue) {
        this.drop();
        return;
      }
      this.incoming.push(event);
      if (!this.drainScheduled) {
        this.drainScheduled = true;
        // Matching runs user-written regular expressions: not on the caller's stack.
        setImmediate(() => this.drain());
      }
    } catch (err) {
      this.safeLog('warn', { err: String(err) }, 'notification not queued');
    }
  }

  /** Resolves once nothing is queued, under way or being recorded. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drops what is queued, cancels deliveries under way (their retries included) and waits for them to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    this.incoming.length = 0;
    this.queues.clear();
    this.queued = 0;
    this.checkIdle();
    await this.idle();
  }

  private isIdle(): boolean {
    return !this.drainScheduled && this.incoming.length === 0 && this.queued === 0 && this.active === 0 && this.sideTasks === 0;
  }

  private checkIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private drop(): void {
    this.dropped++;
    const now = this.now();
    if (now - this.lastDropWarning >= DROP_WARNING_EVERY_MS) {
      this.lastDropWarning = now;
      this.safeLog('warn', { dropped: this.dropped, maxQueue: this.maxQueue }, 'notification queue full; dropping events');
      this.dropped = 0;
    }
  }

  private safeLog(level: 'debug' | 'info' | 'warn', obj: Record<string, unknown>, msg: string): void {
    try {
      this.deps.log[level](obj, msg);
    } catch {
      // A broken logger must not break delivery.
    }
  }

  private compile(alert: Alert): CompiledAlert {
    let compiled = this.compiled.get(alert);
    if (!compiled) {
      compiled = compileAlert(alert);
      this.compiled.set(alert, compiled);
    }
    return compiled;
  }

  private count(type: string, result: DeliveryMetricResult): void {
    this.deps.metrics?.notificationDeliveries.inc({ provider_type: type, result });
  }

  private drain(): void {
    this.drainScheduled = false;
    const events = this.incoming.splice(0);
    if (!this.stopped && events.length > 0) {
      let alerts: readonly Alert[] = [];
      try {
        alerts = this.deps.alerts();
      } catch (err) {
        this.safeLog('warn', { err: String(err) }, 'cannot list Alerts; notifications dropped');
      }
      for (const event of events) {
        for (const alert of alerts) {
          try {
            this.route(alert, event);
          } catch (err) {
            this.safeLog('warn', { alert: idOf(alert), err: String(err) }, 'notification not routed');
          }
        }
      }
    }
    this.pump();
    this.checkIdle();
  }

  private route(alert: Alert, event: NotificationEvent): void {
    const alertId = idOf(alert);
    const compiled = this.compile(alert);
    const mismatch = explainMismatch(alert, event, {
      compiled,
      regex: this.regex,
      onTimeout: (list) => this.safeLog('warn', { alert: alertId }, `the Alert's ${list} took too long on a message; its patterns count as not matching`),
    });
    if (mismatch !== undefined) return;
    const namespace = alert.metadata.namespace ?? 'default';
    const provider = this.deps.provider(namespace, alert.spec.providerRef.name);
    if (!provider) {
      this.safeLog('debug', { alert: alertId, provider: `${namespace}/${alert.spec.providerRef.name}` }, 'Provider not found; notification skipped');
      return;
    }
    if (provider.spec.suspend) {
      this.safeLog('debug', { alert: alertId, provider: idOf(provider) }, 'Provider suspended; notification skipped');
      return;
    }
    const providerId = idOf(provider);
    let repeatKey: string | undefined;
    if (!isCommitStatusType(provider.spec.type)) {
      const obj = event.involvedObject;
      repeatKey = hashKey([alertId, providerId, obj.kind, obj.namespace, obj.name, event.reason, event.message]);
      if (!this.repeats.admit(repeatKey, compiled.repeatWindowMs)) {
        this.count(provider.spec.type, 'suppressed');
        this.safeLog('debug', { alert: alertId, provider: providerId, reason: event.reason }, 'repeat within the window; notification suppressed');
        return;
      }
    }
    if (this.incoming.length + this.queued >= this.maxQueue) {
      if (repeatKey) this.repeats.forget(repeatKey);
      this.drop();
      return;
    }
    const job: Job = { alert, compiled, provider, event, ...(repeatKey ? { repeatKey } : {}) };
    const queue = this.queues.get(providerId);
    if (queue) queue.push(job);
    else this.queues.set(providerId, [job]);
    this.queued++;
  }

  private pump(): void {
    while (this.active < this.concurrency) {
      let next: string | undefined;
      for (const key of this.queues.keys()) {
        if (!this.busy.has(key)) {
          next = key;
          break;
        }
      }
      if (next === undefined) return;
      const key = next;
      const queue = this.queues.get(key)!;
      const job = queue.shift()!;
      if (queue.length === 0) this.queues.delete(key);
      this.queued--;
      this.busy.add(key);
      this.active++;
      void this.run(job)
        .catch((err: unknown) => this.safeLog('warn', { provider: key, err: String(err) }, 'notification failed unexpectedly'))
        .finally(() => {
          this.busy.delete(key);
          this.active--;
          const rest = this.queues.get(key);
          if (rest) {
            // To the back, so one busy Provider cannot starve the others.
            this.queues.delete(key);
            this.queues.set(key, rest);
          }
          this.pump();
          this.checkIdle();
        });
    }
  }

  private async run(job: Job): Promise<void> {
    const { alert, provider, event } = job;
    const spec = provider.spec;
    const namespace = provider.metadata.namespace ?? 'default';
    const where = `provider ${idOf(provider)} (${spec.type})`;
    const build = providerFor(spec.type);
    if (!build) return this.fail(job, `cannot deliver to ${where}: unknown provider type`, []);

    let secret: Record<string, string> = {};
    if (spec.secretRef) {
      let data: Record<string, string> | undefined;
      try {
        data = await this.deps.readSecret(namespace, spec.secretRef.name);
      } catch (err) {
        return this.fail(job, `cannot deliver to ${where}: reading Secret ${JSON.stringify(spec.secretRef.name)}: ${String(err)}`, []);
      }
      if (!data) return this.fail(job, `cannot deliver to ${where}: Secret ${JSON.stringify(spec.secretRef.name)} not found`, []);
      secret = data;
    }
    const secrets = Object.values(secret);
    if (this.stopped) return;

    let sourceUrl: string | undefined;
    // Looking the source up costs an API read; only a Stack event with a commit can use it.
    if (isCommitStatusType(spec.type) && event.involvedObject.kind === 'Stack' && commitOf(event.revision) !== undefined) {
      try {
        sourceUrl = await this.deps.sourceUrl(event);
      } catch (err) {
        return this.fail(job, `cannot deliver to ${where}: finding the source URL: ${String(err)}`, secrets);
      }
    }

    let request: OutgoingRequest | undefined;
    try {
      request = build(event, {
        spec,
        secret,
        ...(alert.spec.summary ? { summary: alert.spec.summary } : {}),
        ...(sourceUrl !== undefined ? { sourceUrl } : {}),
      });
    } catch (err) {
      return this.fail(job, `cannot deliver to ${where}: ${(err as Error).message}`, secrets);
    }
    if (!request) {
      this.safeLog('debug', { alert: idOf(alert), provider: idOf(provider), reason: event.reason }, 'nothing for this provider to post about the event');
      return;
    }

    let statusKey: string | undefined;
    if (request.commitStatus) {
      statusKey = hashKey([idOf(provider), request.commitStatus.key]);
      if (this.statuses.unchanged(statusKey, request.commitStatus.value)) {
        this.count(spec.type, 'unchanged');
        this.safeLog('debug', { alert: idOf(alert), provider: idOf(provider) }, 'commit status unchanged; not posted again');
        return;
      }
    }

    const retry = this.deps.retry ?? {};
    const result = await deliver(request, {
      timeoutMs: timeoutOf(provider),
      signal: this.abort.signal,
      secrets,
      ...(retry.attempts !== undefined ? { attempts: retry.attempts } : {}),
      ...(retry.baseDelayMs !== undefined ? { baseDelayMs: retry.baseDelayMs } : {}),
      ...(retry.maxDelayMs !== undefined ? { maxDelayMs: retry.maxDelayMs } : {}),
      ...(retry.sleep ? { sleep: retry.sleep } : {}),
      ...(retry.random ? { random: retry.random } : {}),
    });
    if (result.ok) {
      if (statusKey && request.commitStatus) this.statuses.remember(statusKey, request.commitStatus.value);
      this.count(spec.type, 'sent');
      this.safeLog('debug', { alert: idOf(alert), provider: idOf(provider), attempts: result.attempts }, 'notification sent');
      return;
    }
    if (result.cancelled) {
      if (job.repeatKey) this.repeats.forget(job.repeatKey);
      this.safeLog('debug', { alert: idOf(alert), provider: idOf(provider) }, 'notification cancelled');
      return;
    }
    const attempts = `${result.attempts} attempt${result.attempts === 1 ? '' : 's'}`;
    this.fail(job, `delivery to ${where} failed after ${attempts}: ${result.error}`, secrets);
  }

  /** Counts, logs and records the failure; a later repeat of the message may try again. */
  private fail(job: Job, message: string, secrets: readonly string[]): void {
    const text = redactor(secrets)(message);
    const type = job.provider.spec.type;
    if (job.repeatKey) this.repeats.forget(job.repeatKey);
    this.count(type, 'failed');
    const alertId = idOf(job.alert);
    this.safeLog('warn', { alert: alertId, provider: idOf(job.provider), providerType: type, error: text }, 'notification not delivered');
    if (!this.failureRepeats.admit(hashKey([alertId, text]), job.compiled.repeatWindowMs)) return;
    this.sideTasks++;
    let recording: Promise<void>;
    try {
      recording = this.deps.events.record(job.alert, 'Warning', ErrorCodes.NotificationFailed, text);
    } catch (err) {
      recording = Promise.reject(err);
    }
    void recording
      .catch((err: unknown) => this.safeLog('warn', { alert: alertId, err: String(err) }, 'cannot record the NotificationFailed event'))
      .finally(() => {
        this.sideTasks--;
        this.checkIdle();
      });
  }
}

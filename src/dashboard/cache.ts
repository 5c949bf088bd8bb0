/**
 * The dashboard's picture of the fleet: Stacks, GitRepositories and the Events about them,
 * followed by informers as the server's own identity, with each table row computed when an
 * object changes. Requests filter these rows by the user's access and never list the cluster.
 */
import { API_VERSION, type GitRepository, type Stack } from '../api/index.ts';
import type { Condition } from '../api/index.ts';
import type { KubeClient } from '../kube/client.ts';
import { eventTime, type CoreEvent } from '../kube/events.ts';
import { Informer, type InformerOptions } from '../kube/informer.ts';
import type { KubeObject } from '../kube/types.ts';
import type { Logger } from '../log.ts';
import type { CachedResource } from './access.ts';
import { DRIFT_ANNOTATION, type EventView, type LiveEvent, type SourceRow, type StackRow } from './model.ts';
import type { Listed } from './query.ts';
import { eventView, keyOf, sourceRow, stackRow } from './rows.ts';
import { findCondition } from '../controller/conditions.ts';

export interface StackEntry extends Listed<StackRow> {
  stack: Stack;
}

export interface SourceEntry extends Listed<SourceRow> {
  source: GitRepository;
}

export interface EventEntry {
  view: EventView;
  /** The Event's own namespace, where RBAC on events applies. */
  namespace: string;
  /** When it last happened, epoch ms. */
  at: number;
  involved: { kind: string; namespace: string; name: string };
  /** The raw DriftRecord[] JSON of a DriftDetected event; parsed only when a page shows it. */
  drift?: string;
}

/** A change the live stream may pass on, with what decides who may see it. */
export interface CacheChange {
  resource: CachedResource;
  namespace: string;
  /** Changes with the same key supersede each other in a slow client's queue. */
  key: string;
  event: LiveEvent;
}

export interface DashboardCacheOptions {
  /** The server's own identity: it must be allowed to list and watch all three collections. */
  client: KubeClient;
  log: Logger;
  /** Only these namespaces (a namespace-scoped installation); all when absent or empty. */
  namespaces?: string[];
  /** Events kept, newest first. */
  maxEvents?: number;
  now?: () => number;
}

export const DEFAULT_MAX_EVENTS = 2000;

/** A reconcile seen to take longer than this is not a reconcile we measured (the request was old). */
const MAX_MEASURED_MS = 60 * 60 * 1000;

type Cached = Stack | GitRepository | CoreEvent;

function withoutManagedFields<T extends KubeObject>(obj: T): T {
  if (!obj.metadata.managedFields) return obj;
  const { managedFields: _managedFields, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/** The few fields of an Event the dashboard reads: Events are the most numerous objects it holds. */
function slimEvent(e: CoreEvent): CoreEvent {
  const drift = e.metadata.annotations?.[DRIFT_ANNOTATION];
  return {
    apiVersion: e.apiVersion,
    kind: e.kind,
    metadata: {
      name: e.metadata.name,
      namespace: e.metadata.namespace,
      uid: e.metadata.uid,
      resourceVersion: e.metadata.resourceVersion,
      creationTimestamp: e.metadata.creationTimestamp,
      ...(drift !== undefined && e.reason === 'DriftDetected' ? { annotations: { [DRIFT_ANNOTATION]: drift } } : {}),
    },
    involvedObject: e.involvedObject,
    type: e.type,
    reason: e.reason,
    message: e.message,
    count: e.count,
    lastTimestamp: e.lastTimestamp,
    eventTime: e.eventTime,
    firstTimestamp: e.firstTimestamp,
  };
}

function condition(obj: { status?: { conditions?: Condition[] } } | undefined, type: string): Condition | undefined {
  return findCondition(obj?.status?.conditions, type);
}

export class DashboardCache {
  private readonly opts: DashboardCacheOptions;
  private readonly now: () => number;
  private readonly maxEvents: number;
  private readonly informers: Informer<Cached>[] = [];
  private readonly stacks = new Map<string, StackEntry>();
  private readonly sources = new Map<string, SourceEntry>();
  private readonly eventEntries = new Map<string, EventEntry>();
  private eventsSorted: EventEntry[] | undefined;
  /** Seconds the last measured reconcile of each Stack took. */
  private readonly durations = new Map<string, number>();
  /** How many cached objects of each kind each namespace holds, so the sets of namespaces are exact and cheap. */
  private readonly nsCount: Record<CachedResource, Map<string, number>> = { stacks: new Map(), gitrepositories: new Map(), events: new Map() };
  private readonly listeners = new Set<(c: CacheChange) => void>();

  constructor(opts: DashboardCacheOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
    this.maxEvents = opts.maxEvents ?? DEFAULT_MAX_EVENTS;
    const scopes = opts.namespaces?.length ? opts.namespaces : [undefined];
    const base = `/apis/${API_VERSION}`;
    for (const ns of scopes) {
      const prefix = ns ? `${base}/namespaces/${encodeURIComponent(ns)}` : base;
      this.informers.push(
        this.informer<Stack>(`${prefix}/stacks`, {
          transform: withoutManagedFields,
          onAdd: (s) => this.putStack(s),
          onUpdate: (s, old) => this.putStack(s, old),
          onDelete: (s) => this.dropStack(s),
        }),
        this.informer<GitRepository>(`${prefix}/gitrepositories`, {
          transform: withoutManagedFields,
          onAdd: (r) => this.putSource(r),
          onUpdate: (r) => this.putSource(r),
          onDelete: (r) => this.dropSource(r),
        }),
        this.informer<CoreEvent>(ns ? `/api/v1/namespaces/${encodeURIComponent(ns)}/events` : '/api/v1/events', {
          fieldSelector: `involvedObject.apiVersion=${API_VERSION}`,
          transform: slimEvent,
          onAdd: (e) => this.putEvent(e),
          onUpdate: (e) => this.putEvent(e),
          onDelete: (e) => this.dropEvent(e),
        }),
      );
    }
  }

  private informer<T extends Cached>(
    path: string,
    handlers: Pick<InformerOptions<T>, 'transform' | 'onAdd' | 'onUpdate' | 'onDelete' | 'fieldSelector'>,
  ): Informer<Cached> {
    return new Informer<T>({
      client: this.opts.client,
      path,
      ...handlers,
      onError: (err) => this.opts.log.warn({ path, err: (err as Error).message }, 'dashboard cache: list or watch failed; retrying'),
    }) as unknown as Informer<Cached>;
  }

  /** Starts following the cluster; resolves when every first list is in. */
  async start(): Promise<void> {
    await Promise.all(this.informers.map((i) => i.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.informers.map((i) => i.stop()));
    this.listeners.clear();
  }

  synced(): boolean {
    return this.informers.every((i) => i.hasSynced());
  }

  subscribe(listener: (c: CacheChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stackEntries(): IterableIterator<StackEntry> {
    return this.stacks.values();
  }

  stackEntry(namespace: string, name: string): StackEntry | undefined {
    return this.stacks.get(`${namespace}/${name}`);
  }

  sourceEntries(): IterableIterator<SourceEntry> {
    return this.sources.values();
  }

  sourceEntry(namespace: string, name: string): SourceEntry | undefined {
    return this.sources.get(`${namespace}/${name}`);
  }

  /** The namespaces holding cached objects of a kind: where a user's access needs asking about. */
  namespaces(resource: CachedResource): string[] {
    return [...this.nsCount[resource].keys()];
  }

  /** Newest first. */
  events(): readonly EventEntry[] {
    // Arrival order breaks ties of the second-precision timestamps: reversed, the later first.
    this.eventsSorted ??= [...this.eventEntries.values()].reverse().sort((a, b) => b.at - a.at);
    return this.eventsSorted;
  }

  eventsFor(kind: string, namespace: string, name: string): EventEntry[] {
    return this.events().filter((e) => e.involved.kind === kind && e.involved.namespace === namespace && e.involved.name === name);
  }

  private emit(c: CacheChange): void {
    for (const l of this.listeners) {
      try {
        l(c);
      } catch (err) {
        this.opts.log.warn({ err: (err as Error).message }, 'dashboard cache listener failed');
      }
    }
  }

  private countNamespace(resource: CachedResource, ns: string, delta: number): void {
    const counts = this.nsCount[resource];
    const n = (counts.get(ns) ?? 0) + delta;
    if (n > 0) counts.set(ns, n);
    else counts.delete(ns);
  }

  private putStack(s: Stack, old?: Stack): void {
    const key = `${s.metadata.namespace ?? ''}/${s.metadata.name}`;
    if (old) this.measure(key, s, old);
    // The controller's own figure when it wrote one; else what this cache saw happen.
    const reported = s.status?.lastApplyDuration ? parseFloat(s.status.lastApplyDuration) : NaN;
    const row = stackRow(s, { durationSeconds: Number.isFinite(reported) ? reported : this.durations.get(key) });
    const prev = this.stacks.get(key);
    if (!prev) this.countNamespace('stacks', row.namespace, 1);
    this.stacks.set(key, {
      stack: s,
      row,
      search: `${key} ${row.source} ${row.path} ${row.message}`.toLowerCase(),
      ageMs: Date.parse(row.lastTransitionTime ?? '') || 0,
    });
    if (!prev || JSON.stringify(prev.row) !== JSON.stringify(row)) {
      this.emit({ resource: 'stacks', namespace: row.namespace, key: `stack:${key}`, event: { type: 'stack', stack: row } });
    }
  }

  /**
   * How long a reconcile took, where the cache saw it happen: from Reconciling=True until it
   * cleared, or from a reconcile request (a timestamp, as the CLI and dashboard write) until
   * the controller reported it handled.
   */
  private measure(key: string, s: Stack, old: Stack): void {
    const now = this.now();
    const was = condition(old, 'Reconciling');
    let ms: number | undefined;
    if (was?.status === 'True' && condition(s, 'Reconciling')?.status !== 'True') {
      const start = Date.parse(was.lastTransitionTime);
      const readyAt = Date.parse(condition(s, 'Ready')?.lastTransitionTime ?? '');
      if (start) ms = (readyAt >= start ? readyAt : now) - start;
    } else {
      const handled = s.status?.lastHandledReconcileAt;
      const requested = handled ? Date.parse(handled) : NaN;
      if (handled && handled !== old.status?.lastHandledReconcileAt && requested && requested <= now) ms = now - requested;
    }
    if (ms !== undefined && ms >= 0 && ms < MAX_MEASURED_MS) this.durations.set(key, Math.round(ms / 100) / 10);
  }

  private dropStack(s: Stack): void {
    const key = `${s.metadata.namespace ?? ''}/${s.metadata.name}`;
    if (!this.stacks.delete(key)) return;
    this.durations.delete(key);
    const namespace = s.metadata.namespace ?? '';
    this.countNamespace('stacks', namespace, -1);
    this.emit({ resource: 'stacks', namespace, key: `stack:${key}`, event: { type: 'stack-deleted', key: { namespace, name: s.metadata.name } } });
  }

  private putSource(r: GitRepository): void {
    const row = sourceRow(r);
    const key = keyOf(row);
    const prev = this.sources.get(key);
    if (!prev) this.countNamespace('gitrepositories', row.namespace, 1);
    this.sources.set(key, {
      source: r,
      row,
      search: `${key} ${row.url} ${row.ref} ${row.message}`.toLowerCase(),
      ageMs: Date.parse(row.lastFetchTime ?? '') || 0,
    });
    if (!prev || JSON.stringify(prev.row) !== JSON.stringify(row)) {
      this.emit({ resource: 'gitrepositories', namespace: row.namespace, key: `source:${key}`, event: { type: 'source', source: row } });
    }
  }

  private dropSource(r: GitRepository): void {
    const namespace = r.metadata.namespace ?? '';
    const key = `${namespace}/${r.metadata.name}`;
    if (!this.sources.delete(key)) return;
    this.countNamespace('gitrepositories', namespace, -1);
    this.emit({ resource: 'gitrepositories', namespace, key: `source:${key}`, event: { type: 'source-deleted', key: { namespace, name: r.metadata.name } } });
  }

  private putEvent(e: CoreEvent): void {
    const key = e.metadata.uid ?? `${e.metadata.namespace ?? ''}/${e.metadata.name}`;
    const view = eventView(e);
    const prev = this.eventEntries.get(key);
    if (prev && prev.view.count === view.count && prev.view.lastTimestamp === view.lastTimestamp) return;
    const namespace = e.metadata.namespace ?? view.object.namespace;
    if (!prev) this.countNamespace('events', namespace, 1);
    const drift = e.metadata.annotations?.[DRIFT_ANNOTATION];
    this.eventEntries.set(key, {
      view,
      namespace,
      at: Date.parse(eventTime(e) ?? '') || 0,
      involved: view.object,
      ...(drift !== undefined ? { drift } : {}),
    });
    this.eventsSorted = undefined;
    // Trim in batches: sorting on every insert past the limit would cost more than the memory.
    if (this.eventEntries.size > this.maxEvents + Math.max(10, this.maxEvents / 10)) this.trimEvents();
    this.emit({ resource: 'events', namespace, key: `event:${key}`, event: { type: 'event', event: view } });
  }

  private trimEvents(): void {
    const oldest = [...this.eventEntries.entries()].sort((a, b) => a[1].at - b[1].at);
    for (const [key, entry] of oldest.slice(0, this.eventEntries.size - this.maxEvents)) {
      this.eventEntries.delete(key);
      this.countNamespace('events', entry.namespace, -1);
    }
    this.eventsSorted = undefined;
  }

  private dropEvent(e: CoreEvent): void {
    const key = e.metadata.uid ?? `${e.metadata.namespace ?? ''}/${e.metadata.name}`;
    const entry = this.eventEntries.get(key);
    if (!entry) return;
    this.eventEntries.delete(key);
    this.countNamespace('events', entry.namespace, -1);
    this.eventsSorted = undefined;
  }
}

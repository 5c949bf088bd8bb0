import { API_VERSION, Annotations, type Alert, type GitRepository, type Provider, type Stack } from '../api/index.ts';
import { isGovernorError } from '../errors.ts';
import type { KubeApi } from '../kube/api.ts';
import { resourcePath } from '../kube/discovery.ts';
import { Informer } from '../kube/informer.ts';
import { LeaderElector } from '../kube/leader.ts';
import { WorkQueue, type WorkResult } from '../kube/workqueue.ts';
import type { Logger } from '../log.ts';
import type { GitSource } from '../source/git-source.ts';
import { findCondition } from './conditions.ts';
import type { EventSink } from './events.ts';
import { ArtifactStore, reconcileGitRepository } from './gitrepository/reconciler.ts';
import type { ControllerMetrics } from './metrics.ts';
import { reconcileStack } from './stack/reconciler.ts';
import { forgetStack, type DriftDeps } from './stack/drift.ts';
import { DriftTracker } from './drift/tracker.ts';
import { DriftWatcher } from './drift/watcher.ts';
import { reconcileAlert, reconcileProvider, reconcileReceiver } from './notification/reconcilers.ts';
import type { KubeObject } from '../kube/types.ts';

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export interface ManagerOptions {
  api: KubeApi;
  source: GitSource;
  events: EventSink;
  log: Logger;
  metrics?: ControllerMetrics;
  /** Namespaces to watch; empty or absent means all. */
  namespaces?: string[];
  concurrency?: number;
  kustomizeBinary?: string;
  leaderElection?: LeaderElectionOptions;
  /** Called when leadership is lost; the CLI exits then, as controllers built on client-go do. */
  onLostLeadership?: () => void;
}

type Kind = 'GitRepository' | 'Stack' | 'Provider' | 'Alert' | 'Receiver';
type NotificationKind = 'Provider' | 'Alert' | 'Receiver';
const NOTIFICATION_KINDS: readonly NotificationKind[] = ['Provider', 'Alert', 'Receiver'];

/**
 * Wires informers for GitRepositories and Stacks to one work queue and the two reconcilers.
 * Informers run on every replica (warm caches); only the leader takes work from the queue.
 */
export class Manager {
  private readonly opts: ManagerOptions;
  private readonly artifacts = new ArtifactStore();
  private readonly queue: WorkQueue;
  private readonly repoInformers: Informer<GitRepository>[] = [];
  private readonly stackInformers: Informer<Stack>[] = [];
  private readonly notificationInformers: Record<NotificationKind, Informer<KubeObject>[]> = { Provider: [], Alert: [], Receiver: [] };
  private readonly drift: DriftDeps;
  private elector: LeaderElector | undefined;
  private synced = false;
  private leading = false;

  constructor(opts: ManagerOptions) {
    this.opts = opts;
    const tracker = new DriftTracker();
    this.drift = {
      tracker,
      watcher: new DriftWatcher({
        api: opts.api,
        namespaces: opts.namespaces,
        // Compared on arrival: only real drift wakes the Stack; status churn and our own writes do not.
        onChange: (ev) => {
          if (tracker.observe(ev)) this.queue.add(`Stack/${ev.stack.namespace}/${ev.stack.name}`);
        },
        onError: (err) => opts.log.warn({ err: (err as Error).message }, 'drift watch error'),
      }),
    };
    this.queue = new WorkQueue({
      concurrency: opts.concurrency ?? 4,
      handler: (key) => this.handle(key),
      onError: (key, err, retry) => opts.log.error({ key, err: (err as Error).message, retryInMs: retry }, 'reconcile error'),
    });
  }

  get api(): KubeApi {
    return this.opts.api;
  }

  /** Caches synced (and, with leader election, a leader known). */
  ready(): boolean {
    return this.synced && (!this.elector || this.elector.leader() !== '');
  }

  isLeading(): boolean {
    return this.leading;
  }

  async start(): Promise<void> {
    const { api } = this.opts;
    const repoMapping = await api.mapping(API_VERSION, 'GitRepository');
    const stackMapping = await api.mapping(API_VERSION, 'Stack');
    const namespaces = this.opts.namespaces?.length ? this.opts.namespaces : [undefined];
    for (const ns of namespaces) {
      this.repoInformers.push(
        new Informer<GitRepository>({
          client: api.client,
          path: resourcePath(repoMapping, ns),
          onAdd: (o) => {
            this.observeReady('GitRepository', o);
            this.enqueue('GitRepository', o);
          },
          onUpdate: (o, old) => this.onRepoUpdate(o, old),
          onDelete: (o) => {
            this.observeReady('GitRepository', o, true);
            this.artifacts.delete(o.metadata.namespace!, o.metadata.name);
          },
          onError: (err) => this.opts.log.warn({ err: (err as Error).message }, 'GitRepository watch error'),
        }),
      );
      this.stackInformers.push(
        new Informer<Stack>({
          client: api.client,
          path: resourcePath(stackMapping, ns),
          onAdd: (o) => {
            this.observeReady('Stack', o);
            this.enqueue('Stack', o);
          },
          onUpdate: (o, old) => this.onStackUpdate(o, old),
          onDelete: (o) => {
            this.observeReady('Stack', o, true);
            void forgetStack(this.drift, o.metadata.namespace!, o.metadata.name);
          },
          onError: (err) => this.opts.log.warn({ err: (err as Error).message }, 'Stack watch error'),
        }),
      );
    }
    for (const kind of NOTIFICATION_KINDS) {
      const mapping = await api.mapping(API_VERSION, kind);
      for (const ns of namespaces) {
        this.notificationInformers[kind].push(
          new Informer<KubeObject>({
            client: api.client,
            path: resourcePath(mapping, ns),
            onAdd: (o) => this.enqueue(kind, o),
            onUpdate: (o, old) => {
              if (Manager.wantsWork(o, old)) this.enqueue(kind, o);
              // An Alert waiting for its Provider becomes Ready when the Provider appears.
              if (kind === 'Provider') this.enqueueAlertsOf(o.metadata.namespace!, o.metadata.name);
            },
            onError: (err) => this.opts.log.warn({ err: (err as Error).message }, `${kind} watch error`),
          }),
        );
      }
    }
    await Promise.all(this.allInformers().map((i) => i.start()));
    this.synced = true;
    this.opts.log.info({ namespaces: this.opts.namespaces?.length ? this.opts.namespaces : 'all' }, 'caches synced');

    const le = this.opts.leaderElection;
    if (!le) {
      this.startWorking();
      return;
    }
    this.elector = new LeaderElector({
      client: api.client,
      namespace: le.namespace,
      name: le.name,
      identity: le.identity,
      leaseDurationMs: le.leaseDurationMs,
      renewDeadlineMs: le.renewDeadlineMs,
      retryPeriodMs: le.retryPeriodMs,
      onStartedLeading: () => {
        this.opts.log.info({ replica: le.identity }, 'became leader');
        this.startWorking();
      },
      onStoppedLeading: async () => {
        this.opts.log.warn({ replica: le.identity }, 'leadership lost');
        this.leading = false;
        await this.queue.stop();
        this.opts.onLostLeadership?.();
      },
      onNewLeader: (id) => this.opts.log.info({ leader: id }, 'leader observed'),
      onError: (err) => this.opts.log.warn({ err: (err as Error).message }, 'leader election error'),
    });
    this.elector.start();
  }

  async stop(): Promise<void> {
    await this.elector?.stop({ release: true });
    await this.queue.stop();
    this.leading = false;
    await this.drift.watcher.stop();
    await Promise.all(this.allInformers().map((i) => i.stop()));
  }

  private allInformers(): Informer<KubeObject>[] {
    return [...this.repoInformers, ...this.stackInformers, ...NOTIFICATION_KINDS.flatMap((k) => this.notificationInformers[k])] as Informer<KubeObject>[];
  }

  private informersOf(kind: Kind): Informer<KubeObject>[] {
    return (kind === 'Stack' ? this.stackInformers : kind === 'GitRepository' ? this.repoInformers : this.notificationInformers[kind]) as Informer<KubeObject>[];
  }

  /** Every object of a kind in the caches (the namespaces this controller watches). */
  cached<T extends KubeObject>(kind: Kind): T[] {
    return this.informersOf(kind).flatMap((i) => i.list()) as T[];
  }

  /** One cached object, or undefined (also when its namespace is not watched). */
  find<T extends KubeObject>(kind: Kind, namespace: string, name: string): T | undefined {
    for (const i of this.informersOf(kind)) {
      const obj = i.get(namespace, name);
      if (obj) return obj as T;
    }
    return undefined;
  }

  private enqueueAlertsOf(namespace: string, provider: string): void {
    for (const a of this.cached<Alert>('Alert')) {
      if (a.metadata.namespace === namespace && a.spec?.providerRef?.name === provider) this.enqueue('Alert', a);
    }
  }

  private startWorking(): void {
    this.leading = true;
    this.queue.start();
    // Everything known gets one reconcile when work starts (after a restart or a takeover).
    for (const i of this.repoInformers) for (const o of i.list()) this.enqueue('GitRepository', o);
    for (const i of this.stackInformers) for (const o of i.list()) this.enqueue('Stack', o);
    for (const kind of NOTIFICATION_KINDS) for (const o of this.cached(kind)) this.enqueue(kind, o);
  }

  private enqueue(kind: Kind, obj: { metadata: { namespace?: string; name: string } }): void {
    this.queue.add(`${kind}/${obj.metadata.namespace}/${obj.metadata.name}`);
    this.opts.metrics?.queueDepth.set(this.queue.depth());
  }

  /** Our own status writes come back as updates; only spec, annotations or deletion need work. */
  private static wantsWork(o: KubeObject, old: KubeObject): boolean {
    return (
      o.metadata.generation !== old.metadata.generation ||
      o.metadata.annotations?.[Annotations.ReconcileRequestedAt] !== old.metadata.annotations?.[Annotations.ReconcileRequestedAt] ||
      (o.metadata.deletionTimestamp !== undefined && old.metadata.deletionTimestamp === undefined)
    );
  }

  /** The Ready gauge follows status as the informers see it, whichever replica wrote it. */
  private observeReady(kind: Kind, o: GitRepository | Stack, deleted = false): void {
    const m = this.opts.metrics;
    if (!m) return;
    const labels = { kind, namespace: o.metadata.namespace ?? '', name: o.metadata.name };
    if (deleted) m.ready.remove(labels);
    else m.ready.set(labels, findCondition(o.status?.conditions, 'Ready')?.status === 'True' ? 1 : 0);
  }

  private onRepoUpdate(o: GitRepository, old: GitRepository): void {
    this.observeReady('GitRepository', o);
    if (Manager.wantsWork(o, old)) this.enqueue('GitRepository', o);
    // A new revision in status (from this replica or another) means its Stacks have work.
    if (o.status?.artifact?.revision !== old.status?.artifact?.revision) this.enqueueStacksOfSource(o.metadata.namespace!, o.metadata.name);
  }

  private onStackUpdate(o: Stack, old: Stack): void {
    this.observeReady('Stack', o);
    if (Manager.wantsWork(o, old)) this.enqueue('Stack', o);
    const ready = findCondition(o.status?.conditions, 'Ready');
    const wasReady = findCondition(old.status?.conditions, 'Ready');
    if (ready?.status !== wasReady?.status || o.status?.lastAppliedRevision !== old.status?.lastAppliedRevision) {
      this.enqueueDependents(o.metadata.namespace!, o.metadata.name);
    }
  }

  private enqueueStacksOfSource(namespace: string, name: string): void {
    for (const i of this.stackInformers) {
      for (const s of i.list()) {
        const ref = s.spec?.sourceRef;
        if (ref?.name === name && (ref.namespace ?? s.metadata.namespace) === namespace) this.enqueue('Stack', s);
      }
    }
  }

  private enqueueDependents(namespace: string, name: string): void {
    for (const i of this.stackInformers) {
      for (const s of i.list()) {
        if (s.spec?.dependsOn?.some((d) => d.name === name && (d.namespace ?? s.metadata.namespace) === namespace)) this.enqueue('Stack', s);
      }
    }
  }

  private async handle(key: string): Promise<WorkResult> {
    const [kind, namespace, name] = key.split('/') as [Kind, string, string];
    const started = process.hrtime.bigint();
    let result = 'success';
    try {
      const common = { api: this.opts.api, source: this.opts.source, artifacts: this.artifacts, events: this.opts.events, log: this.opts.log };
      switch (kind) {
        case 'GitRepository':
          return await reconcileGitRepository(namespace, name, { ...common, metrics: this.opts.metrics, onRevision: (ns, n) => this.enqueueStacksOfSource(ns, n) });
        case 'Stack':
          return await reconcileStack(namespace, name, {
            ...common,
            kustomizeBinary: this.opts.kustomizeBinary,
            drift: this.drift,
            metrics: this.opts.metrics,
            cachedSource: (ns, n) => this.find<GitRepository>('GitRepository', ns, n),
          });
        case 'Provider':
          return await reconcileProvider(namespace, name, common);
        case 'Alert':
          return await reconcileAlert(namespace, name, { ...common, provider: (ns, n) => this.find<Provider>('Provider', ns, n) });
        case 'Receiver':
          return await reconcileReceiver(namespace, name, common);
        default:
          return {};
      }
    } catch (err) {
      result = isGovernorError(err) ? err.code : 'InternalError';
      throw err;
    } finally {
      const m = this.opts.metrics;
      if (m) {
        m.reconcileDuration.observe({ kind }, Number(process.hrtime.bigint() - started) / 1e9);
        m.reconcileTotal.inc({ kind, result });
        m.workDuration.observe({ kind }, Number(process.hrtime.bigint() - started) / 1e9);
        m.queueDepth.set(this.queue.depth());
      }
    }
  }
}

/**
 * The drift watcher: shared watches on the objects Stacks manage, so that an edit or a deletion
 * by anyone else is seen within a second (DESIGN §3 step 8).
 *
 * One informer per group/version/kind across all Stacks, selecting only objects that carry the
 * `governor.dev/stack-name` label: memory grows with what Governor manages, not with the cluster.
 * A kind is watched while at least one tracked Stack's inventory uses it. Because the informer
 * relists after a broken watch or an API server restart, what changed meanwhile still surfaces
 * as an update or a deletion.
 */
import { Labels } from '../../api/constants.ts';
import { formatId, parseId, type InventoryEntry } from '../../engine/inventory.ts';
import type { KubeApi } from '../../kube/api.ts';
import { resourcePath } from '../../kube/discovery.ts';
import { Informer, type InformerOptions } from '../../kube/informer.ts';
import type { KubeObject } from '../../kube/types.ts';

export interface StackKey {
  namespace: string;
  name: string;
}

export interface DriftEvent {
  stack: StackKey;
  /** The inventory id of the object: `<namespace>_<name>_<group>_<kind>`. */
  id: string;
  /**
   * `deleted` also when the object left the label selector (its stack label was removed by
   * hand): either way the Stack no longer has it as applied.
   */
  type: 'updated' | 'deleted';
  /** The live object, or the last known state of a deleted one. The cache's own: do not mutate. */
  object: KubeObject;
}

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface DriftWatcherOptions {
  api: KubeApi;
  /** Runs synchronously in the informer's event order; a throw is reported to onError. */
  onChange(ev: DriftEvent): void;
  /** Failures the watcher recovers from (watch errors, kinds the cluster does not serve). */
  onError?(err: unknown): void;
  /** Watch namespaced kinds only in these namespaces (the controller's --namespace); cluster-scoped kinds are always watched cluster-wide. */
  namespaces?: string[];
  /** Tuning passed to each informer (tests shorten timeouts). */
  informer?: Pick<InformerOptions<KubeObject>, 'pageSize' | 'watchTimeoutSeconds' | 'idleMs' | 'backoff'>;
}

interface Watch {
  gvk: GroupVersionKind;
  key: string;
  informers: Informer<KubeObject>[];
  /** Resolves once every informer of this kind has synced (or the kind failed / was dropped). */
  ready: Promise<void>;
  dropped: boolean;
}

interface Tracked {
  stack: StackKey;
  /** Inventory id → the GVK key it is watched under. */
  ids: Map<string, string>;
  gvks: Set<string>;
}

function stackKey(s: StackKey): string {
  return `${s.namespace}/${s.name}`;
}

function gvkKey(g: GroupVersionKind): string {
  return `${g.group}/${g.version}/${g.kind}`;
}

function apiVersionOf(g: GroupVersionKind): string {
  return g.group ? `${g.group}/${g.version}` : g.version;
}

export class DriftWatcher {
  private readonly opts: DriftWatcherOptions;
  private readonly stacks = new Map<string, Tracked>();
  /** GVK key → how many tracked Stacks use it. */
  private readonly refs = new Map<string, number>();
  private readonly watches = new Map<string, Watch>();
  /** Informer stops in flight, awaited by stop(). */
  private readonly stopping = new Set<Promise<void>>();
  private stopped = false;

  constructor(opts: DriftWatcherOptions) {
    this.opts = opts;
  }

  /**
   * Declares the full set of objects the Stack manages now, replacing its previous set. Starts
   * watches for kinds no Stack used before and stops those no Stack uses any more; resolves once
   * every kind this Stack uses has synced. Malformed ids and unknown kinds go to onError.
   */
  async track(stack: StackKey, entries: readonly InventoryEntry[]): Promise<void> {
    if (this.stopped) throw new Error('drift watcher is stopped');
    const ids = new Map<string, string>();
    const gvks = new Map<string, GroupVersionKind>();
    for (const e of entries) {
      let ref;
      try {
        ref = parseId(e.id);
      } catch (err) {
        this.report(err);
        continue;
      }
      const gvk = { group: ref.group, version: e.v, kind: ref.kind };
      const key = gvkKey(gvk);
      ids.set(e.id, key);
      gvks.set(key, gvk);
    }
    const sk = stackKey(stack);
    const previous = this.stacks.get(sk);
    this.stacks.set(sk, { stack: { namespace: stack.namespace, name: stack.name }, ids, gvks: new Set(gvks.keys()) });
    for (const key of gvks.keys()) if (!previous?.gvks.has(key)) this.refs.set(key, (this.refs.get(key) ?? 0) + 1);
    if (previous) for (const key of previous.gvks) if (!gvks.has(key)) this.release(key);
    // A kind whose earlier start failed (say, a CRD not yet established) is retried here.
    const waits: Promise<void>[] = [];
    for (const [key, gvk] of gvks) waits.push((this.watches.get(key) ?? this.startWatch(key, gvk)).ready);
    await Promise.all(waits);
  }

  /** Forgets the Stack; kinds no other Stack uses stop being watched. */
  async untrack(stack: StackKey): Promise<void> {
    const sk = stackKey(stack);
    const tracked = this.stacks.get(sk);
    if (!tracked) return;
    this.stacks.delete(sk);
    const stops: Promise<void>[] = [];
    for (const key of tracked.gvks) {
      const p = this.release(key);
      if (p) stops.push(p);
    }
    await Promise.all(stops);
  }

  /** Stops every watch and forgets every Stack; no request or timer remains afterwards. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stacks.clear();
    this.refs.clear();
    for (const key of [...this.watches.keys()]) this.dropWatch(key);
    while (this.stopping.size > 0) await Promise.all([...this.stopping]);
  }

  /** The kinds watched now, sorted. */
  kinds(): GroupVersionKind[] {
    return [...this.watches.values()].map((w) => ({ ...w.gvk })).sort((a, b) => gvkKey(a).localeCompare(gvkKey(b)));
  }

  /** The cached live object of an inventory id, or undefined when no watch has it. */
  get(id: string): KubeObject | undefined {
    let ref;
    try {
      ref = parseId(id);
    } catch {
      return undefined;
    }
    for (const w of this.watches.values()) {
      if (w.gvk.group !== ref.group || w.gvk.kind !== ref.kind) continue;
      for (const inf of w.informers) {
        const obj = inf.get(ref.namespace || undefined, ref.name);
        if (obj) return obj;
      }
    }
    return undefined;
  }

  /** True when every watch has completed its first list. */
  synced(): boolean {
    for (const w of this.watches.values()) {
      if (w.informers.length === 0 || !w.informers.every((i) => i.hasSynced())) return false;
    }
    return true;
  }

  private release(key: string): Promise<void> | undefined {
    const n = (this.refs.get(key) ?? 0) - 1;
    if (n > 0) {
      this.refs.set(key, n);
      return undefined;
    }
    this.refs.delete(key);
    return this.dropWatch(key);
  }

  private startWatch(key: string, gvk: GroupVersionKind): Watch {
    const w: Watch = { gvk, key, informers: [], ready: Promise.resolve(), dropped: false };
    this.watches.set(key, w);
    w.ready = this.open(w).catch((err: unknown) => {
      // A watch dropped while starting is no failure; anything else is reported and retried on the next track().
      if (w.dropped) return;
      this.report(err);
      this.dropWatch(key);
    });
    return w;
  }

  private async open(w: Watch): Promise<void> {
    const mapping = await this.opts.api.mapper.mapping(apiVersionOf(w.gvk), w.gvk.kind);
    if (w.dropped) return;
    // An empty list means all namespaces, as for the controller's --namespace flag.
    const namespaces = mapping.namespaced && this.opts.namespaces?.length ? this.opts.namespaces : [undefined];
    for (const ns of namespaces) {
      w.informers.push(
        new Informer<KubeObject>({
          ...this.opts.informer,
          client: this.opts.api.client,
          path: resourcePath(mapping, ns),
          labelSelector: Labels.StackName,
          onUpdate: (obj, old) => this.route(w, 'updated', obj, old),
          onDelete: (obj) => this.route(w, 'deleted', obj),
          onError: (err) => this.report(err),
        }),
      );
    }
    await Promise.all(w.informers.map((i) => i.start()));
  }

  private dropWatch(key: string): Promise<void> | undefined {
    const w = this.watches.get(key);
    if (!w) return undefined;
    this.watches.delete(key);
    w.dropped = true;
    // The informers list may still grow if open() is between its mapping and start; it checks `dropped`.
    const p: Promise<void> = Promise.all(w.informers.map((i) => i.stop())).then(
      () => undefined,
      (err: unknown) => this.report(err),
    );
    const tracked = p.finally(() => this.stopping.delete(tracked));
    this.stopping.add(tracked);
    return tracked;
  }

  /**
   * Hands a change to the Stack its labels name, if that Stack tracks the object under this
   * kind. An update checks the old labels too: relabelling an object to another Stack is a
   * change to the Stack that owned it.
   */
  private route(w: Watch, type: DriftEvent['type'], obj: KubeObject, old?: KubeObject): void {
    if (w.dropped) return;
    const id = formatId({ namespace: obj.metadata.namespace ?? '', name: obj.metadata.name, group: w.gvk.group, kind: w.gvk.kind });
    const seen = new Set<string>();
    for (const o of old ? [obj, old] : [obj]) {
      const labels = o.metadata.labels;
      const name = labels?.[Labels.StackName];
      const namespace = labels?.[Labels.StackNamespace];
      if (!name || !namespace) continue;
      const sk = stackKey({ namespace, name });
      if (seen.has(sk)) continue;
      seen.add(sk);
      const tracked = this.stacks.get(sk);
      if (tracked?.ids.get(id) !== w.key) continue;
      this.opts.onChange({ stack: { ...tracked.stack }, id, type, object: obj });
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

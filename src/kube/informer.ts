import { setTimeout as delay } from 'node:timers/promises';
import { ErrorCodes, GovernorError } from '../errors.ts';
import { apiStatusCode, type ApiStatus, type KubeClient } from './client.ts';
import type { KubeObject, ObjectList } from './types.ts';

export interface BackoffOptions {
  /** Delay after the first consecutive failure; doubles with each further one. */
  baseMs?: number;
  maxMs?: number;
  /** Fraction of random spread added, so many informers that failed together do not retry together. */
  jitter?: number;
}

export interface InformerOptions<T extends KubeObject> {
  client: KubeClient;
  /** Collection path, e.g. `resourcePath(mapping, namespace)`. */
  path: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Objects per list page. */
  pageSize?: number;
  /** Server-side watch timeout; each watch gets a jittered value around it. */
  watchTimeoutSeconds?: number;
  /** A watch silent for longer than this is presumed dead and reopened; default: the server-side timeout plus a minute. */
  idleMs?: number;
  backoff?: BackoffOptions;
  random?: () => number;
  /**
   * Applied to every object before it enters the cache, as client-go's SetTransform: a cache that
   * only reads a few fields (a dashboard's Events) need not hold managedFields and the rest.
   * Must keep metadata.name, namespace, uid and resourceVersion.
   */
  transform?(obj: T): T;
  /** Handlers run synchronously in event order; the objects are the cache's own and must not be mutated. */
  onAdd?(obj: T): void;
  onUpdate?(obj: T, old: T): void;
  /** For an object that vanished while no watch was open, the last state the cache knew. */
  onDelete?(obj: T): void;
  /** Failures the informer recovers from by itself (it keeps retrying); for logs and metrics. */
  onError?(err: unknown): void;
}

/** What one line of a watch stream asks the informer to do. */
export type WatchAction<T extends KubeObject> =
  | { kind: 'event'; type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: T }
  | { kind: 'bookmark'; resourceVersion: string }
  | { kind: 'relist'; reason: string }
  | { kind: 'error'; error: GovernorError };

export type CacheChange<T extends KubeObject> =
  | { type: 'add'; obj: T }
  | { type: 'update'; obj: T; old: T }
  | { type: 'delete'; obj: T };

/** The cache key: `namespace/name`, or `name` for a cluster-scoped object. */
export function objectKey(obj: KubeObject): string {
  return cacheKey(obj.metadata.namespace, obj.metadata.name);
}

function cacheKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/**
 * Interprets one newline-delimited watch event. A 410 (the resourceVersion we watch from has
 * been compacted away) means events were lost and only a fresh list can tell what changed.
 */
export function parseWatchLine<T extends KubeObject>(line: string): WatchAction<T> {
  let ev: { type?: unknown; object?: unknown };
  try {
    ev = JSON.parse(line) as typeof ev;
  } catch {
    return { kind: 'error', error: watchError(`unparseable watch event: ${line.slice(0, 200)}`, 0) };
  }
  const obj = ev.object as Partial<KubeObject> | undefined;
  switch (ev.type) {
    case 'ADDED':
    case 'MODIFIED':
    case 'DELETED':
      if (typeof obj?.metadata?.name !== 'string') return { kind: 'error', error: watchError(`watch ${ev.type} event without an object`, 0) };
      return { kind: 'event', type: ev.type, object: obj as T };
    case 'BOOKMARK': {
      const rv = obj?.metadata?.resourceVersion;
      if (typeof rv !== 'string' || !rv) return { kind: 'error', error: watchError('watch BOOKMARK without a resourceVersion', 0) };
      return { kind: 'bookmark', resourceVersion: rv };
    }
    case 'ERROR': {
      const st = (ev.object ?? {}) as ApiStatus;
      if (st.code === 410 || st.reason === 'Expired' || st.reason === 'Gone') return { kind: 'relist', reason: st.message ?? 'resource version expired' };
      return { kind: 'error', error: watchError(st.message ?? `watch error ${st.code ?? ''}`.trim(), st.code ?? 0, st.reason) };
    }
    default:
      return { kind: 'error', error: watchError(`unknown watch event type ${JSON.stringify(ev.type)}`, 0) };
  }
}

function watchError(message: string, status: number, reason?: string): GovernorError {
  return new GovernorError(ErrorCodes.KubeApiError, message, { details: { status, reason } });
}

/**
 * What a fresh list changes relative to the cache. Equal resourceVersions mean unchanged;
 * resourceVersions are never ordered, since the API only promises they are opaque. The same
 * name with another uid is a different object: the old one was deleted in the gap.
 */
export function diffSnapshot<T extends KubeObject>(cache: ReadonlyMap<string, T>, items: readonly T[]): CacheChange<T>[] {
  const changes: CacheChange<T>[] = [];
  const seen = new Set<string>();
  for (const obj of items) seen.add(objectKey(obj));
  for (const [key, old] of cache) if (!seen.has(key)) changes.push({ type: 'delete', obj: old });
  for (const obj of items) changes.push(...upsertChanges(cache.get(objectKey(obj)), obj));
  return changes;
}

function upsertChanges<T extends KubeObject>(old: T | undefined, obj: T): CacheChange<T>[] {
  if (!old) return [{ type: 'add', obj }];
  if (old.metadata.resourceVersion === obj.metadata.resourceVersion) return [];
  if (old.metadata.uid && obj.metadata.uid && old.metadata.uid !== obj.metadata.uid) {
    return [
      { type: 'delete', obj: old },
      { type: 'add', obj },
    ];
  }
  return [{ type: 'update', obj, old }];
}

/** The delay before retry n (n ≥ 1): exponential, capped, with random spread on top. */
export function backoffDelay(n: number, opts: BackoffOptions, random: () => number): number {
  const base = opts.baseMs ?? 1000;
  const raw = Math.min(base * 2 ** Math.max(0, n - 1), opts.maxMs ?? 30_000);
  return Math.round(raw * (1 + (opts.jitter ?? 0.5) * random()));
}

interface WatchOutcome {
  relist: boolean;
  /** At least one event or bookmark arrived: the connection and the resourceVersion were good. */
  progressed: boolean;
  error?: unknown;
}

/** A watch that lived at least this long counts as healthy even when nothing happened. */
const HEALTHY_WATCH_MS = 10_000;

/**
 * A list+watch cache of one collection, in the manner of client-go's reflector: a paginated
 * list fills the cache, a watch with bookmarks keeps it current, a 410 Gone relists, a watch
 * that ends or falls silent is reopened from the last resourceVersion, and failures retry
 * with exponential backoff and jitter, then relist (events may have been missed).
 */
export class Informer<T extends KubeObject> {
  private readonly opts: InformerOptions<T>;
  private readonly random: () => number;
  private cache = new Map<string, T>();
  private rv = '';
  private synced = false;
  private stopCtl: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private firstSync: PromiseWithResolvers<void> | undefined;

  constructor(opts: InformerOptions<T>) {
    this.opts = opts;
    this.random = opts.random ?? Math.random;
  }

  /** Starts listing and watching; resolves once the first list is in the cache. Failures before that are retried, not thrown. */
  start(): Promise<void> {
    if (this.loop && this.firstSync) return this.firstSync.promise;
    const firstSync = Promise.withResolvers<void>();
    // A caller that did not wait for the sync must not get an unhandled rejection from stop().
    firstSync.promise.catch(() => undefined);
    this.firstSync = firstSync;
    if (this.synced) firstSync.resolve();
    const ctl = new AbortController();
    this.stopCtl = ctl;
    this.loop = this.run(ctl.signal);
    return firstSync.promise;
  }

  /** Stops watching and waits until no request is open and no timer is pending. The cache stays readable. */
  async stop(): Promise<void> {
    const loop = this.loop;
    if (!loop) return;
    this.stopCtl?.abort();
    await loop;
    this.loop = undefined;
    this.stopCtl = undefined;
    if (!this.synced) this.firstSync?.reject(new Error(`informer for ${this.opts.path} stopped before it synced`));
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** The resourceVersion the next watch would start from. */
  get resourceVersion(): string {
    return this.rv;
  }

  get size(): number {
    return this.cache.size;
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.cache.get(cacheKey(namespace, name));
  }

  list(): T[] {
    return [...this.cache.values()];
  }

  private async run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    let mustList = true;
    const fail = async (err: unknown) => {
      if (err !== undefined) this.report(err);
      failures++;
      await sleep(backoffDelay(failures, this.opts.backoff ?? {}, this.random), signal);
    };
    while (!signal.aborted) {
      if (mustList) {
        try {
          await this.relist(signal);
          mustList = false;
        } catch (err) {
          if (signal.aborted) break;
          await fail(err);
          continue;
        }
      }
      const started = Date.now();
      const out = await this.watch(signal);
      if (signal.aborted) break;
      if (out.progressed || Date.now() - started >= HEALTHY_WATCH_MS) failures = 0;
      if (out.relist) mustList = true;
      // A watch that fails, or ends at once without telling us anything, must not become a hot loop.
      const fruitless = !out.progressed && Date.now() - started < 1000;
      if (out.error !== undefined || fruitless) await fail(out.error);
    }
  }

  private async relist(signal: AbortSignal): Promise<void> {
    const items: T[] = [];
    let rv: string | undefined;
    let cont: string | undefined;
    do {
      const page = await this.opts.client.request<ObjectList<T>>('GET', this.opts.path, {
        query: {
          labelSelector: this.opts.labelSelector,
          fieldSelector: this.opts.fieldSelector,
          limit: this.opts.pageSize ?? 500,
          continue: cont,
        },
        signal,
        timeoutMs: 60_000,
      });
      // Every page of one list is the same snapshot; the first page names it.
      rv ??= page.metadata?.resourceVersion;
      // Items of a list carry no kind of their own; handlers should see whole objects, as from a watch.
      const kind = page.kind?.replace(/List$/, '');
      for (const item of page.items ?? []) {
        if (!item.kind && kind) item.kind = kind;
        if (!item.apiVersion && page.apiVersion) item.apiVersion = page.apiVersion;
        items.push(this.opts.transform ? this.opts.transform(item) : item);
      }
      cont = page.metadata?.continue || undefined;
    } while (cont);
    if (signal.aborted) return;
    const changes = diffSnapshot(this.cache, items);
    const next = new Map<string, T>();
    for (const obj of items) next.set(objectKey(obj), obj);
    this.cache = next;
    this.rv = rv ?? '';
    for (const c of changes) this.emit(c);
    if (!this.synced) {
      this.synced = true;
      this.firstSync?.resolve();
    }
  }

  private async watch(stopSignal: AbortSignal): Promise<WatchOutcome> {
    const base = this.opts.watchTimeoutSeconds ?? 300;
    // Spread so that informers started together do not all reconnect together.
    const timeoutSeconds = Math.max(1, Math.round(base * (0.8 + 0.4 * this.random())));
    // The API server ends every watch after timeoutSeconds and need not send bookmarks before;
    // only a watch silent well past that is presumed dead.
    const idleMs = this.opts.idleMs ?? timeoutSeconds * 1000 + 60_000;
    const ctl = new AbortController();
    // Aborting in the same tick as the response's last bytes makes node:http emit an error on a
    // socket nobody listens to (an uncaught exception). One turn later the stream has either
    // settled, and the abort is cancelled, or is still open and can be cut safely.
    let pending: NodeJS.Immediate | undefined;
    const abortSoon = () => (pending ??= setImmediate(() => ctl.abort()));
    let ignore = false;
    const onStop = () => {
      ignore = true;
      abortSoon();
    };
    stopSignal.addEventListener('abort', onStop, { once: true });
    const out: WatchOutcome = { relist: false, progressed: false };
    try {
      await this.opts.client.stream(
        this.opts.path,
        {
          query: {
            watch: 1,
            allowWatchBookmarks: true,
            resourceVersion: this.rv || undefined,
            timeoutSeconds,
            labelSelector: this.opts.labelSelector,
            fieldSelector: this.opts.fieldSelector,
          },
          idleMs,
          // The client's socket timeout would otherwise cut a quiet watch before idleMs does.
          timeoutMs: idleMs + 10_000,
          signal: ctl.signal,
        },
        (line) => {
          if (ignore) return;
          const action = parseWatchLine<T>(line);
          switch (action.kind) {
            case 'event':
              out.progressed = true;
              this.applyEvent(action.type, action.object);
              break;
            case 'bookmark':
              out.progressed = true;
              this.rv = action.resourceVersion;
              break;
            case 'relist':
              out.relist = true;
              ignore = true;
              abortSoon();
              break;
            case 'error':
              out.relist = true;
              out.error = action.error;
              ignore = true;
              abortSoon();
              break;
          }
        },
      );
    } catch (err) {
      if (!ignore) {
        const status = apiStatusCode(err);
        if (status === 410) out.relist = true;
        else {
          out.error = err;
          // Could not open the watch at all: what happened meanwhile is unknown. A stream that broke
          // after opening resumes from the last resourceVersion; if that is too old, the server says 410.
          if (status !== undefined) out.relist = true;
        }
      }
    } finally {
      clearImmediate(pending);
      stopSignal.removeEventListener('abort', onStop);
    }
    return out;
  }

  private applyEvent(type: 'ADDED' | 'MODIFIED' | 'DELETED', raw: T): void {
    const obj = this.opts.transform ? this.opts.transform(raw) : raw;
    const key = objectKey(obj);
    const old = this.cache.get(key);
    if (obj.metadata.resourceVersion) this.rv = obj.metadata.resourceVersion;
    if (type === 'DELETED') {
      if (!old) return;
      this.cache.delete(key);
      this.emit({ type: 'delete', obj });
      return;
    }
    this.cache.set(key, obj);
    for (const c of upsertChanges(old, obj)) this.emit(c);
  }

  private emit(c: CacheChange<T>): void {
    try {
      if (c.type === 'add') this.opts.onAdd?.(c.obj);
      else if (c.type === 'update') this.opts.onUpdate?.(c.obj, c.old);
      else this.opts.onDelete?.(c.obj);
    } catch (err) {
      // A failing handler must not stop the cache from following the cluster.
      this.report(err);
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

async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch {
    // aborted: the caller checks the signal
  }
}

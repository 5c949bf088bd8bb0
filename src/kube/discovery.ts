import { ErrorCodes, GovernorError } from '../errors.ts';
import type { KubeClient } from './client.ts';

/** How a kind is reached over REST. */
export interface ResourceMapping {
  group: string;
  version: string;
  kind: string;
  resource: string;
  namespaced: boolean;
  verbs: string[];
}

interface DiscoveryList {
  items?: {
    metadata?: { name?: string };
    versions?: {
      version: string;
      resources?: { resource: string; responseKind?: { kind?: string }; scope?: string; verbs?: string[] }[];
    }[];
  }[];
}

/** Aggregated discovery (one request for all groups) is served by every API server since 1.30. */
const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/**
 * Maps apiVersion+kind to REST resources from the API server's discovery documents.
 * A kind not yet known triggers one refresh (a CRD may just have been established);
 * `invalidate()` forces the next lookup to refresh (call it when CRDs change).
 */
export class RestMapper {
  private readonly client: KubeClient;
  private readonly minRefreshMs: number;
  private byKind = new Map<string, ResourceMapping>();
  private loadedAt = 0;
  private loading: Promise<void> | undefined;
  private stale = true;

  constructor(client: KubeClient, opts: { minRefreshMs?: number } = {}) {
    this.client = client;
    this.minRefreshMs = opts.minRefreshMs ?? 1000;
  }

  invalidate(): void {
    this.stale = true;
  }

  /** The mapping, or a GovernorError(UnknownKind) naming the kind the cluster does not serve. */
  async mapping(apiVersion: string, kind: string): Promise<ResourceMapping> {
    const key = `${apiVersion}/${kind}`;
    if (this.stale) await this.refresh();
    let m = this.byKind.get(key);
    if (!m && Date.now() - this.loadedAt >= this.minRefreshMs) {
      await this.refresh();
      m = this.byKind.get(key);
    }
    if (!m) {
      throw new GovernorError(ErrorCodes.UnknownKind, `no kind "${kind}" is registered for version "${apiVersion}" in the cluster`, {
        details: { apiVersion, kind },
      });
    }
    return m;
  }

  /** Like mapping(), but undefined instead of an error for an unknown kind. */
  async tryMapping(apiVersion: string, kind: string): Promise<ResourceMapping | undefined> {
    try {
      return await this.mapping(apiVersion, kind);
    } catch (err) {
      if (err instanceof GovernorError && err.code === ErrorCodes.UnknownKind) return undefined;
      throw err;
    }
  }

  /** What discovery last said about a kind, without asking again (for synchronous callers). */
  peek(apiVersion: string, kind: string): ResourceMapping | undefined {
    return this.byKind.get(`${apiVersion}/${kind}`);
  }

  async refresh(): Promise<void> {
    // Concurrent callers share one discovery round trip.
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    await this.loading;
  }

  private async load(): Promise<void> {
    const [core, groups] = await Promise.all([
      this.client.request<DiscoveryList>('GET', '/api', { accept: AGGREGATED }),
      this.client.request<DiscoveryList>('GET', '/apis', { accept: AGGREGATED }),
    ]);
    const next = new Map<string, ResourceMapping>();
    for (const list of [core, groups]) {
      for (const g of list.items ?? []) {
        const group = g.metadata?.name ?? '';
        for (const v of g.versions ?? []) {
          for (const r of v.resources ?? []) {
            const kind = r.responseKind?.kind;
            if (!kind || r.resource.includes('/')) continue;
            const apiVersion = group ? `${group}/${v.version}` : v.version;
            next.set(`${apiVersion}/${kind}`, {
              group,
              version: v.version,
              kind,
              resource: r.resource,
              namespaced: r.scope === 'Namespaced',
              verbs: r.verbs ?? [],
            });
          }
        }
      }
    }
    if (next.size === 0) throw new GovernorError(ErrorCodes.KubeApiError, 'API discovery returned no resources');
    this.byKind = next;
    this.loadedAt = Date.now();
    this.stale = false;
  }
}

/** The REST path of a collection or an object. */
export function resourcePath(m: ResourceMapping, namespace?: string, name?: string, subresource?: string): string {
  let p = m.group ? `/apis/${m.group}/${m.version}` : `/api/${m.version}`;
  if (m.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${m.resource}`;
  if (name) p += `/${encodeURIComponent(name)}`;
  if (subresource) p += `/${subresource}`;
  return p;
}

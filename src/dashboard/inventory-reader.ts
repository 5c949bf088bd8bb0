/**
 * Live reads behind a Stack's object graph, made with the signed-in user's client so the graph
 * shows exactly what their RBAC lets them read: what cannot be read is Unknown, never an error
 * page. Objects are listed by the Stack's labels per kind and namespace rather than fetched one by
 * one, and Secrets only as metadata, so their values never reach this process.
 */
import type { Stack } from '../api/index.ts';
import { Labels } from '../api/index.ts';
import { inventoryApiVersion, parseId } from '../engine/object-id.ts';
import type { KubeApi } from '../kube/api.ts';
import { apiStatusCode, isNotFound } from '../kube/client.ts';
import { resourcePath, type ResourceMapping } from '../kube/discovery.ts';
import type { KubeObject, ObjectList } from '../kube/types.ts';
import type { InventoryItem } from './inventory-graph.ts';

const PARALLEL = 8;
/** A group this small is fetched object by object: one GET each is cheaper than a list. */
const FETCH_ONE_BY_ONE = 3;
/** Kinds whose children (owner references) or selected Pods belong in the graph. */
const PARENT_KINDS = new Set(['apps/Deployment', 'apps/ReplicaSet', 'apps/StatefulSet', 'apps/DaemonSet', 'batch/Job', 'batch/CronJob', '/Service']);

const METADATA_ONLY = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';
const METADATA_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

export interface InventoryRead {
  items: InventoryItem[];
  related: KubeObject[];
  /** The inventory's size (items may hold fewer when it was cut at the limit). */
  size: number;
  notes: string[];
}

function isSecretRef(apiVersion: string, kind: string): boolean {
  return kind === 'Secret' && apiVersion === 'v1';
}

function failure(err: unknown): string {
  const status = apiStatusCode(err);
  const message = (err as Error).message;
  return status === 403 ? `forbidden: ${message}` : message;
}

async function eachLimited<T>(items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
}

async function getOne(api: KubeApi, m: ResourceMapping, item: InventoryItem): Promise<void> {
  const { apiVersion, kind, namespace, name } = item.ref;
  try {
    const obj = await api.client.request<KubeObject>('GET', resourcePath(m, namespace, name), {
      accept: isSecretRef(apiVersion, kind) ? METADATA_ONLY : undefined,
    });
    item.live = { ...obj, apiVersion, kind };
  } catch (err) {
    if (isNotFound(err)) item.live = null;
    else item.error = failure(err);
  }
}

/** One list by the Stack's labels; whatever it misses (labels removed by hand) is fetched alone. */
async function readGroup(api: KubeApi, stack: Stack, group: InventoryItem[]): Promise<void> {
  const { apiVersion, kind, namespace } = group[0]!.ref;
  let m: ResourceMapping | undefined;
  try {
    m = await api.mapper.tryMapping(apiVersion, kind);
  } catch (err) {
    for (const item of group) item.error = failure(err);
    return;
  }
  if (!m) {
    for (const item of group) item.error = `the cluster does not serve ${kind} in ${apiVersion}`;
    return;
  }
  const mapping = m;
  if (group.length <= FETCH_ONE_BY_ONE) {
    for (const item of group) await getOne(api, mapping, item);
    return;
  }
  const found = new Map<string, KubeObject>();
  try {
    let cont: string | undefined;
    do {
      const page = await api.client.request<ObjectList>('GET', resourcePath(mapping, namespace), {
        query: { labelSelector: `${Labels.StackName}=${stack.metadata.name},${Labels.StackNamespace}=${stack.metadata.namespace ?? ''}`, limit: 500, continue: cont },
        accept: isSecretRef(apiVersion, kind) ? METADATA_LIST : undefined,
      });
      for (const o of page.items ?? []) found.set(o.metadata.name, o);
      cont = page.metadata?.continue || undefined;
    } while (cont);
  } catch {
    // Listing may be forbidden where getting is not, or the labels unselectable (a name too long
    // for a label value): ask for each object instead, and let each say what went wrong.
    found.clear();
  }
  const missed: InventoryItem[] = [];
  for (const item of group) {
    const obj = found.get(item.ref.name);
    if (obj) item.live = { ...obj, apiVersion, kind };
    else missed.push(item);
  }
  await eachLimited(missed, (item) => getOne(api, mapping, item));
}

/** ReplicaSets, Jobs and Pods of one namespace, as far as the user may list them. */
async function readRelated(api: KubeApi, namespace: string, kinds: ReadonlySet<string>, notes: string[]): Promise<KubeObject[]> {
  const wanted: [string, string][] = [['v1', 'Pod']];
  if (kinds.has('apps/Deployment')) wanted.push(['apps/v1', 'ReplicaSet']);
  if (kinds.has('batch/CronJob')) wanted.push(['batch/v1', 'Job']);
  const out: KubeObject[] = [];
  for (const [apiVersion, kind] of wanted) {
    try {
      const list = await api.listAll(apiVersion, kind, namespace);
      for (const o of list.items) out.push({ ...o, apiVersion, kind });
    } catch (err) {
      notes.push(apiStatusCode(err) === 403 ? `${kind}s in ${namespace} are not shown: you may not list them` : `${kind}s in ${namespace} are not shown: ${(err as Error).message}`);
    }
  }
  return out;
}

export async function readInventory(api: KubeApi, stack: Stack, maxObjects: number): Promise<InventoryRead> {
  const entries = stack.status?.inventory?.entries ?? [];
  const items: InventoryItem[] = [];
  for (const e of entries.slice(0, maxObjects)) {
    try {
      const ref = parseId(e.id);
      items.push({ ref: { apiVersion: inventoryApiVersion(ref.group, e.v), kind: ref.kind, ...(ref.namespace ? { namespace: ref.namespace } : {}), name: ref.name } });
    } catch {
      items.push({ ref: { apiVersion: e.v, kind: 'Unknown', name: e.id }, error: 'malformed inventory id' });
    }
  }
  const groups = new Map<string, InventoryItem[]>();
  for (const item of items) {
    if (item.error) continue;
    const k = `${item.ref.apiVersion} ${item.ref.kind} ${item.ref.namespace ?? ''}`;
    const g = groups.get(k);
    if (g) g.push(item);
    else groups.set(k, [item]);
  }
  await eachLimited([...groups.values()], (g) => readGroup(api, stack, g));

  const parents = new Map<string, Set<string>>();
  for (const item of items) {
    if (!item.live || !item.ref.namespace) continue;
    const gk = `${item.ref.apiVersion.includes('/') ? item.ref.apiVersion.split('/')[0] : ''}/${item.ref.kind}`;
    if (!PARENT_KINDS.has(gk)) continue;
    const set = parents.get(item.ref.namespace) ?? new Set<string>();
    set.add(gk);
    parents.set(item.ref.namespace, set);
  }
  const notes: string[] = [];
  const related: KubeObject[] = [];
  await eachLimited([...parents.entries()], async ([ns, kinds]) => {
    related.push(...(await readRelated(api, ns, kinds, notes)));
  });
  return { items, related, size: entries.length, notes: notes.sort() };
}

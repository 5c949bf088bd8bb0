/**
 * The graph of a Stack's objects: what its inventory names, what those objects own (Deployment →
 * ReplicaSet → Pod, CronJob → Job → Pod), and which Pods each Service selects, each node with
 * its live health. Pure: the caller reads the cluster (as the user) and hands the objects in.
 */
import { splitApiVersion } from '../kube/discovery.ts';
import type { KubeObject } from '../kube/types.ts';
import type { Graph, GraphEdge, GraphNode, Health } from './model.ts';

export const DEFAULT_MAX_NODES = 1000;

export interface InventoryItem {
  ref: { apiVersion: string; kind: string; namespace?: string; name: string };
  /** The live object; null when it does not exist; undefined when it could not be read (see error). */
  live?: KubeObject | null;
  error?: string;
}

export interface GraphInput {
  items: readonly InventoryItem[];
  /** ReplicaSets, Jobs and Pods of the namespaces involved, to follow owner references and selectors. */
  related: readonly KubeObject[];
  /** Ids of nodes whose objects differ from Git. */
  drifted?: ReadonlySet<string>;
  health: (obj: KubeObject) => { status: Health; message: string };
  maxNodes?: number;
  /** The inventory's full size when `items` was cut short before reading. */
  inventorySize?: number;
  notes?: readonly string[];
}

export function nodeId(apiVersion: string, kind: string, namespace: string | undefined, name: string): string {
  return `${splitApiVersion(apiVersion).group}/${kind}/${namespace ?? ''}/${name}`;
}

function idOf(obj: KubeObject): string {
  return nodeId(obj.apiVersion, obj.kind, obj.metadata.namespace, obj.metadata.name);
}

function isSecret(apiVersion: string, kind: string): boolean {
  return kind === 'Secret' && apiVersion === 'v1';
}

/** A ReplicaSet scaled to nothing is a Deployment's history, not part of what runs. */
function isIdleReplicaSet(obj: KubeObject): boolean {
  if (obj.kind !== 'ReplicaSet') return false;
  const spec = obj.spec as { replicas?: number } | undefined;
  const status = obj.status as { replicas?: number } | undefined;
  return (spec?.replicas ?? 1) === 0 && (status?.replicas ?? 0) === 0;
}

function selectorOf(service: KubeObject): Record<string, string> | undefined {
  const spec = service.spec as { selector?: unknown; type?: string } | undefined;
  if (!spec || spec.type === 'ExternalName' || !spec.selector || typeof spec.selector !== 'object') return undefined;
  const entries = Object.entries(spec.selector as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string');
  return entries.length ? Object.fromEntries(entries) : undefined;
}

export function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  for (const [k, v] of Object.entries(selector)) if (labels?.[k] !== v) return false;
  return true;
}

export function buildGraph(input: GraphInput): Graph {
  const max = input.maxNodes ?? DEFAULT_MAX_NODES;
  const nodes = new Map<string, GraphNode>();
  const live = new Map<string, KubeObject>();
  const byUid = new Map<string, string>();
  const edges: GraphEdge[] = [];
  const edgeKeys = new Set<string>();
  const unread = Math.max(0, (input.inventorySize ?? input.items.length) - input.items.length);
  const omitted = new Set<string>();

  const addEdge = (from: string, to: string, type: GraphEdge['type']) => {
    const k = `${type} ${from} ${to}`;
    if (edgeKeys.has(k)) return;
    edgeKeys.add(k);
    edges.push({ from, to, type });
  };
  const add = (node: GraphNode, obj?: KubeObject): boolean => {
    if (nodes.has(node.id)) return true;
    if (nodes.size >= max) {
      omitted.add(node.id);
      return false;
    }
    nodes.set(node.id, node);
    if (obj) {
      live.set(node.id, obj);
      if (obj.metadata.uid) byUid.set(obj.metadata.uid, node.id);
    }
    return true;
  };
  const liveNode = (obj: KubeObject, managed: boolean): GraphNode => {
    const id = idOf(obj);
    const h = input.health(obj);
    return {
      id,
      kind: obj.kind,
      apiVersion: obj.apiVersion,
      ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
      name: obj.metadata.name,
      health: h.status,
      // A Secret's node says what it is and whether it is there; nothing read from it.
      ...(h.message && !isSecret(obj.apiVersion, obj.kind) ? { message: h.message } : {}),
      managed,
      drifted: input.drifted?.has(id) ?? false,
    };
  };

  for (const item of input.items) {
    const { apiVersion, kind, namespace, name } = item.ref;
    if (item.live) {
      // The inventory's apiVersion names the node even if the read came back in another version.
      const obj = { ...item.live, apiVersion, kind };
      add(liveNode(obj, true), obj);
      continue;
    }
    const id = nodeId(apiVersion, kind, namespace, name);
    const health: Health = item.live === null ? 'NotFound' : 'Unknown';
    const message = item.live === null ? 'Resource not found' : (item.error ?? 'could not be read');
    add({ id, kind, apiVersion, ...(namespace ? { namespace } : {}), name, health, message, managed: true, drifted: input.drifted?.has(id) ?? false });
  }

  // Owners before what they own, whatever order the lists came in: repeat until nothing joins.
  let pending = input.related.filter((o) => !isIdleReplicaSet(o) && !(o.metadata.uid && byUid.has(o.metadata.uid)));
  for (let joined = true; joined && pending.length; ) {
    joined = false;
    const rest: KubeObject[] = [];
    for (const o of pending) {
      const owner = o.metadata.ownerReferences?.find((r) => byUid.has(r.uid));
      if (!owner) {
        rest.push(o);
        continue;
      }
      const node = liveNode(o, false);
      if (add(node, o)) {
        addEdge(byUid.get(owner.uid)!, node.id, 'owner');
        joined = true;
      }
    }
    pending = rest;
  }

  const pods = input.related.filter((o) => o.kind === 'Pod' && o.apiVersion === 'v1');
  for (const [id, svc] of [...live]) {
    if (svc.kind !== 'Service' || svc.apiVersion !== 'v1') continue;
    const selector = selectorOf(svc);
    if (!selector) continue;
    for (const pod of pods) {
      if (pod.metadata.namespace !== svc.metadata.namespace || !selects(selector, pod.metadata.labels)) continue;
      const node = liveNode(pod, false);
      if (add(node, pod)) addEdge(id, node.id, 'selects');
    }
  }

  const notes = [...(input.notes ?? [])];
  const left = unread + omitted.size;
  if (left > 0) notes.unshift(`showing ${nodes.size} of ${nodes.size + left} objects`);
  return { nodes: [...nodes.values()], edges, ...(notes.length ? { note: notes.join('; ') } : {}) };
}

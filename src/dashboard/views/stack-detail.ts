/**
 * One Stack in full: its source and commit, conditions, dependencies both ways, events, the graph
 * of its objects with live health, and the diffs of its drift. Cached parts come from the cache
 * filtered by the user's access; live parts are read with the user's own client.
 */
import { GROUP } from '../../api/index.ts';
import type { Stack } from '../../api/index.ts';
import { compileHealthChecks, objectHealth, type CompiledHealthChecks } from '../../engine/health/index.ts';
import type { Obj } from '../../engine/types.ts';
import { inScope, type AccessReviewer } from '../access.ts';
import type { DashboardCache, EventEntry } from '../cache.ts';
import { driftViews, parseDriftRecords } from '../drift-view.ts';
import { buildGraph, nodeId, DEFAULT_MAX_NODES } from '../inventory-graph.ts';
import { readInventory } from '../inventory-reader.ts';
import type { KubeApi } from '../../kube/api.ts';
import type { Graph, ObjectKey, StackDetail, State } from '../model.ts';
import { conditionViews, keyOf } from '../rows.ts';
import { userScope, visibleEvents } from './visible.ts';

/** Events on the detail page; the timeline beyond that is `governor events`' job. */
const DETAIL_EVENTS = 100;

export interface DetailUser {
  api: KubeApi;
  access: AccessReviewer;
}

function compiled(stack: Stack): CompiledHealthChecks | undefined {
  const exprs = stack.spec.healthCheckExprs;
  if (!exprs?.length) return undefined;
  try {
    return compileHealthChecks(exprs);
  } catch {
    // The controller reports a bad expression on the Stack; the graph falls back to kstatus.
    return undefined;
  }
}

/** The objects of the newest drift report, while the Stack still counts drift. */
function driftedIds(stack: Stack, events: readonly EventEntry[]): Set<string> {
  const ids = new Set<string>();
  if (!(stack.status?.drift?.count ?? 0)) return ids;
  const latest = events.find((e) => e.view.reason === 'DriftDetected' && e.drift !== undefined);
  for (const r of parseDriftRecords(latest?.drift)) ids.add(nodeId(r.object.apiVersion, r.object.kind, r.object.namespace, r.object.name));
  return ids;
}

async function inventoryGraph(user: DetailUser, stack: Stack, events: readonly EventEntry[], maxNodes: number): Promise<Graph> {
  const read = await readInventory(user.api, stack, maxNodes);
  const exprs = compiled(stack);
  return buildGraph({
    items: read.items,
    related: read.related,
    inventorySize: read.size,
    notes: read.notes,
    drifted: driftedIds(stack, events),
    maxNodes,
    health: (obj) => {
      try {
        return objectHealth(obj as Obj, exprs);
      } catch (err) {
        return { status: 'Unknown', message: (err as Error).message };
      }
    },
  });
}

export async function stackDetail(
  cache: DashboardCache,
  user: DetailUser,
  namespace: string,
  name: string,
  opts: { maxNodes?: number } = {},
): Promise<StackDetail | undefined> {
  const [stackScope, sourceScope] = await Promise.all([userScope(cache, user.access, 'stacks'), userScope(cache, user.access, 'gitrepositories')]);
  const entry = inScope(stackScope, namespace) ? cache.stackEntry(namespace, name) : undefined;
  if (!entry) return undefined;
  const { stack, row } = entry;
  const self = keyOf(row);

  const src = cache.sourceEntry(...(row.source.split('/') as [string, string]));
  const source = src && inScope(sourceScope, src.row.namespace) ? src.row : undefined;

  const stateOf = (k: ObjectKey): State => {
    const e = inScope(stackScope, k.namespace) ? cache.stackEntry(k.namespace, k.name) : undefined;
    return e?.row.state ?? 'unknown';
  };
  const depNodes = new Map<string, ObjectKey & { state: State }>([[self, { namespace, name, state: row.state }]]);
  const depEdges: { from: string; to: string }[] = [];
  for (const d of row.dependsOn) {
    depNodes.set(keyOf(d), { ...d, state: stateOf(d) });
    depEdges.push({ from: self, to: keyOf(d) });
  }
  for (const other of cache.stackEntries()) {
    if (!inScope(stackScope, other.row.namespace)) continue;
    if (!other.row.dependsOn.some((d) => d.namespace === namespace && d.name === name)) continue;
    const k = keyOf(other.row);
    depNodes.set(k, { namespace: other.row.namespace, name: other.row.name, state: other.row.state });
    depEdges.push({ from: k, to: self });
  }

  const events = await visibleEvents(cache, user.access, Number.MAX_SAFE_INTEGER, { kind: 'Stack', namespace, name });
  const [inventory, patch] = await Promise.all([
    inventoryGraph(user, stack, events, opts.maxNodes ?? DEFAULT_MAX_NODES),
    user.access.allowed({ verb: 'patch', group: GROUP, resource: 'stacks', namespace }),
  ]);
  const drift = driftViews(events.filter((e) => e.view.reason === 'DriftDetected' && e.drift !== undefined).map((e) => ({ drift: e.drift, time: e.view.lastTimestamp })));

  return {
    stack: row,
    spec: {
      interval: stack.spec.interval,
      prune: stack.spec.prune ?? true,
      wait: stack.spec.wait ?? false,
      ...(stack.spec.targetNamespace ? { targetNamespace: stack.spec.targetNamespace } : {}),
      ...(stack.spec.serviceAccountName ? { serviceAccountName: stack.spec.serviceAccountName } : {}),
      driftMode: stack.spec.drift?.mode ?? 'correct',
    },
    ...(source ? { source } : {}),
    conditions: conditionViews(stack.status?.conditions),
    dependencies: { nodes: [...depNodes.values()], edges: depEdges },
    events: events.slice(0, DETAIL_EVENTS).map((e) => e.view),
    inventory,
    drift,
    can: { reconcile: patch, suspend: patch },
  };
}

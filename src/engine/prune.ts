/**
 * Prune (DESIGN.md §3 step 6): delete what a Stack applied before and no longer renders, in
 * reverse apply order, and only what is still ours. The labels are checked on the live object
 * right before deleting because the inventory can be stale: someone may have taken the object
 * over (removed or changed our labels) since we applied it.
 */
import { Annotations, Labels, PrunePolicies } from '../api/constants.ts';
import type { KubeApi } from '../kube/api.ts';
import { isConflict, isNotFound } from '../kube/client.ts';
import type { ObjectRef } from '../kube/types.ts';
import type { InventoryEntry } from './inventory.ts';
import { parseId } from './object-id.ts';
import { deletionOrder } from './order.ts';

export type PruneSkip = { ref: ObjectRef; reason: string };
/** A delete that did not happen; keep `entry` in the inventory so the next reconcile retries it. */
export type PruneFailure = { ref: ObjectRef; message: string; entry: InventoryEntry };
export type PruneResult = { deleted: ObjectRef[]; skipped: PruneSkip[]; failures: PruneFailure[] };

export type PruneOptions = {
  owner: { name: string; namespace: string };
  signal?: AbortSignal;
};

export function entryRef(entry: InventoryEntry): ObjectRef {
  const id = parseId(entry.id);
  return {
    apiVersion: id.group ? `${id.group}/${entry.v}` : entry.v,
    kind: id.kind,
    name: id.name,
    ...(id.namespace ? { namespace: id.namespace } : {}),
  };
}

/** Deletes the stale objects one after the other, dependents before what they depend on. */
export async function pruneObjects(api: KubeApi, stale: readonly InventoryEntry[], opts: PruneOptions): Promise<PruneResult> {
  const result: PruneResult = { deleted: [], skipped: [], failures: [] };
  for (const entry of deletionOrder(stale)) {
    opts.signal?.throwIfAborted();
    let ref: ObjectRef;
    try {
      ref = entryRef(entry);
    } catch (err) {
      // A malformed id names nothing we could delete; keeping it would fail forever.
      result.skipped.push({ ref: { apiVersion: entry.v, kind: '', name: entry.id }, reason: (err as Error).message });
      continue;
    }
    try {
      const outcome = await pruneOne(api, ref, opts);
      if (outcome === 'deleted') result.deleted.push(ref);
      else result.skipped.push({ ref, reason: outcome.skipped });
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      result.failures.push({ ref, message: err instanceof Error ? err.message : String(err), entry });
    }
  }
  return result;
}

async function pruneOne(api: KubeApi, ref: ObjectRef, opts: PruneOptions): Promise<'deleted' | { skipped: string }> {
  if (!(await api.mapper.tryMapping(ref.apiVersion, ref.kind))) {
    return { skipped: `kind ${ref.kind} (${ref.apiVersion}) is no longer served by the cluster` };
  }
  const live = await api.find(ref);
  // Gone, or on its way: either way there is nothing left for us to do.
  if (!live || live.metadata.deletionTimestamp) return 'deleted';
  const labels = live.metadata.labels ?? {};
  if (labels[Labels.StackName] !== opts.owner.name || labels[Labels.StackNamespace] !== opts.owner.namespace) {
    return { skipped: `no longer labelled as applied by Stack ${opts.owner.namespace}/${opts.owner.name}` };
  }
  if (live.metadata.annotations?.[Annotations.Prune] === PrunePolicies.Disabled) {
    return { skipped: `annotated ${Annotations.Prune}: ${PrunePolicies.Disabled}` };
  }
  try {
    // The uid precondition keeps a same-named object created since the check out of harm's way.
    await api.delete(ref, { preconditionUid: live.metadata.uid });
  } catch (err) {
    if (isNotFound(err)) return 'deleted';
    if (isConflict(err)) throw new Error(`replaced while being pruned (uid changed); will check again`, { cause: err });
    throw err;
  }
  return 'deleted';
}

/**
 * The inventory: which objects a Stack applied, so the next reconcile can prune what Git no
 * longer has. Entries are Flux's `{id, v}`.
 */
import { formatId } from './object-id.ts';
import { refOf, splitApiVersion } from './objects.ts';
import { deletionOrder } from './order.ts';
import type { Obj } from './types.ts';

export { formatId, parseId } from './object-id.ts';

export type InventoryEntry = { id: string; v: string };

export function toEntry(obj: Obj): InventoryEntry {
  return { id: formatId(refOf(obj)), v: splitApiVersion(obj.apiVersion).version };
}

/** Entries for the objects, one per id, in the order given. */
export function toInventory(objects: readonly Obj[]): InventoryEntry[] {
  const seen = new Set<string>();
  const out: InventoryEntry[] = [];
  for (const obj of objects) {
    const entry = toEntry(obj);
    if (seen.has(entry.id)) continue;
    seen.add(entry.id);
    out.push(entry);
  }
  return out;
}

/**
 * What the previous inventory had and the new one lacks, in the order to delete it. Identity is
 * the id alone: an object now applied at another API version is the same object, not stale.
 */
export function diffInventory(previous: readonly InventoryEntry[], next: readonly InventoryEntry[]): InventoryEntry[] {
  const keep = new Set(next.map((e) => e.id));
  return deletionOrder(previous.filter((e) => !keep.has(e.id)));
}

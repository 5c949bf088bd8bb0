/** The cached rows a user may see, by the namespaces their RBAC lets them list. */
import { inScope, type AccessReviewer, type CachedResource, type Scope } from '../access.ts';
import type { DashboardCache, EventEntry, SourceEntry, StackEntry } from '../cache.ts';

export function userScope(cache: DashboardCache, access: AccessReviewer, resource: CachedResource): Promise<Scope> {
  return access.scope(resource, cache.namespaces(resource));
}

export async function visibleStacks(cache: DashboardCache, access: AccessReviewer): Promise<StackEntry[]> {
  const scope = await userScope(cache, access, 'stacks');
  const out: StackEntry[] = [];
  for (const e of cache.stackEntries()) if (inScope(scope, e.row.namespace)) out.push(e);
  return out;
}

export async function visibleSources(cache: DashboardCache, access: AccessReviewer): Promise<SourceEntry[]> {
  const scope = await userScope(cache, access, 'gitrepositories');
  const out: SourceEntry[] = [];
  for (const e of cache.sourceEntries()) if (inScope(scope, e.row.namespace)) out.push(e);
  return out;
}

/** Newest first, at most `limit`. */
export async function visibleEvents(cache: DashboardCache, access: AccessReviewer, limit: number, of?: { kind: string; namespace: string; name: string }): Promise<EventEntry[]> {
  const scope = await userScope(cache, access, 'events');
  const out: EventEntry[] = [];
  for (const e of of ? cache.eventsFor(of.kind, of.namespace, of.name) : cache.events()) {
    if (out.length >= limit) break;
    if (inScope(scope, e.namespace)) out.push(e);
  }
  return out;
}

/** The fleet at a glance: counts by state, the latest events, the slowest and the failing Stacks. */
import type { AccessReviewer } from '../access.ts';
import type { DashboardCache } from '../cache.ts';
import type { Overview, StackRow } from '../model.ts';
import { emptyStateCounts } from '../rows.ts';
import { visibleEvents, visibleSources, visibleStacks } from './visible.ts';

export const OVERVIEW_EVENTS = 20;
const SLOWEST = 5;
const FAILING = 10;

export async function overview(cache: DashboardCache, access: AccessReviewer): Promise<Overview> {
  const [stacks, sources, events] = await Promise.all([visibleStacks(cache, access), visibleSources(cache, access), visibleEvents(cache, access, OVERVIEW_EVENTS)]);
  const stackCounts = emptyStateCounts();
  const sourceCounts = emptyStateCounts();
  const timed: StackRow[] = [];
  const failing: StackRow[] = [];
  for (const { row } of stacks) {
    stackCounts[row.state]++;
    if (row.durationSeconds !== undefined) timed.push(row);
    if (row.state === 'failed') failing.push(row);
  }
  for (const { row } of sources) sourceCounts[row.state]++;
  timed.sort((a, b) => b.durationSeconds! - a.durationSeconds!);
  // The most recent failures first: those are the ones someone is looking for.
  failing.sort((a, b) => (b.lastTransitionTime ?? '').localeCompare(a.lastTransitionTime ?? '') || `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
  return {
    stacks: stackCounts,
    sources: sourceCounts,
    events: events.map((e) => e.view),
    slowest: timed.slice(0, SLOWEST),
    failing: failing.slice(0, FAILING),
  };
}

/**
 * Search, filter, sort and paging of the Stacks and sources tables, over rows already in memory.
 * A linear pass and one sort per request: a few milliseconds for 5,000 rows, so nothing is
 * indexed beyond the lower-cased search text each row carries.
 */
import type { Page, StackQuery, State } from './model.ts';
import { STATES, emptyStateCounts } from './rows.ts';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;
const MAX_Q = 200;

export type SortKey = NonNullable<StackQuery['sort']>;
const SORT_KEYS: readonly SortKey[] = ['name', 'namespace', 'state', 'revision', 'age', 'drift', 'duration'];

/** A row with what the query needs precomputed. */
export interface Listed<T> {
  row: T;
  /** Lower-cased text that `q` searches. */
  search: string;
  /** The time `age` sorts by (epoch ms, 0 when unknown): a Stack's last Ready transition, a source's last fetch. */
  ageMs: number;
}

export interface TableRow {
  namespace: string;
  name: string;
  state: State;
  source?: string;
  revision?: string;
  driftCount?: number;
  durationSeconds?: number;
}

export type ParsedQuery = { ok: true; query: Required<Pick<StackQuery, 'page' | 'pageSize' | 'sort' | 'order'>> & StackQuery } | { ok: false; message: string };

/** The query string of /api/stacks and /api/sources, checked; unknown parameters are ignored. */
export function parseQuery(params: Record<string, string | undefined>): ParsedQuery {
  const int = (name: string, def: number, max: number): number | string => {
    const raw = params[name];
    if (raw === undefined || raw === '') return def;
    if (!/^\d{1,7}$/.test(raw) || Number(raw) < 1) return `${name} must be a positive integer`;
    return Math.min(Number(raw), max);
  };
  const page = int('page', 1, 1_000_000);
  if (typeof page === 'string') return { ok: false, message: page };
  const pageSize = int('pageSize', DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  if (typeof pageSize === 'string') return { ok: false, message: pageSize };
  const state = params.state || undefined;
  if (state !== undefined && !STATES.includes(state as State)) return { ok: false, message: `state must be one of ${STATES.join(', ')}` };
  const sort = (params.sort || 'name') as SortKey;
  if (!SORT_KEYS.includes(sort)) return { ok: false, message: `sort must be one of ${SORT_KEYS.join(', ')}` };
  const order = params.order || 'asc';
  if (order !== 'asc' && order !== 'desc') return { ok: false, message: 'order must be asc or desc' };
  const q = params.q?.trim() || undefined;
  if (q !== undefined && q.length > MAX_Q) return { ok: false, message: `q must be at most ${MAX_Q} characters` };
  return {
    ok: true,
    query: {
      page,
      pageSize,
      sort,
      order,
      ...(q ? { q } : {}),
      ...(params.namespace ? { namespace: params.namespace } : {}),
      ...(state ? { state: state as State } : {}),
      ...(params.source ? { source: params.source } : {}),
    },
  };
}

/** Problems first when sorting by state ascending. */
const STATE_RANK: Record<State, number> = { failed: 0, drifted: 1, progressing: 2, unknown: 3, suspended: 4, ready: 5 };

const str = (a: string | undefined, b: string | undefined): number => {
  const x = a ?? '';
  const y = b ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
};

type Cmp = (a: Listed<TableRow>, b: Listed<TableRow>) => number;

function comparator(sort: SortKey): Cmp {
  const byKey: Cmp = ({ row: a }, { row: b }) => str(a.namespace, b.namespace) || str(a.name, b.name);
  switch (sort) {
    case 'name':
      return ({ row: a }, { row: b }) => str(a.name, b.name) || str(a.namespace, b.namespace);
    case 'namespace':
      return byKey;
    case 'state':
      return (a, b) => STATE_RANK[a.row.state] - STATE_RANK[b.row.state] || byKey(a, b);
    case 'revision':
      return (a, b) => str(a.row.revision, b.row.revision) || byKey(a, b);
    case 'drift':
      return (a, b) => (a.row.driftCount ?? 0) - (b.row.driftCount ?? 0) || byKey(a, b);
    case 'duration':
      return (a, b) => (a.row.durationSeconds ?? -1) - (b.row.durationSeconds ?? -1) || byKey(a, b);
    case 'age':
      // Youngest first: a smaller age is a later time. No time at all counts as oldest.
      return (a, b) => b.ageMs - a.ageMs || byKey(a, b);
  }
}

/**
 * One page of the rows the user may see. Facets cover every visible row, not only the filtered
 * ones, so a filter menu never loses the values it could switch to.
 */
export function pageOf<T extends TableRow>(visible: Iterable<Listed<T>>, query: StackQuery & { page: number; pageSize: number; sort: SortKey; order: 'asc' | 'desc' }): Page<T> {
  const namespaces = new Set<string>();
  const sources = new Set<string>();
  const states = emptyStateCounts();
  const q = query.q?.toLowerCase();
  const matched: Listed<T>[] = [];
  for (const item of visible) {
    const { row, search } = item;
    namespaces.add(row.namespace);
    if (row.source) sources.add(row.source);
    states[row.state]++;
    if (query.namespace !== undefined && row.namespace !== query.namespace) continue;
    if (query.state !== undefined && row.state !== query.state) continue;
    if (query.source !== undefined && row.source !== query.source) continue;
    if (q !== undefined && !search.includes(q)) continue;
    matched.push(item);
  }
  const cmp = comparator(query.sort);
  matched.sort(query.order === 'desc' ? (a, b) => cmp(b, a) : cmp);
  const start = (query.page - 1) * query.pageSize;
  return {
    items: matched.slice(start, start + query.pageSize).map((l) => l.row),
    total: matched.length,
    page: query.page,
    pageSize: query.pageSize,
    facets: { namespaces: [...namespaces].sort(), sources: [...sources].sort(), states },
  };
}

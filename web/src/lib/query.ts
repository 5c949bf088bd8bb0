import type { State, StackQuery } from '../model.ts';

/** The States, in the precedence the server assigns them (and the order the UI lists them in). */
export const STATES: readonly State[] = ['failed', 'drifted', 'progressing', 'suspended', 'ready', 'unknown'];

export type SortKey = NonNullable<StackQuery['sort']>;
export type SortOrder = NonNullable<StackQuery['order']>;

export const SORT_KEYS: readonly SortKey[] = ['name', 'namespace', 'state', 'revision', 'age', 'drift', 'duration'];

/** The part of a StackQuery that the user chooses (everything but paging), kept in the page URL. */
export type StackFilters = Omit<StackQuery, 'page' | 'pageSize'>;

export function isState(value: unknown): value is State {
  return typeof value === 'string' && (STATES as readonly string[]).includes(value);
}

function isSortKey(value: unknown): value is SortKey {
  return typeof value === 'string' && (SORT_KEYS as readonly string[]).includes(value);
}

const ORDERED_KEYS = ['q', 'namespace', 'state', 'source', 'sort', 'order', 'page', 'pageSize'] as const;

/** `?q=…&state=failed&page=2&pageSize=200`: empty values left out, keys in a stable order; '' when nothing is set. */
export function queryString(query: StackQuery): string {
  const params = new URLSearchParams();
  for (const key of ORDERED_KEYS) {
    const value = query[key];
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The filters in a page URL's search string; unknown or malformed values are dropped. */
export function filtersFromSearch(search: string): StackFilters {
  const params = new URLSearchParams(search);
  const filters: StackFilters = {};
  const q = params.get('q')?.trim();
  if (q) filters.q = q;
  const namespace = params.get('namespace');
  if (namespace) filters.namespace = namespace;
  const state = params.get('state');
  if (isState(state)) filters.state = state;
  const source = params.get('source');
  if (source) filters.source = source;
  const sort = params.get('sort');
  if (isSortKey(sort)) filters.sort = sort;
  const order = params.get('order');
  if (order === 'asc' || order === 'desc') filters.order = order;
  return filters;
}

/** The order a column sorts in when first chosen: numbers and times biggest/newest first. */
export function defaultOrder(key: SortKey): SortOrder {
  return key === 'drift' || key === 'duration' || key === 'age' ? 'desc' : 'asc';
}

/** Clicking a column header: the same column flips its order, another column starts at its default. */
export function nextSort(current: Pick<StackFilters, 'sort' | 'order'>, column: SortKey): { sort: SortKey; order: SortOrder } {
  if (current.sort === column) {
    const order = current.order ?? defaultOrder(column);
    return { sort: column, order: order === 'asc' ? 'desc' : 'asc' };
  }
  return { sort: column, order: defaultOrder(column) };
}

/** Two filter sets ask for the same rows. */
export function sameFilters(a: StackFilters, b: StackFilters): boolean {
  return queryString(a) === queryString(b);
}

import type { ObjectKey, Page } from '../model.ts';

/**
 * Rows of a server-paged list, loaded page by page as the user scrolls: a sparse array by index
 * (pages the user has not reached are holes). Immutable: every change returns a new list.
 */
export interface PagedList<T extends ObjectKey> {
  total: number;
  pageSize: number;
  /** 1-based page number → its rows. */
  pages: ReadonlyMap<number, readonly T[]>;
  /** Keys of rows deleted since their page loaded, while not every page is loaded (kept in place, shown as deleted). */
  deleted: ReadonlySet<string>;
  facets?: Page<T>['facets'];
}

export function rowKey(key: ObjectKey): string {
  return `${key.namespace}/${key.name}`;
}

export function emptyList<T extends ObjectKey>(pageSize: number): PagedList<T> {
  return { total: 0, pageSize, pages: new Map(), deleted: new Set() };
}

/** A page the server sent, added (its total and facets win: they are the newest). */
export function withPage<T extends ObjectKey>(list: PagedList<T>, page: Page<T>): PagedList<T> {
  const pages = new Map(list.pages);
  pages.set(page.page, page.items);
  // A shrunken total drops pages now beyond the end.
  const lastPage = Math.max(1, Math.ceil(page.total / list.pageSize));
  for (const number of pages.keys()) if (number > lastPage) pages.delete(number);
  return { ...list, total: page.total, pages, facets: page.facets };
}

export function rowAt<T extends ObjectKey>(list: PagedList<T>, index: number): T | undefined {
  if (index < 0 || index >= list.total) return undefined;
  const page = list.pages.get(Math.floor(index / list.pageSize) + 1);
  return page?.[index % list.pageSize];
}

/** The 1-based pages holding rows first..last (inclusive), within the list. */
export function pagesFor(first: number, last: number, pageSize: number, total: number): number[] {
  if (total <= 0 || last < first) return [];
  const from = Math.max(0, first);
  const to = Math.min(total - 1, last);
  if (to < from) return [];
  const pages: number[] = [];
  for (let p = Math.floor(from / pageSize) + 1; p <= Math.floor(to / pageSize) + 1; p++) pages.push(p);
  return pages;
}

/** Pages rows first..last need that are neither loaded nor being loaded. */
export function missingPages<T extends ObjectKey>(list: PagedList<T>, first: number, last: number, inFlight: ReadonlySet<number>): number[] {
  return pagesFor(first, last, list.pageSize, list.total).filter((p) => !list.pages.has(p) && !inFlight.has(p));
}

export function loadedCount<T extends ObjectKey>(list: PagedList<T>): number {
  let n = 0;
  for (const rows of list.pages.values()) n += rows.length;
  return n;
}

/** Every row is loaded: the list can be changed locally without losing its place in the server's pages. */
export function isComplete<T extends ObjectKey>(list: PagedList<T>): boolean {
  return loadedCount(list) >= list.total;
}

/** The row with this key replaced, or undefined when no loaded page holds it. */
export function replaceRow<T extends ObjectKey>(list: PagedList<T>, row: T): PagedList<T> | undefined {
  const key = rowKey(row);
  for (const [number, rows] of list.pages) {
    const at = rows.findIndex((r) => r.name === row.name && r.namespace === row.namespace);
    if (at < 0) continue;
    const pages = new Map(list.pages);
    const copy = rows.slice();
    copy[at] = row;
    pages.set(number, copy);
    const deleted = list.deleted.has(key) ? new Set([...list.deleted].filter((k) => k !== key)) : list.deleted;
    return { ...list, pages, deleted };
  }
  return undefined;
}

/**
 * A row deleted on the server. With every page loaded it is removed and the rest close up; else it
 * stays in place marked deleted, so the indexes of later pages still match the server's.
 */
export function removeRow<T extends ObjectKey>(list: PagedList<T>, key: ObjectKey): PagedList<T> | undefined {
  const wanted = rowKey(key);
  const holds = [...list.pages.values()].some((rows) => rows.some((r) => r.name === key.name && r.namespace === key.namespace));
  if (!holds) return undefined;
  if (!isComplete(list)) return { ...list, deleted: new Set([...list.deleted, wanted]) };
  const rows: T[] = [];
  for (let p = 1; p <= Math.ceil(list.total / list.pageSize); p++) {
    for (const r of list.pages.get(p) ?? []) if (rowKey(r) !== wanted) rows.push(r);
  }
  const pages = new Map<number, readonly T[]>();
  for (let i = 0; i < rows.length; i += list.pageSize) pages.set(i / list.pageSize + 1, rows.slice(i, i + list.pageSize));
  return { ...list, total: rows.length, pages };
}

/** Numbers of the pages loaded, ascending (what a refresh in place fetches again). */
export function loadedPages<T extends ObjectKey>(list: PagedList<T>): number[] {
  return [...list.pages.keys()].sort((a, b) => a - b);
}

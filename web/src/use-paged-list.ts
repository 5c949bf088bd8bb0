import { useCallback, useEffect, useRef, useState } from 'react';
import { emptyList, isComplete, loadedPages, missingPages, removeRow, replaceRow, withPage, type PagedList } from './lib/paged-list.ts';
import { queryString, type StackFilters } from './lib/query.ts';
import type { ObjectKey, Page, StackQuery } from './model.ts';

export interface PagedListState<T extends ObjectKey> {
  list: PagedList<T>;
  /** The first page of the current query has arrived. */
  ready: boolean;
  error: Error | undefined;
  /** Load the pages rows first..last (inclusive) fall in, where not loaded yet. */
  ensureRange: (first: number, last: number) => void;
  /** Fetch the loaded pages again, in place (after missed events). */
  refresh: () => void;
  /** A row from the stream: replaced where loaded; with every row loaded and this one unknown, fetch again (it may be new). */
  upsert: (row: T) => void;
  remove: (key: ObjectKey) => void;
}

/**
 * Rows of a paged endpoint for the given filters, page by page as they come into view. A new
 * query starts over; answers for an old query are dropped.
 */
export function usePagedList<T extends ObjectKey>(filters: StackFilters, pageSize: number, fetchPage: (query: StackQuery) => Promise<Page<T>>): PagedListState<T> {
  const queryKey = queryString(filters);
  const [list, setList] = useState<PagedList<T>>(() => emptyList(pageSize));
  const [ready, setReady] = useState(false);
  const [error, setError] = useState<Error | undefined>(undefined);
  const generation = useRef(0);
  const inFlight = useRef(new Set<number>());
  const listRef = useRef(list);
  const filtersRef = useRef(filters);
  const fetchRef = useRef(fetchPage);
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    fetchRef.current = fetchPage;
    filtersRef.current = filters;
  });

  const apply = useCallback((next: PagedList<T>) => {
    listRef.current = next;
    setList(next);
  }, []);

  const load = useCallback(
    (page: number) => {
      const gen = generation.current;
      inFlight.current.add(page);
      fetchRef.current({ ...filtersRef.current, page, pageSize }).then(
        (result) => {
          if (gen !== generation.current) return;
          inFlight.current.delete(page);
          apply(withPage(listRef.current, result));
          setReady(true);
          setError(undefined);
        },
        (err: unknown) => {
          if (gen !== generation.current) return;
          inFlight.current.delete(page);
          setError(err instanceof Error ? err : new Error(String(err)));
          setReady(true);
        },
      );
    },
    [apply, pageSize],
  );

  // A new query: start over from page 1.
  useEffect(() => {
    generation.current++;
    inFlight.current = new Set();
    apply(emptyList(pageSize));
    setReady(false);
    setError(undefined);
    load(1);
  }, [queryKey, pageSize, load, apply]);

  const ensureRange = useCallback(
    (first: number, last: number) => {
      if (!listRef.current.pages.has(1)) return; // the total is not known before page 1
      for (const page of missingPages(listRef.current, first, last, inFlight.current)) load(page);
    },
    [load],
  );

  const refresh = useCallback(() => {
    const gen = generation.current;
    const pages = loadedPages(listRef.current);
    const wanted = pages.length ? pages : [1];
    Promise.all(wanted.map((page) => fetchRef.current({ ...filtersRef.current, page, pageSize }))).then(
      (results) => {
        if (gen !== generation.current) return;
        let next = emptyList<T>(pageSize);
        for (const result of results) next = withPage(next, result);
        apply(next);
        setError(undefined);
      },
      (err: unknown) => {
        if (gen === generation.current) setError(err instanceof Error ? err : new Error(String(err)));
      },
    );
  }, [apply, pageSize]);

  const scheduleRefresh = useCallback(() => {
    if (refreshTimer.current) return;
    refreshTimer.current = setTimeout(() => {
      refreshTimer.current = undefined;
      refresh();
    }, 700);
  }, [refresh]);
  useEffect(() => () => clearTimeout(refreshTimer.current), []);

  // Live changes are applied in batches: a burst of events costs one render (timers, unlike
  // animation frames, still run in a background tab, so the queue cannot grow there).
  const pending = useRef<({ op: 'upsert'; row: T } | { op: 'remove'; key: ObjectKey })[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const flush = useCallback(() => {
    timer.current = undefined;
    const ops = pending.current;
    pending.current = [];
    let next = listRef.current;
    let changed = false;
    let unknown = false;
    for (const change of ops) {
      const updated = change.op === 'upsert' ? replaceRow(next, change.row) : removeRow(next, change.key);
      if (updated) {
        next = updated;
        changed = true;
      } else if (change.op === 'upsert') {
        unknown = true;
      }
    }
    if (changed) apply(next);
    if (unknown && next.pages.has(1) && isComplete(next)) scheduleRefresh();
  }, [apply, scheduleRefresh]);
  const enqueue = useCallback(
    (change: { op: 'upsert'; row: T } | { op: 'remove'; key: ObjectKey }) => {
      pending.current.push(change);
      timer.current ??= setTimeout(flush, 50);
    },
    [flush],
  );
  useEffect(
    () => () => {
      if (timer.current !== undefined) clearTimeout(timer.current);
    },
    [],
  );
  // A new query drops changes queued for the old one.
  useEffect(() => {
    pending.current = [];
  }, [queryKey]);

  const upsert = useCallback((row: T) => enqueue({ op: 'upsert', row }), [enqueue]);
  const remove = useCallback((key: ObjectKey) => enqueue({ op: 'remove', key }), [enqueue]);

  return { list, ready, error, ensureRange, refresh, upsert, remove };
}

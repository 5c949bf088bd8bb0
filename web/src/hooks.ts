import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';

/** A clock that ticks every 15 s, shared by everything that shows a relative time. */
const tickers = new Set<() => void>();
let now = Date.now();
let interval: ReturnType<typeof setInterval> | undefined;

function subscribeNow(fn: () => void): () => void {
  tickers.add(fn);
  if (!interval) {
    interval = setInterval(() => {
      now = Date.now();
      for (const t of tickers) t();
    }, 15_000);
  }
  return () => {
    tickers.delete(fn);
    if (tickers.size === 0 && interval) {
      clearInterval(interval);
      interval = undefined;
    }
  };
}

export function useNow(): number {
  return useSyncExternalStore(subscribeNow, () => now);
}

/** The value, once it has stopped changing for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * A function that runs `fn` once, `ms` after the last call (at the latest `maxMs` after the first),
 * so a burst of live events costs one fetch.
 */
export function useCoalesced(fn: () => void, ms: number, maxMs = ms * 4): () => void {
  const fnRef = useRef(fn);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const first = useRef<number | undefined>(undefined);
  useEffect(() => {
    fnRef.current = fn;
  });
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  return useCallback(() => {
    const t = Date.now();
    first.current ??= t;
    if (timer.current) clearTimeout(timer.current);
    const wait = Math.max(0, Math.min(ms, first.current + maxMs - t));
    timer.current = setTimeout(() => {
      timer.current = undefined;
      first.current = undefined;
      fnRef.current();
    }, wait);
  }, [ms, maxMs]);
}

export interface Resource<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  /** Fetch again, keeping the current data on screen meanwhile. */
  reload: () => void;
  /** Change the data locally (live updates). */
  update: (fn: (data: T) => T) => void;
}

/** Data from `load`, fetched again whenever `key` changes; stale answers are dropped. */
export function useResource<T>(key: string, load: () => Promise<T>): Resource<T> {
  const [state, setState] = useState<{ key: string; data?: T; error?: Error; loading: boolean }>({ key, loading: true });
  const loadRef = useRef(load);
  const seq = useRef(0);
  useEffect(() => {
    loadRef.current = load;
  });

  const run = useCallback((forKey: string, fresh: boolean) => {
    const mine = ++seq.current;
    setState((s) => (fresh ? { key: forKey, loading: true } : { ...s, loading: true }));
    loadRef.current().then(
      (data) => {
        if (mine === seq.current) setState({ key: forKey, data, loading: false });
      },
      (error: unknown) => {
        if (mine !== seq.current) return;
        const err = error instanceof Error ? error : new Error(String(error));
        setState((s) => ({ ...s, key: forKey, error: err, loading: false }));
      },
    );
  }, []);

  useEffect(() => run(key, true), [key, run]);

  const reload = useCallback(() => run(key, false), [key, run]);
  const update = useCallback((fn: (data: T) => T) => setState((s) => (s.data === undefined ? s : { ...s, data: fn(s.data) })), []);
  const current = state.key === key ? state : { key, loading: true };
  return { data: current.data, error: current.error, loading: current.loading, reload, update };
}

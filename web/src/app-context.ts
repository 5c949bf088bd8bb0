import { createContext, useContext, useEffect, useRef, useSyncExternalStore } from 'react';
import type { Api } from './lib/api.ts';
import type { LiveHub, LiveStatus } from './lib/live.ts';
import type { LiveEvent, Session } from './model.ts';

export interface AppContextValue {
  api: Api;
  session: Session;
  live: LiveHub;
  signOut: () => void;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp outside the signed-in app');
  return value;
}

/** Calls `handler` for every LiveEvent while mounted (always the latest handler). */
export function useLiveEvents(handler: (event: LiveEvent) => void): void {
  const { live } = useApp();
  const ref = useRef(handler);
  useEffect(() => {
    ref.current = handler;
  });
  useEffect(() => live.subscribe((event) => ref.current(event)), [live]);
}

/** Calls `handler` when the stream reconnects after a gap (events may have been missed). */
export function useResync(handler: () => void): void {
  const { live } = useApp();
  const ref = useRef(handler);
  useEffect(() => {
    ref.current = handler;
  });
  useEffect(() => live.onResync(() => ref.current()), [live]);
}

export function useLiveStatus(): LiveStatus {
  const { live } = useApp();
  return useSyncExternalStore(live.onStatus, live.status);
}

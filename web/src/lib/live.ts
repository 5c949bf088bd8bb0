import type { LiveEvent } from '../model.ts';

/** The SSE event names of /api/stream (LiveEvent['type']). */
export const LIVE_EVENT_TYPES = ['stack', 'stack-deleted', 'source', 'source-deleted', 'event'] as const;

type LiveType = (typeof LIVE_EVENT_TYPES)[number];

const PAYLOAD_FIELD: Record<LiveType, string> = {
  stack: 'stack',
  'stack-deleted': 'key',
  source: 'source',
  'source-deleted': 'key',
  event: 'event',
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * One SSE message as a LiveEvent. The data is the LiveEvent's JSON; a bare payload (the row, the
 * key, the event) under the event name is accepted too. Anything else: undefined.
 */
export function parseLiveEvent(type: string, data: string): LiveEvent | undefined {
  if (!(LIVE_EVENT_TYPES as readonly string[]).includes(type)) return undefined;
  const liveType = type as LiveType;
  let body: unknown;
  try {
    body = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (!isRecord(body)) return undefined;
  const field = PAYLOAD_FIELD[liveType];
  const payload = body['type'] === liveType && isRecord(body[field]) ? body[field] : body;
  if (!isRecord(payload)) return undefined;
  if (liveType === 'event') {
    if (typeof payload['reason'] !== 'string' || !isRecord(payload['object'])) return undefined;
  } else if (typeof payload['namespace'] !== 'string' || typeof payload['name'] !== 'string') {
    return undefined;
  }
  return { type: liveType, [field]: payload } as unknown as LiveEvent;
}

/** What the hub needs of an EventSource (the browser's, or a fake in tests). */
export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((event: Event) => unknown) | null;
  onerror: ((event: Event) => unknown) | null;
  addEventListener(type: string, listener: (event: MessageEvent) => void): void;
  close(): void;
}

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'stopped';

export interface LiveHubOptions {
  open: (url: string) => EventSourceLike;
  url?: string;
  /** The stream failed for good (the browser stopped retrying, e.g. a 401): check the session. */
  onLost?: () => void;
  /** Delay before reopening after the browser gave up. */
  retryDelayMs?: (attempt: number) => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

const CLOSED = 2;

/**
 * The one EventSource of the app, shared by every view: listeners for LiveEvents, for the
 * connection status, and for "resync" (reconnected after a gap: events may have been missed, so
 * views fetch again).
 */
export function createLiveHub(options: LiveHubOptions) {
  const url = options.url ?? '/api/stream';
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  const retryDelay = options.retryDelayMs ?? ((attempt: number) => Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5)));
  const listeners = new Set<(event: LiveEvent) => void>();
  const statusListeners = new Set<(status: LiveStatus) => void>();
  const resyncListeners = new Set<() => void>();
  let source: EventSourceLike | undefined;
  let status: LiveStatus = 'stopped';
  let everOpen = false;
  let gap = false;
  let attempt = 0;
  let timer: unknown;

  function setStatus(next: LiveStatus) {
    if (next === status) return;
    status = next;
    for (const fn of statusListeners) fn(next);
  }

  function connect() {
    timer = undefined;
    const es = options.open(url);
    source = es;
    setStatus(everOpen ? 'reconnecting' : 'connecting');
    es.onopen = () => {
      if (source !== es) return;
      attempt = 0;
      setStatus('live');
      if (everOpen && gap) for (const fn of resyncListeners) fn();
      everOpen = true;
      gap = false;
    };
    es.onerror = () => {
      if (source !== es) return;
      gap = true;
      if (es.readyState === CLOSED) {
        es.close();
        source = undefined;
        setStatus('reconnecting');
        options.onLost?.();
        timer = setTimer(connect, retryDelay(attempt++));
      } else {
        setStatus('reconnecting'); // the browser retries by itself
      }
    };
    for (const type of LIVE_EVENT_TYPES) {
      es.addEventListener(type, (message) => {
        if (source !== es) return;
        const event = parseLiveEvent(type, typeof message.data === 'string' ? message.data : '');
        if (!event) return;
        for (const fn of listeners) fn(event);
      });
    }
  }

  return {
    start() {
      if (source || timer !== undefined) return;
      connect();
    },
    stop() {
      if (timer !== undefined) clearTimer(timer);
      timer = undefined;
      source?.close();
      source = undefined;
      everOpen = false;
      gap = false;
      attempt = 0;
      setStatus('stopped');
    },
    status: () => status,
    subscribe(fn: (event: LiveEvent) => void): () => void {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    onStatus(fn: (status: LiveStatus) => void): () => void {
      statusListeners.add(fn);
      return () => statusListeners.delete(fn);
    },
    onResync(fn: () => void): () => void {
      resyncListeners.add(fn);
      return () => resyncListeners.delete(fn);
    },
  };
}

export type LiveHub = ReturnType<typeof createLiveHub>;

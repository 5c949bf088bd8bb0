/**
 * Server-sent events: every open page gets the rows that change, filtered by what its user may
 * see. Many clients cost little: a change is serialised once, a client that reads slowly has its
 * queue coalesced (a newer row of the same Stack replaces the older one), one timer beats for
 * everyone, and a client too far behind is dropped (EventSource reconnects and the page reloads).
 */
import { RESOURCE_GROUP, type AccessReviewer } from './access.ts';
import type { CacheChange } from './cache.ts';

export const DEFAULT_HEARTBEAT_MS = 15_000;
export const DEFAULT_MAX_PENDING = 10_000;

export interface StreamOwner {
  sessionId: string;
  access: AccessReviewer;
}

interface Subscriber {
  owner: StreamOwner;
  pending: Map<string, string>;
  heartbeat: boolean;
  closed: boolean;
  pulling: boolean;
  wake: (() => void) | undefined;
  controller: ReadableStreamDefaultController<Uint8Array> | undefined;
}

export interface StreamHubOptions {
  heartbeatMs?: number;
  maxPending?: number;
}

const encoder = new TextEncoder();

export function sseFrame(type: string, data: unknown): string {
  // JSON.stringify never emits a raw newline, so one data line carries the whole message.
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

export class StreamHub {
  private readonly heartbeatMs: number;
  private readonly maxPending: number;
  private readonly subscribers = new Set<Subscriber>();
  private timer: NodeJS.Timeout | undefined;

  constructor(opts: StreamHubOptions = {}) {
    this.heartbeatMs = opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.maxPending = opts.maxPending ?? DEFAULT_MAX_PENDING;
  }

  get size(): number {
    return this.subscribers.size;
  }

  /** The body of one text/event-stream response; it ends when the client goes, its session ends or the hub closes. */
  open(owner: StreamOwner): ReadableStream<Uint8Array> {
    const sub: Subscriber = { owner, pending: new Map(), heartbeat: false, closed: false, pulling: false, wake: undefined, controller: undefined };
    this.subscribers.add(sub);
    this.ensureTimer();
    return new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          sub.controller = controller;
          // Sent at once so proxies and the browser see the stream open before the first change.
          controller.enqueue(encoder.encode(`retry: 3000\n: connected\n\n`));
        },
        pull: async (controller) => {
          sub.pulling = true;
          try {
            while (!sub.closed && sub.pending.size === 0 && !sub.heartbeat) await new Promise<void>((resolve) => (sub.wake = resolve));
            sub.wake = undefined;
            if (sub.closed) {
              controller.close();
              return;
            }
            let chunk = sub.heartbeat ? ': heartbeat\n\n' : '';
            for (const frame of sub.pending.values()) chunk += frame;
            sub.pending.clear();
            sub.heartbeat = false;
            controller.enqueue(encoder.encode(chunk));
          } finally {
            sub.pulling = false;
          }
        },
        cancel: () => this.drop(sub),
      },
      { highWaterMark: 1 },
    );
  }

  /** Passes a change to every client whose user may list that kind in that namespace. */
  publish(change: CacheChange): void {
    if (this.subscribers.size === 0) return;
    let frame: string | undefined;
    const deliver = (sub: Subscriber) => {
      if (sub.closed) return;
      frame ??= sseFrame(change.event.type, change.event);
      // Re-inserting moves the key to the end, so frames go out in the order of their last change.
      sub.pending.delete(change.key);
      sub.pending.set(change.key, frame);
      if (sub.pending.size > this.maxPending) this.drop(sub);
      else sub.wake?.();
    };
    for (const sub of this.subscribers) {
      const known = sub.owner.access.peek(change.resource, change.namespace);
      if (known === true) deliver(sub);
      else if (known === undefined) {
        // A namespace this user was never asked about: ask, then deliver if allowed.
        sub.owner.access
          .allowed({ verb: 'list', group: RESOURCE_GROUP[change.resource], resource: change.resource, namespace: change.namespace })
          .then((ok) => ok && deliver(sub))
          .catch(() => undefined);
      }
    }
  }

  /** Ends the streams of one session (signed out, expired, credentials rejected). */
  closeSession(sessionId: string): void {
    for (const sub of this.subscribers) if (sub.owner.sessionId === sessionId) this.drop(sub);
  }

  close(): void {
    for (const sub of [...this.subscribers]) this.drop(sub);
  }

  /** Owners of open streams, one per session: whose access answers to keep fresh. */
  owners(): StreamOwner[] {
    const seen = new Map<string, StreamOwner>();
    for (const sub of this.subscribers) seen.set(sub.owner.sessionId, sub.owner);
    return [...seen.values()];
  }

  private drop(sub: Subscriber): void {
    if (!this.subscribers.delete(sub)) return;
    sub.closed = true;
    sub.pending.clear();
    if (sub.pulling) sub.wake?.();
    else {
      try {
        sub.controller?.close();
      } catch {
        // already closed or cancelled by the client
      }
    }
    if (this.subscribers.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private ensureTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      for (const sub of this.subscribers) {
        sub.heartbeat = true;
        sub.wake?.();
      }
    }, this.heartbeatMs);
    this.timer.unref();
  }
}

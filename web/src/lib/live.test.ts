import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LiveEvent } from '../model.ts';
import { createLiveHub, parseLiveEvent, type EventSourceLike, type LiveStatus } from './live.ts';

const row = { namespace: 'default', name: 'apps', state: 'ready' };

test('parseLiveEvent accepts the LiveEvent JSON and a bare payload', () => {
  assert.deepEqual(parseLiveEvent('stack', JSON.stringify({ type: 'stack', stack: row })), { type: 'stack', stack: row });
  assert.deepEqual(parseLiveEvent('stack', JSON.stringify(row)), { type: 'stack', stack: row });
  assert.deepEqual(parseLiveEvent('stack-deleted', JSON.stringify({ type: 'stack-deleted', key: { namespace: 'a', name: 'b' } })), {
    type: 'stack-deleted',
    key: { namespace: 'a', name: 'b' },
  });
  const event = { type: 'Warning', reason: 'DriftDetected', message: 'm', object: { kind: 'Stack', namespace: 'a', name: 'b' }, count: 1, lastTimestamp: 't' };
  assert.deepEqual(parseLiveEvent('event', JSON.stringify({ type: 'event', event })), { type: 'event', event });
  assert.deepEqual(parseLiveEvent('event', JSON.stringify(event)), { type: 'event', event });
});

test('parseLiveEvent refuses unknown types and malformed data', () => {
  assert.equal(parseLiveEvent('ping', '{}'), undefined);
  assert.equal(parseLiveEvent('stack', 'not json'), undefined);
  assert.equal(parseLiveEvent('stack', '[]'), undefined);
  assert.equal(parseLiveEvent('stack', '{"type":"stack","stack":{"name":"x"}}'), undefined);
  assert.equal(parseLiveEvent('event', '{"reason":"x"}'), undefined);
});

class FakeEventSource implements EventSourceLike {
  readyState = 0;
  onopen: ((event: Event) => unknown) | null = null;
  onerror: ((event: Event) => unknown) | null = null;
  closed = false;
  listeners = new Map<string, ((event: MessageEvent) => void)[]>();
  readonly url: string;
  constructor(url: string) {
    this.url = url;
  }
  addEventListener(type: string, listener: (event: MessageEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  open() {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  fail(readyState: number) {
    this.readyState = readyState;
    this.onerror?.(new Event('error'));
  }
  emit(type: string, data: unknown) {
    for (const l of this.listeners.get(type) ?? []) l(new MessageEvent(type, { data: JSON.stringify(data) }));
  }
}

function harness() {
  const sources: FakeEventSource[] = [];
  const timers: (() => void)[] = [];
  let lost = 0;
  const hub = createLiveHub({
    open: (url) => {
      const es = new FakeEventSource(url);
      sources.push(es);
      return es;
    },
    onLost: () => lost++,
    setTimer: (fn) => timers.push(fn),
    clearTimer: () => {},
  });
  return { hub, sources, timers, lost: () => lost };
}

test('the hub delivers events to every subscriber until they unsubscribe', () => {
  const { hub, sources } = harness();
  const a: LiveEvent[] = [];
  const b: LiveEvent[] = [];
  const offA = hub.subscribe((e) => a.push(e));
  hub.subscribe((e) => b.push(e));
  hub.start();
  hub.start(); // idempotent
  assert.equal(sources.length, 1);
  assert.equal(sources[0]?.url, '/api/stream');
  sources[0]!.open();
  sources[0]!.emit('stack', { type: 'stack', stack: row });
  offA();
  sources[0]!.emit('stack-deleted', { type: 'stack-deleted', key: { namespace: 'default', name: 'apps' } });
  assert.equal(a.length, 1);
  assert.equal(b.length, 2);
});

test('status follows the connection; a resync follows a gap; a closed stream is reopened', () => {
  const { hub, sources, timers, lost } = harness();
  const statuses: LiveStatus[] = [];
  let resyncs = 0;
  hub.onStatus((s) => statuses.push(s));
  hub.onResync(() => resyncs++);
  hub.start();
  sources[0]!.open();
  assert.equal(resyncs, 0, 'the first open is no resync');
  sources[0]!.fail(0); // the browser retries
  sources[0]!.open();
  assert.equal(resyncs, 1);
  sources[0]!.fail(2); // the browser gave up
  assert.equal(lost(), 1);
  assert.ok(sources[0]!.closed);
  assert.equal(timers.length, 1);
  timers[0]!();
  assert.equal(sources.length, 2);
  sources[1]!.open();
  assert.equal(resyncs, 2);
  assert.deepEqual(statuses, ['connecting', 'live', 'reconnecting', 'live', 'reconnecting', 'live']);
  hub.stop();
  assert.ok(sources[1]!.closed);
  assert.equal(hub.status(), 'stopped');
});

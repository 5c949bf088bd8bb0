import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EventView } from '../model.ts';
import { addEvent, isAboutStack, newestFirst } from './events.ts';

function ev(reason: string, time: string, extra: Partial<EventView> = {}): EventView {
  return { type: 'Normal', reason, message: reason, object: { kind: 'Stack', namespace: 'default', name: 'apps' }, count: 1, lastTimestamp: time, ...extra };
}

test('addEvent puts the newest first, replaces repeats and caps the list', () => {
  const a = ev('A', '2026-01-01T00:00:01Z');
  const b = ev('B', '2026-01-01T00:00:02Z');
  let list = addEvent([], a, 2);
  list = addEvent(list, b, 2);
  assert.deepEqual(list.map((e) => e.reason), ['B', 'A']);
  list = addEvent(list, { ...a, count: 2, lastTimestamp: '2026-01-01T00:00:03Z' }, 2);
  assert.deepEqual(list.map((e) => `${e.reason}${e.count}`), ['A2', 'B1']);
  list = addEvent(list, ev('C', '2026-01-01T00:00:04Z'), 2);
  assert.deepEqual(list.map((e) => e.reason), ['C', 'A']);
});

test('isAboutStack', () => {
  assert.ok(isAboutStack(ev('A', 't'), { namespace: 'default', name: 'apps' }));
  assert.ok(!isAboutStack(ev('A', 't'), { namespace: 'default', name: 'web' }));
  assert.ok(!isAboutStack(ev('A', 't', { object: { kind: 'GitRepository', namespace: 'default', name: 'apps' } }), { namespace: 'default', name: 'apps' }));
});

test('newestFirst', () => {
  const list = newestFirst([ev('old', '2026-01-01T00:00:01Z'), ev('new', '2026-01-01T00:00:09Z'), ev('mid', '2026-01-01T00:00:05Z')]);
  assert.deepEqual(list.map((e) => e.reason), ['new', 'mid', 'old']);
});

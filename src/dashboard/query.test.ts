import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StackRow, State } from './model.ts';
import { pageOf, parseQuery, type Listed } from './query.ts';

function row(namespace: string, name: string, state: State, extra: Partial<StackRow> = {}): Listed<StackRow> {
  const r: StackRow = { namespace, name, state, message: '', source: `${namespace}/platform`, path: './', suspended: false, driftCount: 0, objects: 0, dependsOn: [], ...extra };
  return { row: r, search: `${namespace}/${name} ${r.source} ${r.message}`.toLowerCase(), ageMs: Date.parse(r.lastTransitionTime ?? '') || 0 };
}

const rows = [
  row('a', 'web', 'ready', { lastTransitionTime: '2026-01-01T00:00:03Z', durationSeconds: 3 }),
  row('a', 'db', 'failed', { message: 'Apply failed: quota', lastTransitionTime: '2026-01-01T00:00:01Z', durationSeconds: 9 }),
  row('b', 'web', 'drifted', { driftCount: 4, lastTransitionTime: '2026-01-01T00:00:02Z' }),
  row('b', 'cache', 'ready'),
  row('c', 'api', 'progressing', { source: 'a/platform' }),
];

function q(params: Record<string, string>) {
  const p = parseQuery(params);
  assert.ok(p.ok, JSON.stringify(p));
  return p.query;
}

test('defaults: page 1 of 50 sorted by name, facets over everything', () => {
  const page = pageOf(rows, q({}));
  assert.deepEqual(page.items.map((r) => `${r.namespace}/${r.name}`), ['c/api', 'b/cache', 'a/db', 'a/web', 'b/web']);
  assert.equal(page.total, 5);
  assert.deepEqual(page.facets.namespaces, ['a', 'b', 'c']);
  assert.deepEqual(page.facets.sources, ['a/platform', 'b/platform']);
  assert.deepEqual(page.facets.states, { suspended: 0, failed: 1, drifted: 1, progressing: 1, ready: 2, unknown: 0 });
});

test('filters combine; facets still count every visible row', () => {
  const page = pageOf(rows, q({ namespace: 'a', state: 'failed' }));
  assert.deepEqual(page.items.map((r) => r.name), ['db']);
  assert.equal(page.facets.states.ready, 2);
  assert.deepEqual(pageOf(rows, q({ source: 'a/platform' })).items.map((r) => `${r.namespace}/${r.name}`), ['c/api', 'a/db', 'a/web']);
  assert.deepEqual(pageOf(rows, q({ q: 'QUOTA' })).items.map((r) => r.name), ['db']);
  assert.deepEqual(pageOf(rows, q({ q: 'b/' })).items.map((r) => r.name), ['cache', 'web']);
});

test('sorts: state puts problems first, age the youngest first, drift and duration by number', () => {
  assert.deepEqual(pageOf(rows, q({ sort: 'state' })).items.map((r) => r.state), ['failed', 'drifted', 'progressing', 'ready', 'ready']);
  assert.deepEqual(pageOf(rows, q({ sort: 'age' })).items.map((r) => `${r.namespace}/${r.name}`).slice(0, 3), ['a/web', 'b/web', 'a/db']);
  assert.deepEqual(pageOf(rows, q({ sort: 'drift', order: 'desc' })).items[0]?.name, 'web');
  assert.deepEqual(pageOf(rows, q({ sort: 'duration', order: 'desc' })).items.map((r) => r.name).slice(0, 2), ['db', 'web']);
  assert.deepEqual(pageOf(rows, q({ sort: 'namespace', order: 'desc' })).items.map((r) => `${r.namespace}/${r.name}`), ['c/api', 'b/web', 'b/cache', 'a/web', 'a/db']);
});

test('paging slices after sorting; a page past the end is empty', () => {
  const p2 = pageOf(rows, q({ pageSize: '2', page: '2' }));
  assert.deepEqual(p2.items.map((r) => r.name), ['db', 'web']);
  assert.equal(p2.total, 5);
  assert.equal(p2.page, 2);
  assert.equal(pageOf(rows, q({ pageSize: '2', page: '4' })).items.length, 0);
  assert.equal(q({ pageSize: '100000' }).pageSize, 500);
});

test('bad parameters are refused with a reason', () => {
  for (const params of [{ page: '0' }, { page: 'x' }, { pageSize: '-1' }, { state: 'happy' }, { sort: 'colour' }, { order: 'up' }, { q: 'x'.repeat(201) }]) {
    const p = parseQuery(params);
    assert.equal(p.ok, false, JSON.stringify(params));
  }
});

test('5,000 rows page in a few milliseconds', () => {
  const many = Array.from({ length: 5000 }, (_, i) => row(`ns-${i % 50}`, `stack-${i}`, i % 7 === 0 ? 'failed' : 'ready', { lastTransitionTime: new Date(1e12 + i * 1000).toISOString() }));
  const started = performance.now();
  for (const sort of ['name', 'state', 'age'] as const) pageOf(many, q({ sort, q: 'stack-1' }));
  assert.ok(performance.now() - started < 500, `took ${performance.now() - started} ms`);
});

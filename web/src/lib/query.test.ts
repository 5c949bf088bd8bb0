import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filtersFromSearch, nextSort, queryString, sameFilters } from './query.ts';

test('queryString leaves out empty values and keeps a stable order', () => {
  assert.equal(queryString({}), '');
  assert.equal(queryString({ pageSize: 200, page: 2, q: 'web', state: 'failed', namespace: '' }), '?q=web&state=failed&page=2&pageSize=200');
  assert.equal(queryString({ source: 'flux-system/platform', sort: 'drift', order: 'desc' }), '?source=flux-system%2Fplatform&sort=drift&order=desc');
});

test('queryString encodes search text', () => {
  assert.equal(queryString({ q: 'a b&c' }), '?q=a+b%26c');
});

test('filtersFromSearch keeps only valid values', () => {
  assert.deepEqual(filtersFromSearch('?q=%20api%20&state=failed&sort=duration&order=desc&namespace=apps&source=default/platform'), {
    q: 'api',
    state: 'failed',
    sort: 'duration',
    order: 'desc',
    namespace: 'apps',
    source: 'default/platform',
  });
  assert.deepEqual(filtersFromSearch('?state=broken&sort=size&order=up&q=&page=3'), {});
});

test('filtersFromSearch round-trips through queryString', () => {
  const filters = { q: 'x', namespace: 'n', state: 'ready' as const, source: 's/t', sort: 'name' as const, order: 'asc' as const };
  assert.deepEqual(filtersFromSearch(queryString(filters)), filters);
});

test('nextSort flips the same column and starts another at its default', () => {
  assert.deepEqual(nextSort({}, 'name'), { sort: 'name', order: 'asc' });
  assert.deepEqual(nextSort({ sort: 'name', order: 'asc' }, 'name'), { sort: 'name', order: 'desc' });
  assert.deepEqual(nextSort({ sort: 'name', order: 'desc' }, 'name'), { sort: 'name', order: 'asc' });
  assert.deepEqual(nextSort({ sort: 'name', order: 'asc' }, 'duration'), { sort: 'duration', order: 'desc' });
  assert.deepEqual(nextSort({ sort: 'drift' }, 'drift'), { sort: 'drift', order: 'asc' });
});

test('sameFilters compares what is asked for', () => {
  assert.ok(sameFilters({ q: 'a', state: 'ready' }, { state: 'ready', q: 'a' }));
  assert.ok(sameFilters({ q: '' }, {}));
  assert.ok(!sameFilters({ q: 'a' }, { q: 'b' }));
});

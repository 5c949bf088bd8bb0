import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from '../model.ts';
import { emptyList, isComplete, loadedCount, loadedPages, missingPages, pagesFor, removeRow, replaceRow, rowAt, withPage, type PagedList } from './paged-list.ts';

interface Row {
  namespace: string;
  name: string;
  v?: number;
}

const facets = { namespaces: [], sources: [], states: { ready: 0, failed: 0, drifted: 0, progressing: 0, suspended: 0, unknown: 0 } };

function page(number: number, pageSize: number, total: number): Page<Row> {
  const items: Row[] = [];
  for (let i = (number - 1) * pageSize; i < Math.min(total, number * pageSize); i++) items.push({ namespace: 'ns', name: `s${i}` });
  return { items, total, page: number, pageSize, facets };
}

test('pagesFor maps a row range to pages, clipped to the list', () => {
  assert.deepEqual(pagesFor(0, 10, 200, 5000), [1]);
  assert.deepEqual(pagesFor(190, 410, 200, 5000), [1, 2, 3]);
  assert.deepEqual(pagesFor(4990, 6000, 200, 5000), [25]);
  assert.deepEqual(pagesFor(0, 10, 200, 0), []);
  assert.deepEqual(pagesFor(10, 5, 200, 100), []);
});

test('rows come from loaded pages; holes are undefined', () => {
  let list: PagedList<Row> = emptyList(200);
  list = withPage(list, page(1, 200, 5000));
  assert.equal(list.total, 5000);
  assert.equal(rowAt(list, 0)?.name, 's0');
  assert.equal(rowAt(list, 199)?.name, 's199');
  assert.equal(rowAt(list, 200), undefined);
  assert.equal(rowAt(list, 5000), undefined);
  assert.deepEqual(missingPages(list, 150, 450, new Set([2])), [3]);
  list = withPage(list, page(3, 200, 5000));
  assert.equal(rowAt(list, 400)?.name, 's400');
  assert.equal(loadedCount(list), 400);
  assert.deepEqual(loadedPages(list), [1, 3]);
  assert.ok(!isComplete(list));
});

test('a smaller total drops pages beyond the end', () => {
  let list: PagedList<Row> = emptyList(10);
  list = withPage(list, page(1, 10, 30));
  list = withPage(list, page(3, 10, 30));
  list = withPage(list, page(1, 10, 15));
  assert.deepEqual(loadedPages(list), [1]);
  assert.equal(list.total, 15);
});

test('replaceRow updates a loaded row in place and leaves others alone', () => {
  const list = withPage(emptyList<Row>(10), page(1, 10, 25));
  const next = replaceRow(list, { namespace: 'ns', name: 's3', v: 7 });
  assert.ok(next);
  assert.equal(rowAt(next, 3)?.v, 7);
  assert.equal(rowAt(list, 3)?.v, undefined, 'the old list is unchanged');
  assert.equal(replaceRow(list, { namespace: 'ns', name: 's20' }), undefined);
});

test('removeRow closes up a complete list', () => {
  let list = withPage(emptyList<Row>(2), page(1, 2, 3));
  list = withPage(list, page(2, 2, 3));
  assert.ok(isComplete(list));
  const next = removeRow(list, { namespace: 'ns', name: 's0' });
  assert.ok(next);
  assert.equal(next.total, 2);
  assert.deepEqual([rowAt(next, 0)?.name, rowAt(next, 1)?.name], ['s1', 's2']);
  assert.equal(removeRow(list, { namespace: 'ns', name: 'nope' }), undefined);
});

test('removeRow marks a row deleted in a partial list, and a later update revives it', () => {
  const list = withPage(emptyList<Row>(10), page(1, 10, 100));
  const next = removeRow(list, { namespace: 'ns', name: 's1' });
  assert.ok(next);
  assert.equal(next.total, 100);
  assert.ok(next.deleted.has('ns/s1'));
  const revived = replaceRow(next, { namespace: 'ns', name: 's1' });
  assert.ok(revived && !revived.deleted.has('ns/s1'));
});

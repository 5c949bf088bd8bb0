import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommitStatusCache, RepeatFilter, hashKey } from './dedupe.ts';

test('hashKey is fixed-size and keeps part boundaries apart', () => {
  assert.equal(hashKey(['a', 'b']), hashKey(['a', 'b']));
  assert.notEqual(hashKey(['ab', 'c']), hashKey(['a', 'bc']));
  assert.notEqual(hashKey(['a', undefined]), hashKey(['a', '']));
  assert.equal(hashKey(['x'.repeat(100_000)]).length, 43);
});

test('a repeat within the window is refused; after the window it is sent again', () => {
  let now = 1_000;
  const filter = new RepeatFilter({ now: () => now });
  assert.ok(filter.admit('k', 60_000));
  now += 59_999;
  assert.ok(!filter.admit('k', 60_000));
  now += 1;
  assert.ok(filter.admit('k', 60_000));
});

test('suppressed repeats do not extend the window', () => {
  let now = 0;
  const filter = new RepeatFilter({ now: () => now });
  assert.ok(filter.admit('k', 10_000));
  for (now = 1000; now < 10_000; now += 1000) assert.ok(!filter.admit('k', 10_000));
  now = 10_000;
  assert.ok(filter.admit('k', 10_000));
});

test('a zero window suppresses nothing and remembers nothing; forget lets a key through at once', () => {
  const filter = new RepeatFilter({ now: () => 0 });
  assert.ok(filter.admit('k', 0));
  assert.ok(filter.admit('k', 0));
  assert.equal(filter.size, 0);
  assert.ok(filter.admit('j', 60_000));
  filter.forget('j');
  assert.ok(filter.admit('j', 60_000));
});

test('memory is bounded: expired keys are swept, and beyond the cap the oldest go', () => {
  let now = 0;
  const filter = new RepeatFilter({ now: () => now, maxEntries: 3 });
  for (const k of ['a', 'b', 'c', 'd']) filter.admit(k, 600_000);
  assert.equal(filter.size, 3);
  assert.ok(filter.admit('a', 600_000), 'the oldest was evicted');
  assert.ok(!filter.admit('d', 600_000));

  const sweeping = new RepeatFilter({ now: () => now, maxEntries: 1000 });
  for (let i = 0; i < 100; i++) sweeping.admit(`k${i}`, 1000);
  now = 120_000;
  sweeping.admit('fresh', 1000);
  assert.equal(sweeping.size, 1);
});

test('CommitStatusCache: unchanged only for the same value under the same key', () => {
  const cache = new CommitStatusCache();
  assert.ok(!cache.unchanged('k', 'success\nok'));
  cache.remember('k', 'success\nok');
  assert.ok(cache.unchanged('k', 'success\nok'));
  assert.ok(!cache.unchanged('k', 'failure\nbad'));
  assert.ok(!cache.unchanged('other', 'success\nok'));
  cache.forget('k');
  assert.ok(!cache.unchanged('k', 'success\nok'));
});

test('CommitStatusCache is bounded, evicting the least recently used', () => {
  const cache = new CommitStatusCache({ maxEntries: 2 });
  cache.remember('a', '1');
  cache.remember('b', '1');
  assert.ok(cache.unchanged('a', '1'));
  cache.remember('c', '1');
  assert.equal(cache.size, 2);
  assert.ok(cache.unchanged('a', '1'));
  assert.ok(!cache.unchanged('b', '1'));
});

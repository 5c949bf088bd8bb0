import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_TESTED_LENGTH, SafeRegex } from './safe-regex.ts';

test('matches like RegExp.test, for any of the patterns', () => {
  const regex = new SafeRegex();
  assert.equal(regex.anyMatch([/foo/, /bar$/], 'a bar'), true);
  assert.equal(regex.anyMatch([/foo/, /bar$/], 'a bar b'), false);
  assert.equal(regex.anyMatch([], 'anything'), false);
});

test('a catastrophic pattern is stopped and reported as undefined; the next call works', () => {
  const regex = new SafeRegex({ timeoutMs: 20 });
  const started = performance.now();
  assert.equal(regex.anyMatch([/^(a+)+$/], 'a'.repeat(40) + '!'), undefined);
  assert.ok(performance.now() - started < 2000);
  assert.equal(regex.anyMatch([/ok/], 'ok'), true);
});

test('only the first 64 KiB of a message is tested', () => {
  const regex = new SafeRegex();
  const long = 'x'.repeat(MAX_TESTED_LENGTH) + 'needle';
  assert.equal(regex.anyMatch([/needle/], long), false);
  assert.equal(regex.anyMatch([/^x+$/], long), true);
});

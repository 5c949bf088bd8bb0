import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUnsafeMethod, originAllowed, tokensEqual } from './csrf.ts';

test('tokens compare equal only when identical; empty or absent never', () => {
  assert.equal(tokensEqual('abc', 'abc'), true);
  assert.equal(tokensEqual('abd', 'abc'), false);
  assert.equal(tokensEqual('abcd', 'abc'), false);
  assert.equal(tokensEqual(undefined, 'abc'), false);
  assert.equal(tokensEqual('', ''), false);
});

test('an Origin must name this host; none at all is left to the token', () => {
  assert.equal(originAllowed(undefined, '127.0.0.1:9090'), true);
  assert.equal(originAllowed('http://127.0.0.1:9090', '127.0.0.1:9090'), true);
  assert.equal(originAllowed('https://dash.example.com', 'dash.example.com'), true);
  assert.equal(originAllowed('http://evil.example.com', '127.0.0.1:9090'), false);
  assert.equal(originAllowed('http://127.0.0.1:9091', '127.0.0.1:9090'), false);
  assert.equal(originAllowed('null', '127.0.0.1:9090'), false);
  assert.equal(originAllowed('file://x', 'x'), false);
  assert.equal(originAllowed('http://127.0.0.1:9090', undefined), false);
});

test('unsafe methods', () => {
  assert.deepEqual(['GET', 'HEAD', 'OPTIONS', 'POST', 'put', 'PATCH', 'DELETE'].map(isUnsafeMethod), [false, false, false, true, true, true, true]);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isHttpUrl, jsonRequest, required, resolveAddress, resolveToken } from './common.ts';
import { providerSpec } from '../test-fixtures.ts';

const spec = providerSpec('slack');

test('isHttpUrl accepts http and https only', () => {
  assert.ok(isHttpUrl('https://x.example/a?b'));
  assert.ok(isHttpUrl('http://127.0.0.1:8080'));
  assert.ok(!isHttpUrl('ftp://x.example'));
  assert.ok(!isHttpUrl('not a url'));
});

test('resolveAddress: the Secret wins, values are trimmed, absence is a problem only when required', () => {
  assert.deepEqual(resolveAddress({ ...spec, address: 'https://a.example' }, { address: ' https://b.example\n' }, true), { value: 'https://b.example' });
  assert.deepEqual(resolveAddress({ ...spec, address: 'https://a.example' }, {}, true), { value: 'https://a.example' });
  assert.equal(resolveAddress(spec, {}, false), undefined);
  assert.match(resolveAddress(spec, {}, true)!.problem!, /needs an address/);
  assert.deepEqual(resolveAddress(spec, { address: 'mailto:x' }, true), { problem: "the Secret's address is not an http:// or https:// URL" });
});

test('resolveToken trims and names the Secret when the key is missing', () => {
  assert.deepEqual(resolveToken(spec, { token: 'abc\n' }, 'a token'), { value: 'abc' });
  assert.deepEqual(resolveToken({ ...spec, secretRef: { name: 's' } }, { token: '  ' }, 'a token'), {
    problem: 'a slack Provider needs a token: the key token in Secret "s"',
  });
});

test('required returns the value or throws an InvalidProvider error', () => {
  assert.equal(required({ value: 'v' }), 'v');
  assert.throws(() => required({ problem: 'p' }), { code: 'InvalidProvider', message: 'p' });
});

test('jsonRequest serialises the payload with a JSON content type', () => {
  assert.deepEqual(jsonRequest('https://x', { a: 1 }, { B: 'c' }), { url: 'https://x', headers: { 'Content-Type': 'application/json', B: 'c' }, body: '{"a":1}' });
});

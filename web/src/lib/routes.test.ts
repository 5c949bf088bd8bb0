import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keyString, loginCodeFromHash, parseKey, parseRoute, sameKey, stackPath } from './routes.ts';

test('parseRoute knows the four pages', () => {
  assert.deepEqual(parseRoute('/'), { page: 'overview' });
  assert.deepEqual(parseRoute(''), { page: 'overview' });
  assert.deepEqual(parseRoute('/stacks'), { page: 'stacks' });
  assert.deepEqual(parseRoute('/stacks/'), { page: 'stacks' });
  assert.deepEqual(parseRoute('/stacks/team-a/web'), { page: 'stack', key: { namespace: 'team-a', name: 'web' } });
  assert.deepEqual(parseRoute('/sources'), { page: 'sources' });
  assert.deepEqual(parseRoute('/stacks/a'), { page: 'not-found', path: '/stacks/a' });
  assert.deepEqual(parseRoute('/nope'), { page: 'not-found', path: '/nope' });
  assert.deepEqual(parseRoute('/stacks/%E0%A4%A/x'), { page: 'not-found', path: '/stacks/%E0%A4%A/x' });
});

test('stackPath round-trips through parseRoute', () => {
  const key = { namespace: 'ns with space', name: 'a.b-c' };
  assert.equal(stackPath(key), '/stacks/ns%20with%20space/a.b-c');
  assert.deepEqual(parseRoute(stackPath(key)), { page: 'stack', key });
});

test('keys', () => {
  assert.deepEqual(parseKey('default/platform'), { namespace: 'default', name: 'platform' });
  assert.equal(parseKey('platform'), undefined);
  assert.equal(parseKey('/x'), undefined);
  assert.equal(parseKey('x/'), undefined);
  assert.equal(keyString({ namespace: 'a', name: 'b' }), 'a/b');
  assert.ok(sameKey({ namespace: 'a', name: 'b' }, { namespace: 'a', name: 'b' }));
  assert.ok(!sameKey({ namespace: 'a', name: 'b' }, { namespace: 'b', name: 'a' }));
});

test('loginCodeFromHash', () => {
  assert.equal(loginCodeFromHash('#login=abc123'), 'abc123');
  assert.equal(loginCodeFromHash('login=abc123&x=1'), 'abc123');
  assert.equal(loginCodeFromHash('#other=1'), undefined);
  assert.equal(loginCodeFromHash(''), undefined);
  assert.equal(loginCodeFromHash('#login='), undefined);
});

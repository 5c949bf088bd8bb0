import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AccessReviewer, CredentialsRejected, inScope, type ResourceAttributes } from './access.ts';

function reviewer(allow: (a: ResourceAttributes) => boolean, now: () => number = Date.now) {
  const asked: string[] = [];
  const r = new AccessReviewer({
    review: async (a) => {
      asked.push(`${a.verb} ${a.resource} ${a.namespace ?? '*'}`);
      return allow(a);
    },
    ttlMs: 1000,
    now,
  });
  return { r, asked };
}

test('cluster-wide list permission answers for every namespace with one review', async () => {
  const { r, asked } = reviewer(() => true);
  const scope = await r.scope('stacks', ['a', 'b', 'c']);
  assert.equal(scope.all, true);
  assert.equal(inScope(scope, 'z'), true);
  assert.deepEqual(asked, ['list stacks *']);
  assert.equal(r.peek('stacks', 'anything'), true);
});

test('otherwise namespace by namespace, cached for the TTL, concurrent asks shared', async () => {
  let now = 0;
  const { r, asked } = reviewer((a) => a.namespace === 'a', () => now);
  const [s1, s2] = await Promise.all([r.scope('stacks', ['a', 'b']), r.scope('stacks', ['a', 'b'])]);
  assert.deepEqual([...s1.namespaces], ['a']);
  assert.deepEqual([...s2.namespaces], ['a']);
  assert.equal(asked.length, 3, asked.join(', '));
  await r.scope('stacks', ['a', 'b']);
  assert.equal(asked.length, 3, 'cached');
  assert.equal(r.peek('stacks', 'a'), true);
  assert.equal(r.peek('stacks', 'b'), false);
  assert.equal(r.peek('stacks', 'c'), undefined);
  now = 1001;
  await r.scope('stacks', ['a', 'b']);
  assert.equal(asked.length, 6, 'asked again after the TTL');
});

test('a failed review is a no, not remembered; rejected credentials propagate', async () => {
  let fail = true;
  const r = new AccessReviewer({
    review: async () => {
      if (fail) throw new Error('connection refused');
      return true;
    },
  });
  assert.equal(await r.allowed({ verb: 'get', group: '', resource: 'pods' }), false);
  fail = false;
  assert.equal(await r.allowed({ verb: 'get', group: '', resource: 'pods' }), true);
  const rejected = new AccessReviewer({ review: async () => Promise.reject(new CredentialsRejected()) });
  await assert.rejects(rejected.scope('stacks', ['a']), CredentialsRejected);
});

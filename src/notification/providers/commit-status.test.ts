import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commitState, commitStatusTarget, ownerRepo, statusContext, statusDescription } from './commit-status.ts';
import { providerSpec, stackEvent } from '../test-fixtures.ts';

const sha = 'd'.repeat(40);
const spec = providerSpec('github', { secretRef: { name: 'gh' } });
const event = stackEvent({ revision: `main@sha1:${sha}` });

test('state: errors fail, Progressing is pending, the rest succeed', () => {
  assert.equal(commitState(event), 'success');
  assert.equal(commitState({ ...event, severity: 'error', reason: 'Progressing' }), 'failure');
  assert.equal(commitState({ ...event, reason: 'Progressing' }), 'pending');
});

test('context: kind, namespace and name, plus the summary when there is one', () => {
  assert.equal(statusContext(event, undefined), 'governor/stack/apps/web');
  assert.equal(statusContext(event, 'prod-eu'), 'governor/stack/apps/web (prod-eu)');
});

test('description: reason and message on one line, at most 140 characters', () => {
  assert.equal(statusDescription({ ...event, message: 'line one\n  line two' }), 'Applied: line one line two');
  const long = statusDescription({ ...event, message: 'x'.repeat(500) });
  assert.equal(long.length, 140);
  assert.ok(long.endsWith('…'));
});

test('only Stack events with a commit and a known source URL have a target', () => {
  const ctx = { spec, secret: { token: 't' }, sourceUrl: 'https://github.com/acme/web.git' };
  assert.equal(commitStatusTarget({ ...event, involvedObject: { ...event.involvedObject, kind: 'GitRepository' } }, ctx), undefined);
  assert.equal(commitStatusTarget({ ...event, revision: undefined }, ctx), undefined);
  assert.equal(commitStatusTarget({ ...event, revision: 'main' }, ctx), undefined);
  assert.equal(commitStatusTarget(event, { ...ctx, sourceUrl: undefined }), undefined);
  const target = commitStatusTarget(event, ctx)!;
  assert.equal(target.sha, sha);
  assert.equal(target.token, 't');
  assert.equal(target.apiBase, undefined);
});

test('a missing token or an unreadable source URL is a configuration error that quotes no URL', () => {
  assert.throws(() => commitStatusTarget(event, { spec, secret: {}, sourceUrl: 'https://github.com/acme/web.git' }), {
    code: 'InvalidProvider',
    message: 'a github Provider needs an API token: the key token in Secret "gh"',
  });
  assert.throws(
    () => commitStatusTarget(event, { spec, secret: { token: 't' }, sourceUrl: 'file:///x/secret-path' }),
    (err: Error) => /cannot tell the repository of Stack apps\/web/.test(err.message) && !err.message.includes('secret-path'),
  );
});

test('the API base comes from the address without its trailing slash', () => {
  const t = commitStatusTarget(event, { spec: { ...spec, address: 'https://ghe.example/api/v3/' }, secret: { token: 't' }, sourceUrl: 'git@ghe.example:a/b.git' });
  assert.equal(t?.apiBase, 'https://ghe.example/api/v3');
});

test('ownerRepo: the last two segments, and the mount path before them', () => {
  assert.deepEqual(ownerRepo({ origin: 'https://h', host: 'h', segments: ['acme', 'web'] }), { owner: 'acme', name: 'web', prefix: '' });
  assert.deepEqual(ownerRepo({ origin: 'https://h', host: 'h', segments: ['git', 'acme', 'web'] }), { owner: 'acme', name: 'web', prefix: '/git' });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGitHub } from './github.ts';
import { providerSpec, stackEvent } from '../test-fixtures.ts';

const sha = 'e'.repeat(40);
const spec = providerSpec('github', { secretRef: { name: 'gh' } });
const event = stackEvent({ severity: 'error', reason: 'HealthCheckFailed', message: 'Deployment apps/web not ready', revision: `main@sha1:${sha}` });

test('github.com: POST to api.github.com with a bearer token', () => {
  const req = buildGitHub(event, { spec, secret: { token: 'ghp_abc' }, sourceUrl: 'git@github.com:acme/web.git' })!;
  assert.equal(req.url, `https://api.github.com/repos/acme/web/statuses/${sha}`);
  assert.deepEqual(req.headers, {
    'Content-Type': 'application/json',
    Accept: 'application/vnd.github+json',
    Authorization: 'Bearer ghp_abc',
    'X-GitHub-Api-Version': '2022-11-28',
  });
  assert.deepEqual(JSON.parse(req.body), {
    state: 'failure',
    context: 'governor/stack/apps/web',
    description: 'HealthCheckFailed: Deployment apps/web not ready',
  });
  assert.deepEqual(req.commitStatus, {
    key: `${req.url}\ngovernor/stack/apps/web`,
    value: 'failure\nHealthCheckFailed: Deployment apps/web not ready',
  });
});

test('GitHub Enterprise: /api/v3 on the web host; the address wins when set', () => {
  const ctx = { spec, secret: { token: 't' }, sourceUrl: 'https://ghe.example.com/acme/web.git' };
  assert.equal(buildGitHub(event, ctx)!.url, `https://ghe.example.com/api/v3/repos/acme/web/statuses/${sha}`);
  assert.equal(
    buildGitHub(event, { ...ctx, spec: { ...spec, address: 'https://api.ghe.example.com/' } })!.url,
    `https://api.ghe.example.com/repos/acme/web/statuses/${sha}`,
  );
  assert.equal(buildGitHub(event, { ...ctx, secret: { token: 't', address: 'http://127.0.0.1:9/gh' } })!.url, `http://127.0.0.1:9/gh/repos/acme/web/statuses/${sha}`);
});

test('nothing for events without a commit', () => {
  assert.equal(buildGitHub({ ...event, revision: undefined }, { spec, secret: { token: 't' }, sourceUrl: 'https://github.com/a/b' }), undefined);
});

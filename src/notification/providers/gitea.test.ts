import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGitea } from './gitea.ts';
import { providerSpec, stackEvent } from '../test-fixtures.ts';

const sha = '0'.repeat(40);
const spec = providerSpec('gitea', { secretRef: { name: 'gt' } });
const event = stackEvent({ reason: 'Progressing', message: 'applying', revision: `main@sha1:${sha}` });

test('/api/v1 on the web host, token authorization', () => {
  const req = buildGitea(event, { spec, secret: { token: 'gt-x' }, sourceUrl: 'https://gitea.example.com/acme/web.git' })!;
  assert.equal(req.url, `https://gitea.example.com/api/v1/repos/acme/web/statuses/${sha}`);
  assert.deepEqual(req.headers, { 'Content-Type': 'application/json', Accept: 'application/json', Authorization: 'token gt-x' });
  assert.deepEqual(JSON.parse(req.body), { state: 'pending', context: 'governor/stack/apps/web', description: 'Progressing: applying' });
});

test('a server mounted under a path keeps it in the API base', () => {
  const req = buildGitea(event, { spec, secret: { token: 't' }, sourceUrl: 'http://127.0.0.1:3000/gitea/acme/web.git' })!;
  assert.equal(req.url, `http://127.0.0.1:3000/gitea/api/v1/repos/acme/web/statuses/${sha}`);
});

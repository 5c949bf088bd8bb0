import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGitLab } from './gitlab.ts';
import { providerSpec, stackEvent } from '../test-fixtures.ts';

const sha = 'f'.repeat(40);
const spec = providerSpec('gitlab', { secretRef: { name: 'gl' } });
const event = stackEvent({ revision: `main@sha1:${sha}` });

test('the project path with subgroups as one encoded segment, PRIVATE-TOKEN, GitLab state names', () => {
  const req = buildGitLab(event, { spec, secret: { token: 'glpat-x' }, sourceUrl: 'ssh://git@gitlab.example.com/group/sub/web.git' })!;
  assert.equal(req.url, `https://gitlab.example.com/api/v4/projects/group%2Fsub%2Fweb/statuses/${sha}`);
  assert.deepEqual(req.headers, { 'Content-Type': 'application/json', 'PRIVATE-TOKEN': 'glpat-x' });
  assert.deepEqual(JSON.parse(req.body), { state: 'success', name: 'governor/stack/apps/web', description: 'Applied: applied 3 objects' });
});

test('failure is failed and Progressing is running', () => {
  const ctx = { spec, secret: { token: 't' }, sourceUrl: 'https://gitlab.com/g/p.git' };
  assert.equal(JSON.parse(buildGitLab({ ...event, severity: 'error' }, ctx)!.body).state, 'failed');
  assert.equal(JSON.parse(buildGitLab({ ...event, reason: 'Progressing' }, ctx)!.body).state, 'running');
  assert.equal(buildGitLab(event, ctx)!.url, `https://gitlab.com/api/v4/projects/g%2Fp/statuses/${sha}`);
});

test('the address is the API base', () => {
  const req = buildGitLab(event, { spec: { ...spec, address: 'https://gl.internal/api/v4' }, secret: { token: 't' }, sourceUrl: 'git@gitlab.com:g/p.git' })!;
  assert.equal(req.url, `https://gl.internal/api/v4/projects/g%2Fp/statuses/${sha}`);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProviderSpec } from '../../api/notification.ts';
import type { NotificationEvent } from '../event.ts';
import { buildGitea } from './gitea.ts';

const sha = '0'.repeat(40);
const spec: ProviderSpec = { type: 'gitea', timeout: '15s', suspend: false, secretRef: { name: 'gt' } };
const event: NotificationEvent = {
  involvedObject: { apiVersion: 'governor.dev/v1alpha1', kind: 'Stack', namespace: 'apps', name: 'web' },
  severity: 'info',
  reason: 'Progressing',
  message: 'applying',
  revision: `main@sha1:${sha}`,
  timestamp: '2025-01-01T00:00:00Z',
};

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

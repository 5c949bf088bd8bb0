import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NotificationEvent } from '../event.ts';
import { buildGeneric } from './generic.ts';
import { providerSpec } from '../test-fixtures.ts';

const spec = providerSpec('generic', { address: 'https://hooks.example/in?key=k' });
const event: NotificationEvent = {
  involvedObject: { apiVersion: 'governor.dev/v1alpha1', kind: 'Stack', namespace: 'apps', name: 'web', uid: 'u-1', labels: { a: 'b' } },
  severity: 'info',
  reason: 'Applied',
  message: 'applied',
  revision: 'main@sha1:' + 'c'.repeat(40),
  timestamp: '2025-01-01T00:00:00Z',
};

test('the event as JSON, summary added, in a stable field order', () => {
  const req = buildGeneric(event, { spec, secret: {}, summary: 'prod' });
  assert.equal(req?.url, 'https://hooks.example/in?key=k');
  assert.deepEqual(req?.headers, { 'Content-Type': 'application/json' });
  assert.equal(
    req?.body,
    JSON.stringify({
      involvedObject: event.involvedObject,
      severity: 'info',
      reason: 'Applied',
      message: 'applied',
      revision: event.revision,
      timestamp: event.timestamp,
      summary: 'prod',
    }),
  );
});

test('no revision or summary keys when there are none; the Secret address wins over spec.address', () => {
  const req = buildGeneric({ ...event, revision: undefined }, { spec, secret: { address: 'https://secret.example/hook' } });
  assert.equal(req?.url, 'https://secret.example/hook');
  assert.deepEqual(Object.keys(JSON.parse(req!.body)), ['involvedObject', 'severity', 'reason', 'message', 'timestamp']);
});

test('a Secret address that is not http(s) is refused without quoting it', () => {
  assert.throws(
    () => buildGeneric(event, { spec, secret: { address: 'ftp://user:hunter22@x' } }),
    (err: Error) => /not an http/.test(err.message) && !err.message.includes('hunter22'),
  );
});

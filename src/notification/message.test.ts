import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NotificationEvent } from './event.ts';
import { eventFacts, eventTitle, truncate } from './message.ts';

const event: NotificationEvent = {
  involvedObject: { apiVersion: 'governor.dev/v1alpha1', kind: 'Stack', namespace: 'apps', name: 'web' },
  severity: 'info',
  reason: 'Applied',
  message: 'applied',
  revision: 'main@sha1:' + 'a'.repeat(40),
  timestamp: '2025-01-01T00:00:00Z',
};

test('the title names kind, namespace/name and reason', () => {
  assert.equal(eventTitle(event), 'Stack apps/web: Applied');
});

test('facts: revision and summary, each only when present', () => {
  assert.deepEqual(eventFacts(event, 'prod-eu'), [
    { title: 'Revision', value: event.revision },
    { title: 'Summary', value: 'prod-eu' },
  ]);
  assert.deepEqual(eventFacts({ ...event, revision: undefined }, undefined), []);
});

test('truncate keeps short text, cuts long text with an ellipsis within the limit, never splits a surrogate pair', () => {
  assert.equal(truncate('short', 10), 'short');
  assert.equal(truncate('abcdefghij', 5), 'abcd…');
  assert.equal(truncate('😀😀😀😀', 3), '😀😀…');
  assert.equal(truncate('😀😀', 2), '😀😀', 'two code points fit even though the string has length 4');
});

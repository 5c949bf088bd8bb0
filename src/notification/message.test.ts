import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventFacts, eventTitle, truncate } from './message.ts';
import { stackEvent } from './test-fixtures.ts';

const event = stackEvent({ message: 'applied', revision: 'main@sha1:' + 'a'.repeat(40) });

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

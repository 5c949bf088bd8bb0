import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shouldTrigger } from './events.ts';

test('no filter, or an empty one, acts on every event, named or not', () => {
  assert.equal(shouldTrigger('github', 'push', undefined), true);
  assert.equal(shouldTrigger('github', 'release', []), true);
  assert.equal(shouldTrigger('generic-hmac', undefined, undefined), true);
  assert.equal(shouldTrigger('gitlab', undefined, []), true);
});

test('a filter acts only on the events it lists, case-insensitively', () => {
  assert.equal(shouldTrigger('github', 'push', ['push']), true);
  assert.equal(shouldTrigger('github', 'Push', ['push']), true);
  assert.equal(shouldTrigger('github', 'push', ['PUSH', 'release']), true);
  assert.equal(shouldTrigger('github', 'release', ['push']), false);
  assert.equal(shouldTrigger('generic-hmac', 'Deploy', ['deploy']), true);
  assert.equal(shouldTrigger('generic-hmac', 'build', ['deploy']), false);
});

test('with a filter, a call that names no event is ignored', () => {
  assert.equal(shouldTrigger('generic-hmac', undefined, ['deploy']), false);
  assert.equal(shouldTrigger('github', undefined, ['push']), false);
});

test('gitlab filters match the header form and the normalised form alike', () => {
  assert.equal(shouldTrigger('gitlab', 'push', ['Push Hook']), true);
  assert.equal(shouldTrigger('gitlab', 'push', ['push']), true);
  assert.equal(shouldTrigger('gitlab', 'tag_push', ['Tag Push Hook']), true);
  assert.equal(shouldTrigger('gitlab', 'tag_push', ['Push Hook']), false);
  assert.equal(shouldTrigger('gitlab', 'merge_request', ['push', 'tag_push']), false);
});

test('a GitHub ping never triggers, even when listed or unfiltered', () => {
  assert.equal(shouldTrigger('github', 'ping', undefined), false);
  assert.equal(shouldTrigger('github', 'ping', ['ping']), false);
  // Only GitHub gives "ping" that meaning.
  assert.equal(shouldTrigger('generic-hmac', 'ping', undefined), true);
});

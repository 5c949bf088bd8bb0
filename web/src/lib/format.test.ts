import { test } from 'node:test';
import assert from 'node:assert/strict';
import { absoluteTime, firstLine, formatDuration, plural, relativeTime, shortRevision, sourceLabel } from './format.ts';

const now = Date.parse('2026-05-01T12:00:00Z');

test('relativeTime', () => {
  assert.equal(relativeTime(undefined, now), '');
  assert.equal(relativeTime('garbage', now), '');
  assert.equal(relativeTime('2026-05-01T12:00:00Z', now), 'just now');
  assert.equal(relativeTime('2026-05-01T11:59:48Z', now), '12s ago');
  assert.equal(relativeTime('2026-05-01T11:57:00Z', now), '3m ago');
  assert.equal(relativeTime('2026-05-01T07:00:00Z', now), '5h ago');
  assert.equal(relativeTime('2026-04-29T12:00:00Z', now), '2d ago');
  assert.equal(relativeTime('2024-05-01T12:00:00Z', now), '2y ago');
  assert.equal(relativeTime('2026-05-01T12:03:00Z', now), 'in 3m');
});

test('absoluteTime', () => {
  assert.equal(absoluteTime('2026-05-01T12:00:00.123Z'), '2026-05-01 12:00:00 UTC');
  assert.equal(absoluteTime(undefined), '');
});

test('formatDuration', () => {
  assert.equal(formatDuration(undefined), '');
  assert.equal(formatDuration(0.85), '850 ms');
  assert.equal(formatDuration(4.23), '4.2 s');
  assert.equal(formatDuration(42.4), '42 s');
  assert.equal(formatDuration(185), '3m 05s');
  assert.equal(formatDuration(3720), '1h 02m');
});

test('shortRevision', () => {
  const sha = '1f2e3d4c5b6a79880123456789abcdef01234567';
  assert.equal(shortRevision(`main@sha1:${sha}`), 'main@sha1:1f2e3d4c5b6a');
  assert.equal(shortRevision(sha), '1f2e3d4c5b6a');
  assert.equal(shortRevision('v1.2.0'), 'v1.2.0');
  assert.equal(shortRevision(undefined), '');
});

test('firstLine and plural', () => {
  assert.equal(firstLine('Add web\n\nLonger body'), 'Add web');
  assert.equal(firstLine(undefined), '');
  assert.equal(plural(1, 'Stack'), '1 Stack');
  assert.equal(plural(5000, 'Stack'), '5,000 Stacks');
});

test('sourceLabel: the name alone in the namespace of the Stack, namespace/name elsewhere', () => {
  assert.equal(sourceLabel({ namespace: 'team-a', source: 'team-a/platform' }), 'platform');
  assert.equal(sourceLabel({ namespace: 'team-a', source: 'shared/platform' }), 'shared/platform');
  assert.equal(sourceLabel({ namespace: 'team', source: 'team-a/platform' }), 'team-a/platform');
});

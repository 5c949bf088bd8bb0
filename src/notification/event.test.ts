import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commitOf } from './event.ts';

test('commitOf reads the commit of a revision, sha1 or sha256, with or without a ref', () => {
  const sha1 = '1f2e'.repeat(10);
  const sha256 = 'ab'.repeat(32);
  assert.equal(commitOf(`main@sha1:${sha1}`), sha1);
  assert.equal(commitOf(`refs/tags/v1@sha256:${sha256}`), sha256);
  assert.equal(commitOf(`sha1:${sha1}`), sha1);
  assert.equal(commitOf('main'), undefined);
  assert.equal(commitOf(undefined), undefined);
  assert.equal(commitOf('main@sha1:abc'), undefined);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { WEBHOOK_PATH_PATTERN, webhookPath } from './path.ts';

test('the path is /hook/ and the sha256 of token, name and namespace, as Flux derives it', () => {
  const expected = createHash('sha256').update('s3cretwebappdefault').digest('hex');
  assert.equal(webhookPath('s3cret', 'webapp', 'default'), `/hook/${expected}`);
});

test('known vector: sha256("") for empty inputs', () => {
  assert.equal(webhookPath('', '', ''), '/hook/e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});

test('the path changes with the token, the name and the namespace', () => {
  const base = webhookPath('token', 'name', 'ns');
  assert.notEqual(webhookPath('token2', 'name', 'ns'), base);
  assert.notEqual(webhookPath('token', 'name2', 'ns'), base);
  assert.notEqual(webhookPath('token', 'name', 'ns2'), base);
});

test('every derived path matches the pattern the server accepts', () => {
  assert.match(webhookPath('t', 'n', 'ns'), WEBHOOK_PATH_PATTERN);
  assert.doesNotMatch('/hook/ABC', WEBHOOK_PATH_PATTERN);
  assert.doesNotMatch(`/hook/${'A'.repeat(64)}`, WEBHOOK_PATH_PATTERN);
  assert.doesNotMatch(`/hook/${'a'.repeat(64)}/`, WEBHOOK_PATH_PATTERN);
  assert.doesNotMatch(`/hook/${'a'.repeat(63)}`, WEBHOOK_PATH_PATTERN);
});

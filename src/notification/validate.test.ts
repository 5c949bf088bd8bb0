import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Provider, ProviderSpec } from '../api/notification.ts';
import { isCommitStatusType, validateProvider } from './validate.ts';

function provider(spec: Partial<ProviderSpec> & Pick<ProviderSpec, 'type'>): Provider {
  return { apiVersion: 'governor.dev/v1alpha1', kind: 'Provider', metadata: { name: 'p', namespace: 'apps' }, spec: { timeout: '15s', suspend: false, ...spec } };
}

test('chat and webhook types need an address, from the spec or the Secret', () => {
  assert.deepEqual(validateProvider(provider({ type: 'slack' })), [
    'a slack Provider needs an address: set spec.address or the key address in its Secret',
  ]);
  assert.deepEqual(validateProvider(provider({ type: 'discord', address: 'https://d.example/h' })), []);
  assert.deepEqual(validateProvider(provider({ type: 'msteams', secretRef: { name: 's' } }), { address: 'https://t.example/h' }), []);
  assert.deepEqual(validateProvider(provider({ type: 'generic', address: 'ftp://x' })), ['spec.address "ftp://x" is not an http:// or https:// URL']);
});

test('a Secret address that is not http(s) is reported without its value', () => {
  const problems = validateProvider(provider({ type: 'slack', secretRef: { name: 's' } }), { address: 'hooks.slack.com/services/SECRET' });
  assert.deepEqual(problems, ["the Secret's address is not an http:// or https:// URL"]);
});

test('generic-hmac and the Git types need a token', () => {
  assert.deepEqual(validateProvider(provider({ type: 'generic-hmac', address: 'https://h.example' })), [
    'a generic-hmac Provider needs an HMAC key: set spec.secretRef to a Secret with the key token',
  ]);
  assert.deepEqual(validateProvider(provider({ type: 'github', secretRef: { name: 'gh' } }), {}), [
    'a github Provider needs an API token: the key token in Secret "gh"',
  ]);
  assert.deepEqual(validateProvider(provider({ type: 'gitlab', secretRef: { name: 'gl' } }), { token: 'x' }), []);
  assert.deepEqual(validateProvider(provider({ type: 'gitea', secretRef: { name: 'gt' }, address: 'nope' }), { token: 'x' }), [
    'spec.address "nope" is not an http:// or https:// URL',
  ]);
});

test('a missing Secret is reported once, not as missing keys', () => {
  assert.deepEqual(validateProvider(provider({ type: 'github', secretRef: { name: 'gh' } }), undefined), ['Secret "gh" not found']);
  assert.deepEqual(validateProvider(provider({ type: 'slack', secretRef: { name: 'hook' } })), ['Secret "hook" not found']);
});

test('an unknown type is reported', () => {
  assert.deepEqual(validateProvider(provider({ type: 'pager' as ProviderSpec['type'] })), ['unknown provider type "pager"']);
});

test('isCommitStatusType', () => {
  assert.ok(isCommitStatusType('github') && isCommitStatusType('gitlab') && isCommitStatusType('gitea'));
  assert.ok(!isCommitStatusType('slack') && !isCommitStatusType('generic-hmac'));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { normaliseGitlabEvent, verifyWebhook } from './verify.ts';

const token = 'it-is-a-secret';
const body = Buffer.from('{"ref":"refs/heads/main"}');
const sign = (b: Buffer, key = token) => `sha256=${crypto.createHmac('sha256', key).update(b).digest('hex')}`;

test('github: a correct X-Hub-Signature-256 is accepted and names the X-GitHub-Event', () => {
  const r = verifyWebhook({ type: 'github', headers: { 'x-hub-signature-256': sign(body), 'x-github-event': 'push' }, body, token });
  assert.deepEqual(r, { ok: true, event: 'push' });
});

test('github: no event header verifies with an undefined event', () => {
  const r = verifyWebhook({ type: 'github', headers: { 'x-hub-signature-256': sign(body) }, body, token });
  assert.deepEqual(r, { ok: true, event: undefined });
});

test('github: a wrong, missing, malformed or other-algorithm signature is refused without a reason', () => {
  const bad: (string | undefined)[] = [
    sign(body, 'another-token'),
    sign(Buffer.from('{"ref":"refs/heads/evil"}')),
    undefined,
    '',
    'sha256=',
    'sha256=zz',
    sign(body).slice(0, -2),
    `sha1=${crypto.createHmac('sha1', token).update(body).digest('hex')}`,
    sign(body).replace('sha256=', ''),
  ];
  for (const sig of bad) {
    const reasons: string[] = [];
    const r = verifyWebhook({
      type: 'github',
      headers: { 'x-hub-signature-256': sig, 'x-github-event': 'push' },
      body,
      token,
      onReject: (why) => reasons.push(why),
    });
    assert.deepEqual(r, { ok: false }, `signature ${sig}`);
    assert.equal(reasons.length, 1);
    assert.ok(!reasons[0]!.includes(token));
  }
});

test('github: the signature of the raw bytes is checked, not of re-serialised JSON', () => {
  const spaced = Buffer.from('{ "ref" : "refs/heads/main" }');
  assert.deepEqual(verifyWebhook({ type: 'github', headers: { 'x-hub-signature-256': sign(body) }, body: spaced, token }), { ok: false });
});

test('an empty token never verifies, even with a matching HMAC or header', () => {
  const empty = '';
  assert.deepEqual(verifyWebhook({ type: 'github', headers: { 'x-hub-signature-256': sign(body, empty) }, body, token: empty }), { ok: false });
  assert.deepEqual(verifyWebhook({ type: 'gitlab', headers: { 'x-gitlab-token': '' }, body, token: empty }), { ok: false });
});

test('gitlab: the X-Gitlab-Token must equal the token', () => {
  assert.deepEqual(verifyWebhook({ type: 'gitlab', headers: { 'x-gitlab-token': token, 'x-gitlab-event': 'Push Hook' }, body, token }), {
    ok: true,
    event: 'push',
  });
  for (const given of [undefined, '', 'wrong', token.slice(0, -1), `${token}x`, token.toUpperCase()]) {
    assert.deepEqual(verifyWebhook({ type: 'gitlab', headers: { 'x-gitlab-token': given }, body, token }), { ok: false }, `token ${given}`);
  }
});

test('gitlab: event names are normalised to lower snake case without "Hook"', () => {
  assert.equal(normaliseGitlabEvent('Push Hook'), 'push');
  assert.equal(normaliseGitlabEvent('Tag Push Hook'), 'tag_push');
  assert.equal(normaliseGitlabEvent('Merge Request Hook'), 'merge_request');
  assert.equal(normaliseGitlabEvent('Pipeline Hook'), 'pipeline');
  assert.equal(normaliseGitlabEvent('Wiki Page Hook'), 'wiki_page');
  assert.equal(normaliseGitlabEvent('Some-New  Thing'), 'some_new_thing');
  assert.equal(normaliseGitlabEvent('push_hook'), 'push');
  assert.equal(normaliseGitlabEvent('push'), 'push');
  assert.equal(normaliseGitlabEvent(' Push Hook '), 'push');
});

test('generic-hmac: X-Signature sha256=<hex> of the body, and an optional X-Event', () => {
  assert.deepEqual(verifyWebhook({ type: 'generic-hmac', headers: { 'x-signature': sign(body) }, body, token }), { ok: true, event: undefined });
  assert.deepEqual(verifyWebhook({ type: 'generic-hmac', headers: { 'x-signature': sign(body), 'x-event': 'release' }, body, token }), {
    ok: true,
    event: 'release',
  });
  assert.deepEqual(verifyWebhook({ type: 'generic-hmac', headers: { 'x-signature': sign(body, 'nope') }, body, token }), { ok: false });
  assert.deepEqual(verifyWebhook({ type: 'generic-hmac', headers: {}, body, token }), { ok: false });
  const sha1 = `sha1=${crypto.createHmac('sha1', token).update(body).digest('hex')}`;
  assert.deepEqual(verifyWebhook({ type: 'generic-hmac', headers: { 'x-signature': sha1 }, body, token }), { ok: false });
  // A GitHub-style header does not stand in for the generic one.
  assert.deepEqual(verifyWebhook({ type: 'generic-hmac', headers: { 'x-hub-signature-256': sign(body) }, body, token }), { ok: false });
});

test('HMAC signatures are compared with timingSafeEqual on equal-length digests', (t) => {
  const spy = t.mock.method(crypto, 'timingSafeEqual');
  verifyWebhook({ type: 'github', headers: { 'x-hub-signature-256': sign(body, 'wrong') }, body, token });
  verifyWebhook({ type: 'generic-hmac', headers: { 'x-signature': sign(body) }, body, token });
  assert.equal(spy.mock.callCount(), 2);
  for (const call of spy.mock.calls) {
    const [a, b] = call.arguments as [Buffer, Buffer];
    assert.equal(a.length, 32);
    assert.equal(b.length, 32);
  }
  assert.equal(spy.mock.calls[0]!.result, false);
  assert.equal(spy.mock.calls[1]!.result, true);
});

test('the GitLab token is compared through sha256 of both sides, so its length does not show', (t) => {
  const spy = t.mock.method(crypto, 'timingSafeEqual');
  verifyWebhook({ type: 'gitlab', headers: { 'x-gitlab-token': 'x' }, body, token });
  verifyWebhook({ type: 'gitlab', headers: { 'x-gitlab-token': token.repeat(10) }, body, token });
  verifyWebhook({ type: 'gitlab', headers: { 'x-gitlab-token': token }, body, token });
  assert.equal(spy.mock.callCount(), 3);
  for (const call of spy.mock.calls) {
    const [a, b] = call.arguments as [Buffer, Buffer];
    assert.equal(a.length, 32);
    assert.equal(b.length, 32);
  }
  assert.deepEqual(
    spy.mock.calls.map((c) => c.result),
    [false, false, true],
  );
});

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSshKey, GitSshServer } from '../../test/git/ssh-server.ts';
import { isGovernorError } from '../errors.ts';
import { commandNames, sourceFixture, type SourceFixture } from './test-fixture.ts';

/** The fixture's repository (pushed to over HTTP) also served over SSH by a real sshd. */
async function sshFixture(t: TestContext): Promise<{ f: SourceFixture; ssh: GitSshServer; url: string; tmp: string }> {
  const tmp = await mkdtemp(join(tmpdir(), 'governor-source-tmp-'));
  t.after(() => rm(tmp, { recursive: true, force: true }));
  const f = await sourceFixture(t, { source: { tmpDir: tmp } });
  const ssh = await new GitSshServer({ root: f.server.root }).start();
  t.after(() => ssh.stop());
  return { f, ssh, url: ssh.url('repo'), tmp };
}

/** Everything an error exposes: none of it may contain key material. */
function exposed(err: unknown): string {
  const e = err as Error & { details?: unknown };
  return `${e.message} ${JSON.stringify(e.details)} ${e.stack ?? ''}`;
}

function keyBody(privateKey: string): string[] {
  // Every base64 line of the key; any one of them leaking would be a leak.
  return privateKey.split('\n').filter((l) => l !== '' && !l.startsWith('-----'));
}

test('ssh: the right key and known_hosts fetch the commit, and the key files are removed afterwards', async (t) => {
  const { f, ssh, url, tmp } = await sshFixture(t);
  const sha = await f.work.commit('over ssh', { 'apps/a.yaml': 'a: 1\n', 'b.txt': 'b\n' });
  const auth = { sshPrivateKey: ssh.clientPrivateKey, knownHosts: ssh.knownHosts };

  const a = await f.source.fetch({ url, ref: { branch: 'main' }, auth });
  assert.equal(a.sha, sha);
  assert.equal(a.revision, `main@sha1:${sha}`);
  assert.equal(a.commit.sha, sha);
  assert.equal(a.commit.message, 'over ssh');
  assert.equal(a.fetched, true);
  assert.equal(await readFile(join(a.dir, 'apps/a.yaml'), 'utf8'), 'a: 1\n');
  assert.equal(await readFile(join(a.dir, 'b.txt'), 'utf8'), 'b\n');
  assert.match(await ssh.log(), /Accepted publickey for root/);
  assert.deepEqual(await readdir(tmp), [], 'identity and known_hosts are removed after the operation');
  for (const e of f.commands) for (const line of keyBody(ssh.clientPrivateKey)) assert.ok(!e.args.join(' ').includes(line));

  // Unchanged head: only ls-remote, over ssh again.
  f.commands.length = 0;
  const again = await f.source.fetch({ url, ref: { branch: 'main' }, auth });
  assert.equal(again.fetched, false);
  assert.deepEqual(commandNames(f.commands), ['ls-remote']);
  assert.deepEqual(await readdir(tmp), []);
});

test('ssh: a key the server does not know is GitAuthFailed and the key is never echoed', async (t) => {
  const { f, ssh, url, tmp } = await sshFixture(t);
  await f.work.commit('private', { 'a.txt': 'a\n' });
  const wrong = await generateSshKey('not-authorized');

  const err = await f.source.fetch({ url, ref: { branch: 'main' }, auth: { sshPrivateKey: wrong.privateKey, knownHosts: ssh.knownHosts } }).catch((e: unknown) => e);
  assert.ok(isGovernorError(err, 'GitAuthFailed'), String(err));
  assert.match(err.message, /^authentication to ssh:\/\/root@127\.0\.0\.1:\d+\/.*\/repo\.git failed: .*Permission denied \(publickey\)/);
  const seen = exposed(err);
  for (const line of [...keyBody(wrong.privateKey), ...keyBody(ssh.clientPrivateKey)]) assert.ok(!seen.includes(line), seen);
  assert.deepEqual(await readdir(tmp), []);
});

test('ssh: a host key other than the one in known_hosts fails host key verification, revealing no secret', async (t) => {
  const { f, ssh, url, tmp } = await sshFixture(t);
  await f.work.commit('private', { 'a.txt': 'a\n' });
  const otherHost = await generateSshKey('another-host');

  const err = await f.source
    .fetch({ url, ref: { branch: 'main' }, auth: { sshPrivateKey: ssh.clientPrivateKey, knownHosts: `[127.0.0.1]:${ssh.port} ${otherHost.publicKey}` } })
    .catch((e: unknown) => e);
  assert.ok(isGovernorError(err, 'GitAuthFailed'), String(err));
  assert.match(
    err.message,
    /^host key verification failed for ssh:\/\/root@127\.0\.0\.1:\d+\/.*\/repo\.git: the server's ED25519 key SHA256:\S+ does not match the one in known_hosts$/,
  );
  assert.equal(err.details?.reason, 'HostKeyVerificationFailed');
  const seen = exposed(err);
  for (const line of keyBody(ssh.clientPrivateKey)) assert.ok(!seen.includes(line), seen);
  assert.doesNotMatch(await ssh.log(), /Accepted publickey/, 'the client never authenticated to an unverified host');
  assert.deepEqual(await readdir(tmp), []);

  // A known_hosts without any entry for this host is refused too (no trust on first use).
  const unknown = await f.source
    .fetch({ url, ref: { branch: 'main' }, auth: { sshPrivateKey: ssh.clientPrivateKey, knownHosts: `github.com ${otherHost.publicKey}` } })
    .catch((e: unknown) => e);
  assert.ok(isGovernorError(unknown, 'GitAuthFailed'), String(unknown));
  assert.match(unknown.message, /^host key verification failed for .*: known_hosts has no ED25519 key for \[127\.0\.0\.1\]:\d+$/);
  assert.deepEqual(await readdir(tmp), []);
});

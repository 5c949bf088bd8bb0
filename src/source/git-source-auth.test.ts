import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isGovernorError } from '../errors.ts';
import { sourceFixture } from './test-fixture.ts';

const creds = { username: 'alice', password: 's3cret/with:odd@chars and spaces' };

test('basic auth: the right credentials fetch, and leave no credential files behind', async (t) => {
  const f = await sourceFixture(t, { auth: creds, source: { tmpDir: await privateTmp(t) } });
  const sha = await f.work.commit('private', { 'a.txt': 'a\n' });
  const a = await f.source.fetch({ url: f.url, ref: { branch: 'main' }, auth: creds });
  assert.equal(a.sha, sha);
  assert.equal(await readFile(join(a.dir, 'a.txt'), 'utf8'), 'a\n');
  for (const e of f.commands) assert.ok(!e.args.join(' ').includes(creds.password), 'never on a command line');
  const mirrorConfig = await readFile(join(f.cacheDir, 'mirrors', (await readdir(join(f.cacheDir, 'mirrors')))[0] ?? '', 'config'), 'utf8');
  assert.ok(!mirrorConfig.includes(creds.password));
});

test('basic auth: wrong or missing credentials are GitAuthFailed and the password is never echoed', async (t) => {
  const tmp = await privateTmp(t);
  const f = await sourceFixture(t, { auth: creds, source: { tmpDir: tmp } });
  await f.work.commit('private', { 'a.txt': 'a\n' });

  const wrong = { username: 'alice', password: 'not-the-password-0xdeadbeef' };
  const err = await f.source.fetch({ url: f.url, ref: { branch: 'main' }, auth: wrong }).catch((e: unknown) => e);
  assert.ok(isGovernorError(err, 'GitAuthFailed'), String(err));
  assert.match(err.message, /authentication to http:\/\/127\.0\.0\.1:\d+\/repo\.git failed/);
  const seen = `${err.message} ${JSON.stringify(err.details)} ${err.stack ?? ''}`;
  assert.ok(!seen.includes(wrong.password) && !seen.includes(creds.password), seen);

  const none = await f.source.fetch({ url: f.url, ref: { branch: 'main' } }).catch((e: unknown) => e);
  assert.ok(isGovernorError(none, 'GitAuthFailed'), String(none));
  assert.deepEqual(await readdir(tmp), [], 'askpass and HOME are removed after each operation');
});

test('a bearer token is sent as an Authorization header, never on the command line', async (t) => {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers.authorization ?? '');
    res.writeHead(401, { 'www-authenticate': 'Bearer realm="test"' }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  const f = await sourceFixture(t);
  const token = 'tok-0123456789abcdef';

  const err = await f.source.fetch({ url: `http://127.0.0.1:${port}/repo.git`, auth: { bearerToken: token } }).catch((e: unknown) => e);
  assert.ok(isGovernorError(err, 'GitAuthFailed'), String(err));
  assert.ok(seen.includes(`Bearer ${token}`), JSON.stringify(seen));
  assert.ok(!err.message.includes(token));
  for (const e of f.commands) assert.ok(!e.args.join(' ').includes(token));
});

test('an ssh URL without a private key or known_hosts is refused clearly before running ssh', async (t) => {
  const f = await sourceFixture(t);
  await assert.rejects(
    f.source.fetch({ url: 'ssh://git@127.0.0.1:1/repo.git' }),
    (e) => isGovernorError(e, 'GitAuthFailed') && /needs a private key/.test(e.message),
  );
  await assert.rejects(
    f.source.fetch({ url: 'git@127.0.0.1:repo.git', auth: { sshPrivateKey: 'KEY' } }),
    (e) => isGovernorError(e, 'GitAuthFailed') && /known_hosts/.test(e.message),
  );
  assert.deepEqual(f.commands, []);
});

async function privateTmp(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'governor-source-tmp-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('ssh: the key and known_hosts reach ssh through files that are removed afterwards', async (t) => {
  const tmp = await privateTmp(t);
  const f = await sourceFixture(t, { source: { tmpDir: tmp } });
  const key = '-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key-0xfeedface\n-----END OPENSSH PRIVATE KEY-----';
  const err = await f.source
    .fetch({ url: 'ssh://git@127.0.0.1:1/repo.git', auth: { sshPrivateKey: key, knownHosts: '127.0.0.1 ssh-ed25519 AAAA' } })
    .catch((e: unknown) => e);
  // Nothing listens on port 1, so ssh itself ran and failed to connect.
  assert.ok(isGovernorError(err, 'GitOperationFailed'), String(err));
  assert.match(err.message, /^cannot reach ssh:\/\/git@127\.0\.0\.1:1\/repo\.git: ssh: connect to host/);
  assert.ok(!err.message.includes('0xfeedface'));
  assert.deepEqual(await readdir(tmp), []);
});

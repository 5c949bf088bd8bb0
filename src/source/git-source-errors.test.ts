import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { isGovernorError } from '../errors.ts';
import { sourceFixture } from './test-fixture.ts';

test('a repository that does not exist is GitRepositoryNotFound', async (t) => {
  const f = await sourceFixture(t);
  await assert.rejects(
    f.source.fetch({ url: f.server.url('missing') }),
    (e) => isGovernorError(e, 'GitRepositoryNotFound') && /missing\.git/.test(e.message),
  );
});

test('a branch or tag that does not exist is GitRefNotFound', async (t) => {
  const f = await sourceFixture(t);
  await f.work.commit('one', { 'a.txt': 'a\n' });
  await assert.rejects(
    f.source.fetch({ url: f.url, ref: { branch: 'nope' } }),
    (e) => isGovernorError(e, 'GitRefNotFound') && /branch "nope" not found/.test(e.message),
  );
  await assert.rejects(
    f.source.fetch({ url: f.url, ref: { tag: 'v9' } }),
    (e) => isGovernorError(e, 'GitRefNotFound') && /tag "v9" not found/.test(e.message),
  );
});

test('malformed refs are refused before git runs', async (t) => {
  const f = await sourceFixture(t);
  for (const ref of [{ branch: '--upload-pack=touch /tmp/x' }, { tag: 'a:b' }, { commit: 'abc123' }, { semver: 'not a range' }]) {
    await assert.rejects(f.source.fetch({ url: f.url, ref }), (e) => isGovernorError(e, 'InvalidSpec'), JSON.stringify(ref));
  }
  assert.deepEqual(f.commands, []);
});

test('an unreachable server is a clear error naming the URL', async (t) => {
  const f = await sourceFixture(t);
  const port = await closedPort();
  await assert.rejects(
    f.source.fetch({ url: `http://127.0.0.1:${port}/repo.git` }),
    (e) =>
      isGovernorError(e, 'GitOperationFailed') &&
      e.message.startsWith(`cannot reach http://127.0.0.1:${port}/repo.git:`) &&
      e.details.reason === 'Unreachable',
  );
});

test('a server that never answers is GitTimeout, and git is killed', async (t) => {
  const sockets: Socket[] = [];
  const closed: Promise<void>[] = [];
  const silent = createServer((socket) => {
    sockets.push(socket);
    // Read (and drop) the request, so the end of the connection is noticed.
    socket.resume();
    closed.push(new Promise((resolve) => socket.once('close', () => resolve())));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });
  const port = (silent.address() as { port: number }).port;
  const f = await sourceFixture(t);

  const started = Date.now();
  await assert.rejects(
    f.source.fetch({ url: `http://127.0.0.1:${port}/repo.git`, timeoutMs: 700 }),
    (e) => isGovernorError(e, 'GitTimeout') && /timed out after 700 ms/.test(e.message),
  );
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 650 && elapsed < 5000, `took ${elapsed} ms`);
  assert.ok(sockets.length > 0, 'git connected');
  // The connection closes only when git-remote-http, a grandchild, is dead too.
  await Promise.all(closed);
});

test('ext::, helper syntax and option-like URLs are refused without running git', async (t) => {
  const f = await sourceFixture(t);
  for (const url of ['ext::sh -c touch% /tmp/pwned', 'fd::17', 'foo::https://x/y', '-uploadpack=touch /tmp/x', '--upload-pack=x']) {
    await assert.rejects(f.source.fetch({ url }), (e) => isGovernorError(e, 'GitUrlRejected'), url);
  }
  assert.deepEqual(f.commands, []);
});

test('file:// URLs are refused unless allowed', async (t) => {
  const f = await sourceFixture(t);
  await f.work.commit('one', { 'a.txt': 'local\n' });
  const url = `file://${join(f.server.root, 'repo.git')}`;
  await assert.rejects(
    f.source.fetch({ url }),
    (e) => isGovernorError(e, 'GitUrlRejected') && /file:\/\/ URLs are disabled/.test(e.message),
  );
  const a = await f.newSource({ allowFileUrls: true }).fetch({ url, ref: { branch: 'main' } });
  assert.equal(await readFile(join(a.dir, 'a.txt'), 'utf8'), 'local\n');
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

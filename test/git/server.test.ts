import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitServer } from './server.ts';
import { WorkDir } from './workdir.ts';
import { git, runGit } from './exec.ts';

const creds = { username: 'alice', password: 's3cret/with:odd@chars' };

async function withTemp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'governor-clone-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('a repository pushed over HTTP is cloned back with the same commit and content', async (t) => {
  const server = await new GitServer().start();
  t.after(() => server.stop());
  const url = await server.createRepo('apps');
  const work = await WorkDir.create(url);
  t.after(() => work.remove());
  const sha = await work.commit('first', { 'deploy/app.yaml': 'kind: ConfigMap\n' });

  await withTemp(async (dir) => {
    await git(['clone', '--quiet', url, dir]);
    assert.equal((await git(['rev-parse', 'HEAD'], { cwd: dir })).trim(), sha);
    assert.equal(await readFile(join(dir, 'deploy/app.yaml'), 'utf8'), 'kind: ConfigMap\n');
  });
  const remoteHeads = await git(['ls-remote', url]);
  assert.match(remoteHeads, new RegExp(`^${sha}\\s+refs/heads/main$`, 'm'));
});

test('with basic auth, the right credentials clone and wrong or missing ones fail', async (t) => {
  const server = await new GitServer({ auth: creds }).start();
  t.after(() => server.stop());
  await server.createRepo('private');
  const work = await WorkDir.create(server.url('private', creds));
  t.after(() => work.remove());
  const sha = await work.commit('secret stuff', { 'a.txt': 'a\n' });

  await withTemp(async (dir) => {
    await git(['clone', '--quiet', server.url('private', creds), dir]);
    assert.equal((await git(['rev-parse', 'HEAD'], { cwd: dir })).trim(), sha);
  });
  const wrong = await runGit(['ls-remote', server.url('private', { ...creds, password: 'wrong' })]);
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.stderr, /Authentication failed|401/);
  const none = await runGit(['ls-remote', server.url('private')]);
  assert.notEqual(none.code, 0);
});

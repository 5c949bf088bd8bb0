import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { access, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { git } from '../../test/git/exec.ts';
import { commandNames, sourceFixture } from './test-fixture.ts';

test('an unchanged head costs one ls-remote and no fetch', async (t) => {
  const f = await sourceFixture(t);
  const sha = await f.work.commit('one', { 'a.txt': 'a\n' });
  const first = await f.source.fetch({ url: f.url, ref: { branch: 'main' } });
  assert.equal(first.fetched, true);
  assert.ok(commandNames(f.commands).includes('fetch'));

  f.commands.length = 0;
  const second = await f.source.fetch({ url: f.url, ref: { branch: 'main' } });
  assert.equal(second.fetched, false);
  assert.deepEqual(commandNames(f.commands), ['ls-remote']);
  assert.deepEqual(second, { ...first, fetched: false });
  assert.equal(second.sha, sha);
});

test('a new commit is picked up into a new directory and the old one stays', async (t) => {
  const f = await sourceFixture(t);
  await f.work.commit('one', { 'a.txt': 'one\n' });
  const first = await f.source.fetch({ url: f.url, ref: { branch: 'main' } });
  const sha = await f.work.commit('two', { 'a.txt': 'two\n', 'b.txt': 'b\n' });
  const second = await f.source.fetch({ url: f.url, ref: { branch: 'main' } });
  assert.equal(second.fetched, true);
  assert.equal(second.revision, `main@sha1:${sha}`);
  assert.notEqual(second.dir, first.dir);
  assert.equal(await readFile(join(second.dir, 'a.txt'), 'utf8'), 'two\n');
  assert.equal(await readFile(join(first.dir, 'a.txt'), 'utf8'), 'one\n');
});

test('one blobless mirror per URL: history blobs are never downloaded', async (t) => {
  const f = await sourceFixture(t);
  await f.work.commit('big', { 'old.bin': 'x'.repeat(100_000) });
  await f.work.commit('drop it', { 'old.bin': null, 'new.txt': 'new\n' });
  await f.source.fetch({ url: f.url, ref: { branch: 'main' } });

  const mirrors = await readdir(join(f.cacheDir, 'mirrors'));
  assert.deepEqual(mirrors, [createHash('sha256').update(f.url).digest('hex')]);
  const mirror = join(f.cacheDir, 'mirrors', mirrors[0] ?? '');
  const listing = await git(['rev-list', '--objects', '--all', '--missing=print'], { cwd: mirror });
  const missing = listing.split('\n').filter((l) => l.startsWith('?'));
  assert.equal(missing.length, 1, `only old.bin's blob is missing:\n${listing}`);
});

test('artifacts are shared by every caller of the same commit; other ignore rules get their own', async (t) => {
  const f = await sourceFixture(t);
  await f.work.commit('one', { 'a.txt': 'a\n', 'docs/x.md': 'x\n' });
  const a = await f.source.fetch({ url: f.url, ref: { branch: 'main' } });
  const b = await f.newSource().fetch({ url: f.url, ref: { branch: 'main' } });
  assert.equal(b.fetched, false);
  assert.equal(b.dir, a.dir);

  f.commands.length = 0;
  const c = await f.source.fetch({ url: f.url, ref: { branch: 'main' }, ignore: 'docs/\n' });
  assert.equal(c.fetched, true);
  assert.notEqual(c.dir, a.dir);
  assert.ok(!commandNames(f.commands).includes('fetch'), 'the mirror already had the commit');
});

test('concurrent fetches of one URL are serialised and fetch once', async (t) => {
  const f = await sourceFixture(t);
  await f.work.commit('one', { 'a.txt': 'a\n' });
  const results = await Promise.all([1, 2, 3, 4].map(() => f.source.fetch({ url: f.url, ref: { branch: 'main' } })));
  assert.equal(commandNames(f.commands).filter((c) => c === 'fetch').length, 1);
  assert.deepEqual(
    results.map((r) => r.fetched),
    [true, false, false, false],
  );
  assert.equal(new Set(results.map((r) => r.dir)).size, 1);
});

test('gc removes the artifacts of commits no longer in use', async (t) => {
  const f = await sourceFixture(t);
  await f.work.commit('one', { 'a.txt': 'one\n' });
  const first = await f.source.fetch({ url: f.url, ref: { branch: 'main' } });
  await f.work.commit('two', { 'a.txt': 'two\n' });
  const second = await f.source.fetch({ url: f.url, ref: { branch: 'main' } });

  const removed = await f.source.gc([second.sha]);
  assert.equal(removed.length, 1);
  assert.ok(removed[0]?.startsWith(first.sha));
  await assert.rejects(access(first.dir));
  await access(second.dir);
  // A removed artifact is simply materialised again from the mirror.
  const again = await f.source.fetch({ url: f.url, ref: { commit: first.sha } });
  assert.equal(await readFile(join(again.dir, 'a.txt'), 'utf8'), 'one\n');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { git } from '../../test/git/exec.ts';
import { isGovernorError } from '../errors.ts';
import { sourceFixture } from './test-fixture.ts';

test('a branch is fetched with its files, commit metadata and a Flux-style revision', async (t) => {
  const f = await sourceFixture(t);
  const sha = await f.work.commit('add app\n\nwith a body', {
    'deploy/app.yaml': 'kind: ConfigMap\n',
    'README.md': '# hi\n',
  });
  const a = await f.source.fetch({ url: f.url, ref: { branch: 'main' } });
  assert.equal(a.sha, sha);
  assert.equal(a.revision, `main@sha1:${sha}`);
  assert.equal(a.fetched, true);
  assert.equal(await readFile(join(a.dir, 'deploy/app.yaml'), 'utf8'), 'kind: ConfigMap\n');
  assert.deepEqual((await readdir(a.dir)).sort(), ['README.md', 'deploy']);
  assert.equal(a.commit.sha, sha);
  assert.equal(a.commit.message, 'add app\n\nwith a body');
  assert.equal(a.commit.author, 'Governor Test <test@governor.dev>');
  assert.match(a.commit.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok(Math.abs(Date.parse(a.commit.time) - Date.now()) < 10 * 60_000);
});

test('without a ref, the remote default branch is followed', async (t) => {
  const f = await sourceFixture(t);
  const sha = await f.work.commit('one', { 'a.txt': 'a\n' });
  const a = await f.source.fetch({ url: f.url });
  assert.equal(a.revision, `main@sha1:${sha}`);
});

test('a lightweight and an annotated tag resolve to their commits', async (t) => {
  const f = await sourceFixture(t);
  const first = await f.work.commit('one', { 'v.txt': '1\n' });
  await f.work.tag('light');
  const second = await f.work.commit('two', { 'v.txt': '2\n' });
  await git(['tag', '-a', 'annotated', '-m', 'an annotated tag'], { cwd: f.work.dir });
  await git(['push', '--quiet', 'origin', 'refs/tags/annotated'], { cwd: f.work.dir });
  await f.work.commit('three', { 'v.txt': '3\n' });

  const light = await f.source.fetch({ url: f.url, ref: { tag: 'light' } });
  assert.equal(light.revision, `light@sha1:${first}`);
  assert.equal(await readFile(join(light.dir, 'v.txt'), 'utf8'), '1\n');

  const annotated = await f.source.fetch({ url: f.url, ref: { tag: 'annotated' } });
  assert.equal(annotated.sha, second, 'the peeled commit, not the tag object');
  assert.equal(annotated.revision, `annotated@sha1:${second}`);
  assert.equal(annotated.commit.message, 'two');
  assert.equal(await readFile(join(annotated.dir, 'v.txt'), 'utf8'), '2\n');
});

test('a semver range picks the highest matching tag and ignores tags that are not versions', async (t) => {
  const f = await sourceFixture(t);
  const shas: Record<string, string> = {};
  for (const tag of ['v1.0.0', '1.2.0', 'v1.10.1', 'v2.0.0', 'v1.11.0-rc.1', 'latest']) {
    shas[tag] = await f.work.commit(tag, { 'version.txt': `${tag}\n` });
    await f.work.tag(tag);
  }
  const a = await f.source.fetch({ url: f.url, ref: { semver: '^1.0.0' } });
  assert.equal(a.revision, `v1.10.1@sha1:${shas['v1.10.1']}`);
  assert.equal(await readFile(join(a.dir, 'version.txt'), 'utf8'), 'v1.10.1\n');

  const b = await f.source.fetch({ url: f.url, ref: { semver: '>=1.0.0' } });
  assert.equal(b.revision, `v2.0.0@sha1:${shas['v2.0.0']}`);

  await assert.rejects(
    f.source.fetch({ url: f.url, ref: { semver: '>=3' } }),
    (e) => isGovernorError(e, 'GitRefNotFound') && /no tag .* satisfies/.test(e.message),
  );
});

test('a commit is fetched by SHA, alone or on a branch', async (t) => {
  const f = await sourceFixture(t);
  const old = await f.work.commit('old', { 'f.txt': 'old\n' });
  await f.work.commit('new', { 'f.txt': 'new\n' });

  const bare = await f.source.fetch({ url: f.url, ref: { commit: old } });
  assert.equal(bare.revision, `sha1:${old}`);
  assert.equal(await readFile(join(bare.dir, 'f.txt'), 'utf8'), 'old\n');

  const onBranch = await f.newSource({ cacheDir: `${f.cacheDir}/other` }).fetch({ url: f.url, ref: { commit: old, branch: 'main' } });
  assert.equal(onBranch.revision, `main@sha1:${old}`);
  assert.equal(await readFile(join(onBranch.dir, 'f.txt'), 'utf8'), 'old\n');
});

test('a commit that does not exist, or is not on the named branch, is GitRefNotFound', async (t) => {
  const f = await sourceFixture(t);
  await f.work.commit('main', { 'f.txt': 'main\n' });
  await git(['checkout', '--quiet', '-b', 'side'], { cwd: f.work.dir });
  await f.work.write({ 'f.txt': 'side\n' });
  await git(['commit', '--quiet', '-am', 'side'], { cwd: f.work.dir });
  await git(['push', '--quiet', 'origin', 'side'], { cwd: f.work.dir });
  const side = (await git(['rev-parse', 'HEAD'], { cwd: f.work.dir })).trim();

  await assert.rejects(
    f.source.fetch({ url: f.url, ref: { commit: 'f'.repeat(40) } }),
    (e) => isGovernorError(e, 'GitRefNotFound'),
  );
  await assert.rejects(
    f.source.fetch({ url: f.url, ref: { commit: side, branch: 'main' } }),
    (e) => isGovernorError(e, 'GitRefNotFound') && /not on refs\/heads\/main/.test(e.message),
  );
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isGovernorError } from '../errors.ts';
import { lsRemoteQuery, parseLsRemote, resolveRef } from './refs.ts';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const T = 'd'.repeat(40);

const listing = [
  `ref: refs/heads/main\tHEAD`,
  `${A}\tHEAD`,
  `${A}\trefs/heads/main`,
  `${B}\trefs/heads/feature/x`,
  `${A}\trefs/tags/light`,
  `${T}\trefs/tags/annotated`,
  `${C}\trefs/tags/annotated^{}`,
  `${A}\trefs/tags/v1.0.0`,
  `${B}\trefs/tags/v1.2.0`,
  `${T}\trefs/tags/1.3.0`,
  `${C}\trefs/tags/1.3.0^{}`,
  `${A}\trefs/tags/v2.0.0-rc.1`,
  `${A}\trefs/tags/release-candidate`,
  '',
].join('\n');
const remote = parseLsRemote(listing);

test('branches resolve to refs/heads with a Flux-style revision', () => {
  assert.deepEqual(resolveRef(remote, { branch: 'main' }), { sha: A, revision: `main@sha1:${A}`, fetchRef: 'refs/heads/main' });
  assert.equal(resolveRef(remote, { branch: 'feature/x' }).sha, B);
  assert.throws(() => resolveRef(remote, { branch: 'x' }), (e) => isGovernorError(e, 'GitRefNotFound'));
});

test('tags prefer the peeled commit of an annotated tag', () => {
  assert.deepEqual(resolveRef(remote, { tag: 'light' }), { sha: A, revision: `light@sha1:${A}`, fetchRef: 'refs/tags/light' });
  assert.equal(resolveRef(remote, { tag: 'annotated' }).sha, C);
  assert.throws(() => resolveRef(remote, { tag: 'v9' }), (e) => isGovernorError(e, 'GitRefNotFound'));
});

test('semver picks the highest satisfying tag, with or without a leading v', () => {
  assert.deepEqual(resolveRef(remote, { semver: '>=1.0.0' }), { sha: C, revision: `1.3.0@sha1:${C}`, fetchRef: 'refs/tags/1.3.0' });
  assert.equal(resolveRef(remote, { semver: '~1.2' }).revision, `v1.2.0@sha1:${B}`);
  assert.equal(resolveRef(remote, { semver: '>=2.0.0-0' }).revision, `v2.0.0-rc.1@sha1:${A}`);
  assert.throws(() => resolveRef(remote, { semver: '^3' }), (e) => isGovernorError(e, 'GitRefNotFound'));
  assert.throws(() => resolveRef(remote, { semver: 'banana' }), (e) => isGovernorError(e, 'InvalidSpec'));
});

test('a commit is used as given; with a branch, the branch must exist', () => {
  assert.deepEqual(resolveRef(remote, { commit: B.toUpperCase() }), { sha: B, revision: `sha1:${B}` });
  assert.deepEqual(resolveRef(remote, { commit: B, branch: 'main' }), { sha: B, revision: `main@sha1:${B}`, fetchRef: 'refs/heads/main' });
  assert.throws(() => resolveRef(remote, { commit: B, branch: 'gone' }), (e) => isGovernorError(e, 'GitRefNotFound'));
  assert.throws(() => resolveRef(remote, { commit: 'abc' }), (e) => isGovernorError(e, 'InvalidSpec'));
  const sha256 = 'e'.repeat(64);
  assert.equal(resolveRef(remote, { commit: sha256 }).revision, `sha256:${sha256}`);
});

test('precedence is commit, semver, tag, branch; no ref follows HEAD', () => {
  assert.equal(resolveRef(remote, { branch: 'main', tag: 'annotated' }).sha, C);
  assert.equal(resolveRef(remote, { tag: 'light', semver: '~1.2' }).sha, B);
  assert.deepEqual(resolveRef(remote, {}), { sha: A, revision: `main@sha1:${A}`, fetchRef: 'refs/heads/main' });
  assert.deepEqual(resolveRef(parseLsRemote(`${A}\tHEAD\n`), {}), { sha: A, revision: `HEAD@sha1:${A}`, fetchRef: 'HEAD' });
});

test('ls-remote is narrowed to what the ref needs, and bad names never reach it', () => {
  assert.deepEqual(lsRemoteQuery({ branch: 'main' }), { flags: [], patterns: ['refs/heads/main'] });
  assert.deepEqual(lsRemoteQuery({ tag: 'v1' }), { flags: [], patterns: ['refs/tags/v1', 'refs/tags/v1^{}'] });
  assert.deepEqual(lsRemoteQuery({ semver: '*' }), { flags: ['--tags'], patterns: [] });
  assert.deepEqual(lsRemoteQuery({}), { flags: ['--symref'], patterns: ['HEAD'] });
  for (const branch of ['-x', '--upload-pack=x', 'a:b', 'a b', 'a..b', 'a/', '.hidden', 'x.lock', 'a~1', 'a^', 'a*', 'a\nb']) {
    assert.throws(() => lsRemoteQuery({ branch }), (e) => isGovernorError(e, 'InvalidSpec'), branch);
  }
});

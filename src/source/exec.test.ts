import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isGovernorError } from '../errors.ts';
import { classifyGitError, GitExec, redactSecrets } from './exec.ts';
import { validateGitUrl } from './url.ts';

test("git's messages map to stable error codes", () => {
  const cases: [string, string][] = [
    ["fatal: Authentication failed for 'https://h/r.git/'", 'GitAuthFailed'],
    ["fatal: could not read Username for 'https://h': terminal prompts disabled", 'GitAuthFailed'],
    ["fatal: unable to access 'https://h/r.git/': The requested URL returned error: 403", 'GitAuthFailed'],
    ['git@h: Permission denied (publickey).', 'GitAuthFailed'],
    ['Host key verification failed.', 'GitAuthFailed'],
    ['remote: Repository not found.', 'GitRepositoryNotFound'],
    ["fatal: repository 'http://h/missing.git/' not found", 'GitRepositoryNotFound'],
    ["fatal: '/srv/x' does not appear to be a git repository", 'GitRepositoryNotFound'],
    ['fatal: couldn\'t find remote ref refs/heads/nope', 'GitRefNotFound'],
    ['fatal: remote error: upload-pack: not our ref ' + 'f'.repeat(40), 'GitRefNotFound'],
    ["fatal: unable to access 'https://h/': Failed to connect to h port 443: Connection timed out", 'GitTimeout'],
    ["fatal: unable to access 'https://h/': Could not resolve host: h", 'Unreachable'],
    ['fatal: the remote end hung up unexpectedly', 'GitOperationFailed'],
  ];
  for (const [stderr, code] of cases) assert.equal(classifyGitError(stderr), code, stderr);
});

test('secrets are redacted in every form they may appear in', () => {
  const secret = 'p@ss:word/1';
  const base64 = Buffer.from(secret).toString('base64');
  const text = `a ${secret} b ${encodeURIComponent(secret)} c ${base64} https://u:x@h/ Authorization: Bearer abc.def`;
  const out = redactSecrets(text, [secret]);
  assert.ok(!out.includes(secret) && !out.includes(encodeURIComponent(secret)) && !out.includes('abc.def'), out);
  assert.match(out, /https:\/\/\*\*\*@h\//);
});

test('a session runs git without inherited config and removes its private directory', async (t) => {
  const tmp = await mkdtemp(join(tmpdir(), 'governor-exec-'));
  t.after(() => rm(tmp, { recursive: true, force: true }));
  const exec = new GitExec({ gitBinary: 'git', allowFileUrls: false, tmpDir: tmp });
  const url = validateGitUrl('https://example.invalid/r.git', { allowFileUrls: false });
  const config = await exec.session(url, { username: 'u', password: 'pw' }, 10_000, async (git) => {
    const home = await readdir(tmp);
    assert.equal(home.length, 1);
    assert.deepEqual((await readdir(join(tmp, home[0] ?? ''))).sort(), ['askpass', 'home']);
    return (await git.run(['config', '--list', '--show-origin'])).stdout;
  });
  assert.match(config, /command line:\s+protocol\.ext\.allow=never/);
  assert.match(config, /command line:\s+protocol\.file\.allow=never/);
  assert.match(config, /command line:\s+core\.hookspath=\/dev\/null/i);
  assert.doesNotMatch(config, /^file:/m, 'no system, global or repository config');
  assert.deepEqual(await readdir(tmp), []);
});

test('a missing git binary is a clear error', async (t) => {
  const tmp = await mkdtemp(join(tmpdir(), 'governor-exec-'));
  t.after(() => rm(tmp, { recursive: true, force: true }));
  const exec = new GitExec({ gitBinary: '/nonexistent/git', allowFileUrls: false, tmpDir: tmp });
  const url = validateGitUrl('https://example.invalid/r.git', { allowFileUrls: false });
  await assert.rejects(
    exec.session(url, undefined, 10_000, (git) => git.run(['version'])),
    (e) => isGovernorError(e, 'GitOperationFailed') && /not found/.test(e.message),
  );
});

/**
 * Committing files into a Git repository for `bootstrap`: a private working copy, the real git
 * CLI spawned without a shell (through GitExec, so credentials travel by askpass or ssh files and
 * never on a command line), one commit when something changed, one push.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { GitExec, type GitAuth, type GitSession } from '../source/exec.ts';
import { validateGitUrl } from '../source/url.ts';

export interface CommitRequest {
  url: string;
  branch: string;
  /** Repository-relative path → content. */
  files: Map<string, string>;
  message: string;
  author: { name: string; email: string };
  auth?: GitAuth;
  allowFileUrls: boolean;
  timeoutMs: number;
}

export interface CommitResult {
  /** The branch's commit after the operation. */
  sha: string;
  /** False when the branch already held exactly these files: nothing was committed or pushed. */
  committed: boolean;
  /** The branch did not exist and was created (from the default branch, or empty). */
  createdBranch: boolean;
}

/** Normalises a repository path: no leading "./" or "/", no trailing "/", never outside the root. */
export function repoPath(path: string): string {
  const norm = posix.normalize(path.replace(/\\/g, '/')).replace(/^(\.\/)+/, '').replace(/^\/+/, '').replace(/\/+$/, '');
  if (norm === '..' || norm.startsWith('../')) throw new Error(`path "${path}" leads outside the repository`);
  return norm === '.' ? '' : norm;
}

/** Writes `files` on `branch` of the repository and pushes; a no-op when they are already there. */
export async function commitFiles(req: CommitRequest): Promise<CommitResult> {
  const url = validateGitUrl(req.url, { allowFileUrls: req.allowFileUrls });
  const exec = new GitExec({ gitBinary: 'git', allowFileUrls: req.allowFileUrls, tmpDir: tmpdir() });
  const work = await mkdtemp(join(tmpdir(), 'governor-bootstrap-'));
  try {
    return await exec.session(url, req.auth, req.timeoutMs, async (git) => {
      const run = (args: string[], allowFailure = false) => git.run(args, { cwd: work, allowFailure, env: identityEnv(req.author) });
      await run(['init', '--quiet', `--initial-branch=${req.branch}`, '.']);
      const remote = await lsRemote(git, work, req.url, req.branch);
      const base = remote.branch ?? remote.head;
      if (base) {
        await run(['fetch', '--quiet', '--no-tags', '--', req.url, base]);
        await run(['checkout', '--quiet', '-B', req.branch, 'FETCH_HEAD']);
      }
      const createdBranch = remote.branch === undefined;

      for (const [path, content] of req.files) {
        const file = join(work, ...path.split('/'));
        await mkdir(dirname(file), { recursive: true });
        await writeFile(file, content);
      }
      await run(['add', '--all', '--', ...req.files.keys()]);
      const diff = await run(['diff', '--cached', '--quiet'], true);
      const changed = diff.code !== 0 || base === undefined;
      if (changed) await run(['commit', '--quiet', '--no-verify', '-m', req.message]);
      if (changed || createdBranch) await run(['push', '--quiet', '--', req.url, `HEAD:refs/heads/${req.branch}`]);
      const sha = (await run(['rev-parse', 'HEAD'])).stdout.trim();
      return { sha, committed: changed, createdBranch };
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The branch's ref if it exists, else the default branch's (HEAD) if the repository has commits. */
async function lsRemote(git: GitSession, cwd: string, url: string, branch: string): Promise<{ branch?: string; head?: string }> {
  const ref = `refs/heads/${branch}`;
  const out = (await git.run(['ls-remote', '--', url, 'HEAD', ref], { cwd })).stdout;
  const refs = new Set(
    out
      .split('\n')
      .map((l) => l.split('\t')[1])
      .filter((r): r is string => r !== undefined),
  );
  return { branch: refs.has(ref) ? ref : undefined, head: refs.has('HEAD') ? 'HEAD' : undefined };
}

function identityEnv(author: { name: string; email: string }): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: author.name,
    GIT_COMMITTER_EMAIL: author.email,
  };
}

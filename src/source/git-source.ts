import { access, mkdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ErrorCodes, GovernorError } from '../errors.ts';
import { ArtifactCache, type CommitInfo } from './cache.ts';
import { GitExec, type GitAuth, type GitCommandEvent, type GitSession } from './exec.ts';
import { removeIgnored } from './ignore-rules.ts';
import { lsRemoteQuery, parseLsRemote, resolveRef, type GitRefSpec, type ResolvedRef } from './refs.ts';
import { KeyedSerializer } from './serialize.ts';
import { redactUrl, validateGitUrl, type GitUrl } from './url.ts';

export interface GitSourceOptions {
  /** Holds the mirrors and artifacts; survives restarts so an unchanged repository costs nothing. */
  cacheDir: string;
  /** file:// exposes the local disk; only for tests and out-of-cluster use. */
  allowFileUrls?: boolean;
  gitBinary?: string;
  /** Budget for one whole fetch (ls-remote, fetch, checkout) when the spec sets none. */
  defaultTimeoutMs?: number;
  /** Where the short-lived private directories for credentials go; the OS temp dir by default. */
  tmpDir?: string;
  maxStdoutBytes?: number;
  /** Observes every git process started (tests count fetches with it). */
  onGitCommand?: (event: GitCommandEvent) => void;
}

export interface FetchSpec {
  url: string;
  ref?: GitRefSpec;
  timeoutMs?: number;
  auth?: GitAuth;
  /** gitignore-syntax rules; matching files are left out of the artifact. */
  ignore?: string;
}

export interface Artifact {
  /** `main@sha1:<sha>`, `v1.2.0@sha1:<sha>` or `sha1:<sha>`. */
  revision: string;
  sha: string;
  /** The files at that commit, without .git. Shared with other callers: treat it as read-only. */
  dir: string;
  commit: CommitInfo;
  /** False when the artifact was already on disk and only `git ls-remote` ran. */
  fetched: boolean;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/** Fetches Git revisions into a content cache: one blobless mirror per URL, one directory per commit. */
export class GitSource {
  private readonly cache: ArtifactCache;
  private readonly git: GitExec;
  private readonly allowFileUrls: boolean;
  private readonly defaultTimeoutMs: number;
  // Per instance, not per module: two sources with different cache dirs never wait on each other.
  private readonly perUrl = new KeyedSerializer();

  constructor(options: GitSourceOptions) {
    this.cache = new ArtifactCache({ root: options.cacheDir });
    this.allowFileUrls = options.allowFileUrls ?? false;
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.git = new GitExec({
      gitBinary: options.gitBinary ?? 'git',
      allowFileUrls: this.allowFileUrls,
      tmpDir: options.tmpDir ?? tmpdir(),
      maxStdoutBytes: options.maxStdoutBytes,
      onCommand: options.onGitCommand,
    });
  }

  async fetch(spec: FetchSpec): Promise<Artifact> {
    const url = validateGitUrl(spec.url, { allowFileUrls: this.allowFileUrls });
    const ref = spec.ref ?? {};
    // Validates the ref before anything touches the network.
    lsRemoteQuery(ref);
    const ignore = spec.ignore?.trim() ? spec.ignore : undefined;
    const timeoutMs = spec.timeoutMs ?? this.defaultTimeoutMs;
    // One mirror per URL: concurrent fetches into it would race on refs and the partial-clone state.
    return this.perUrl.run(url.url, () =>
      this.git.session(url, spec.auth, timeoutMs, (git) => this.fetchWith(git, url, ref, ignore)),
    );
  }

  /** Removes artifacts of commits not in `keepShas`; returns the removed artifact keys. */
  gc(keepShas: Iterable<string>): Promise<string[]> {
    return this.cache.gc(keepShas);
  }

  private async fetchWith(git: GitSession, url: GitUrl, ref: GitRefSpec, ignore: string | undefined): Promise<Artifact> {
    const query = lsRemoteQuery(ref);
    const listed = await git.run(['ls-remote', ...query.flags, '--', url.url, ...query.patterns]);
    const resolved = resolveRef(parseLsRemote(listed.stdout), ref, redactUrl(url.url));

    const key = this.cache.artifactKey(resolved.sha, url.url, ignore);
    const cached = await this.cache.lookup(key);
    if (cached) return { revision: resolved.revision, sha: resolved.sha, dir: cached.dir, commit: cached.commit, fetched: false };

    const mirror = await this.ensureMirror(git, url);
    await this.fetchCommit(git, mirror, resolved, url);
    const commit = await readCommit(git, mirror, resolved.sha);

    const staging = await this.cache.staging('checkout');
    try {
      const tree = join(staging, 'tree');
      await mkdir(tree);
      // read-tree into an empty work tree with a throwaway index: git's own path safety checks,
      // one batched download of the missing blobs, and no export-ignore/export-subst surprises.
      await git.run(['read-tree', '-u', '--reset', resolved.sha], {
        gitDir: mirror,
        workTree: tree,
        env: { GIT_INDEX_FILE: join(staging, 'index') },
      });
      if (ignore) await removeIgnored(tree, ignore);
      const published = await this.cache.publish(key, tree, commit);
      return { revision: resolved.revision, sha: resolved.sha, dir: published.dir, commit, fetched: true };
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  private async ensureMirror(git: GitSession, url: GitUrl): Promise<string> {
    const mirror = this.cache.mirrorDir(url.url);
    if (await exists(join(mirror, 'HEAD'))) return mirror;
    await mkdir(dirname(mirror), { recursive: true });
    const staging = await this.cache.staging('mirror');
    try {
      const fresh = join(staging, 'mirror.git');
      await git.run(['init', '--bare', '--quiet', fresh]);
      // A named remote: the blobless mirror fetches missing blobs lazily from it during checkout.
      await git.run(['config', 'remote.origin.url', url.url], { gitDir: fresh });
      try {
        await rename(fresh, mirror);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
      }
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    return mirror;
  }

  private async fetchCommit(git: GitSession, mirror: string, resolved: ResolvedRef, url: GitUrl): Promise<void> {
    const src = resolved.fetchRef ?? resolved.sha;
    // A bare commit and a detached HEAD still get a local ref, so the objects are never unreferenced.
    let dst = resolved.fetchRef ?? `refs/governor/commits/${resolved.sha}`;
    if (dst === 'HEAD') dst = 'refs/governor/HEAD';
    const local = await git.run(['rev-parse', '--verify', '--quiet', `${dst}^{commit}`], { gitDir: mirror, allowFailure: true });
    const upToDate = local.code === 0 && (local.stdout.trim() === resolved.sha || resolved.fetchRef === undefined);
    if (!upToDate) {
      await git.run(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--filter=blob:none', 'origin', `+${src}:${dst}`], {
        gitDir: mirror,
      });
    }
    if (resolved.fetchRef === undefined || resolved.fetchRef.startsWith('refs/tags/')) return;
    // The branch may have moved since ls-remote (or, for a pinned commit, never held it).
    const onBranch = await git.run(['merge-base', '--is-ancestor', resolved.sha, dst], { gitDir: mirror, allowFailure: true });
    if (onBranch.code === 0) return;
    throw new GovernorError(
      ErrorCodes.GitRefNotFound,
      onBranch.code === 1
        ? `commit ${resolved.sha} is not on ${dst} in ${redactUrl(url.url)}`
        : `commit ${resolved.sha} not found in ${redactUrl(url.url)}`,
      { details: { sha: resolved.sha, ref: dst } },
    );
  }
}

async function readCommit(git: GitSession, mirror: string, sha: string): Promise<CommitInfo> {
  const out = await git.run(['log', '-1', '--no-show-signature', '--no-mailmap', '--format=%H%x00%an%x00%ae%x00%at%x00%B', sha, '--'], {
    gitDir: mirror,
  });
  const [full = sha, name = '', email = '', at = '0', ...body] = out.stdout.split('\0');
  const time = new Date(Number(at) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return { sha: full.trim(), message: body.join('\0').trimEnd(), author: `${name} <${email}>`, time };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface CommitInfo {
  sha: string;
  /** The full message, without its final newline. */
  message: string;
  /** `Name <email>`. */
  author: string;
  /** Author time, RFC 3339 in UTC. */
  time: string;
}

export interface CachedArtifact {
  sha: string;
  dir: string;
  commit: CommitInfo;
}

/** How long an abandoned staging directory (a crash mid-fetch) survives before gc removes it. */
const STALE_STAGING_MS = 60 * 60 * 1000;

/**
 * The on-disk layout under one cache root:
 *   mirrors/<sha256(url)>/                       one bare, blobless mirror per URL
 *   artifacts/<sha>-<scope>/                     the files at a commit, without .git
 *   artifacts/<sha>-<scope>.json                 that commit's metadata
 *   staging/                                     work in progress, renamed into place when complete
 * `scope` hashes the URL and the ignore rules: an artifact is reused only for the repository it
 * came from, so a hostile server that advertises someone else's SHA cannot read their cached files.
 */
export class ArtifactCache {
  readonly root: string;

  constructor(options: { root: string }) {
    this.root = options.root;
  }

  mirrorDir(url: string): string {
    return join(this.root, 'mirrors', sha256(url));
  }

  artifactKey(sha: string, url: string, ignore: string | undefined): string {
    return `${sha}-${sha256(`${url}\n${ignore ?? ''}`).slice(0, 16)}`;
  }

  artifactDir(key: string): string {
    return join(this.root, 'artifacts', key);
  }

  /** The artifact under `key` if it is complete (its metadata is written before it is moved in). */
  async lookup(key: string): Promise<CachedArtifact | undefined> {
    const dir = this.artifactDir(key);
    try {
      const [info, meta] = await Promise.all([stat(dir), readFile(`${dir}.json`, 'utf8')]);
      if (!info.isDirectory()) return undefined;
      const commit = JSON.parse(meta) as CommitInfo;
      return { sha: commit.sha, dir, commit };
    } catch {
      return undefined;
    }
  }

  /** A fresh directory on the cache's filesystem, so a finished result can be renamed into place. */
  async staging(prefix: string): Promise<string> {
    const parent = join(this.root, 'staging');
    await mkdir(parent, { recursive: true });
    return mkdtemp(join(parent, `${prefix}-`));
  }

  /**
   * Moves a complete tree in as the artifact `key`. If another process got there first, its copy
   * wins and ours is dropped: both hold the same commit.
   */
  async publish(key: string, tree: string, commit: CommitInfo): Promise<CachedArtifact> {
    const dir = this.artifactDir(key);
    await mkdir(join(this.root, 'artifacts'), { recursive: true });
    const metaTmp = `${dir}.json.${randomBytes(6).toString('hex')}`;
    await writeFile(metaTmp, `${JSON.stringify(commit, null, 2)}\n`);
    await rename(metaTmp, `${dir}.json`);
    try {
      await rename(tree, dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
      await rm(tree, { recursive: true, force: true });
    }
    return { sha: commit.sha, dir, commit };
  }

  /**
   * Removes every artifact whose commit is not in `keepShas`, and staging left behind by crashes.
   * Mirrors stay: they are what makes the next fetch cheap. Returns the removed artifact keys.
   */
  async gc(keepShas: Iterable<string>): Promise<string[]> {
    const keep = new Set([...keepShas].map((s) => s.toLowerCase()));
    const removed: string[] = [];
    const artifacts = join(this.root, 'artifacts');
    for (const name of await readdirOrEmpty(artifacts)) {
      const dash = name.indexOf('-');
      if (dash < 0 || keep.has(name.slice(0, dash))) continue;
      if (!name.endsWith('.json')) removed.push(name);
      await rm(join(artifacts, name), { recursive: true, force: true });
    }
    const staging = join(this.root, 'staging');
    for (const name of await readdirOrEmpty(staging)) {
      const path = join(staging, name);
      const info = await stat(path).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > STALE_STAGING_MS) await rm(path, { recursive: true, force: true });
    }
    return removed;
  }
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

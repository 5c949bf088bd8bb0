import type { TestContext } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git } from '../../test/git/exec.ts';
import { GitServer } from '../../test/git/server.ts';
import { WorkDir } from '../../test/git/workdir.ts';
import type { GitCommandEvent } from './exec.ts';
import { GitSource, type GitSourceOptions } from './git-source.ts';

export interface SourceFixture {
  server: GitServer;
  /** The repository's URL without credentials. */
  url: string;
  /** A working copy that pushes to it (with credentials in its remote if the server needs them). */
  work: WorkDir;
  source: GitSource;
  cacheDir: string;
  /** Every git command the source started, in order. */
  commands: GitCommandEvent[];
  /** Another GitSource on the same cache, recording into the same `commands`. */
  newSource(extra?: Partial<GitSourceOptions>): GitSource;
}

/**
 * A real Git server with one repository, a working copy and a GitSource on a fresh cache;
 * everything is stopped and removed when the test ends.
 */
export async function sourceFixture(
  t: TestContext,
  opts: { auth?: { username: string; password: string }; source?: Partial<GitSourceOptions> } = {},
): Promise<SourceFixture> {
  const server = await new GitServer(opts.auth ? { auth: opts.auth } : {}).start();
  t.after(() => server.stop());
  const url = await server.createRepo('repo');
  // Lets the blobless mirror really be blobless, as against GitHub or GitLab.
  await git(['config', 'uploadpack.allowFilter', 'true'], { cwd: join(server.root, 'repo.git') });
  const work = await WorkDir.create(opts.auth ? server.url('repo', opts.auth) : url);
  t.after(() => work.remove());
  const cacheDir = await mkdtemp(join(tmpdir(), 'governor-source-cache-'));
  t.after(() => rm(cacheDir, { recursive: true, force: true }));
  const commands: GitCommandEvent[] = [];
  const newSource = (extra: Partial<GitSourceOptions> = {}): GitSource =>
    new GitSource({ cacheDir, defaultTimeoutMs: 30_000, onGitCommand: (e) => commands.push(e), ...opts.source, ...extra });
  return { server, url, work, source: newSource(), cacheDir, commands, newSource };
}

/** The git subcommands recorded, e.g. ['ls-remote', 'fetch', …]. */
export function commandNames(events: readonly GitCommandEvent[]): string[] {
  return events.map((e) => e.command);
}

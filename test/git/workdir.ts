import { mkdir, mkdtemp, rm, writeFile, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { git } from './exec.ts';

/** A working copy for tests to commit files into and push to a GitServer repository. */
export class WorkDir {
  readonly dir: string;
  readonly remote: string;
  readonly branch: string;

  private constructor(dir: string, remote: string, branch: string) {
    this.dir = dir;
    this.remote = remote;
    this.branch = branch;
  }

  static async create(remote: string, branch = 'main'): Promise<WorkDir> {
    const dir = await mkdtemp(join(tmpdir(), 'governor-work-'));
    await git(['init', '--quiet', `--initial-branch=${branch}`, dir]);
    await git(['remote', 'add', 'origin', remote], { cwd: dir });
    return new WorkDir(dir, remote, branch);
  }

  /** Writes (or, with null, deletes) files relative to the repository root. */
  async write(files: Record<string, string | null>): Promise<void> {
    for (const [rel, content] of Object.entries(files)) {
      const path = join(this.dir, rel);
      if (content === null) {
        await unlink(path);
        continue;
      }
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, content);
    }
  }

  /** Stages everything, commits, pushes; returns the new commit SHA. */
  async commit(message: string, files?: Record<string, string | null>): Promise<string> {
    if (files) await this.write(files);
    await git(['add', '--all'], { cwd: this.dir });
    await git(['commit', '--quiet', '--allow-empty', '-m', message], { cwd: this.dir });
    await git(['push', '--quiet', 'origin', `HEAD:refs/heads/${this.branch}`], { cwd: this.dir });
    return (await git(['rev-parse', 'HEAD'], { cwd: this.dir })).trim();
  }

  async tag(name: string): Promise<void> {
    await git(['tag', name], { cwd: this.dir });
    await git(['push', '--quiet', 'origin', `refs/tags/${name}`], { cwd: this.dir });
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

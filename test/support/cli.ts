import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * The built command, as users run it: end-to-end tests exercise `bin/governor` (dist/, compiled
 * by `make build`, which `make test` runs first), not the TypeScript sources.
 */
export const GOVERNOR_BIN = fileURLToPath(new URL('../../bin/governor', import.meta.url));

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface GovernorRun {
  code: number;
  out: string;
  err: string;
}

/** `bin/governor ARGS` as a child process (colour off); resolves with the exit code and both streams. */
export function runGovernor(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; stdin?: string } = {}): Promise<GovernorRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(GOVERNOR_BIN, args, {
      cwd: opts.cwd ?? repoRoot,
      env: { ...process.env, NO_COLOR: '1', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, out, err }));
    child.stdin.end(opts.stdin ?? '');
  });
}

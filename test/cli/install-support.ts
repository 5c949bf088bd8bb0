/** Running `governor` as a child process (exit codes under test), optionally with stdin. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { GOVERNOR_BIN } from '../support/cli.ts';

export const root = fileURLToPath(new URL('../..', import.meta.url));

export interface ChildResult {
  code: number;
  out: string;
  err: string;
}

export function governor(args: string[], opts: { stdin?: string } = {}): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(GOVERNOR_BIN, [...args], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1' },
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

/** For assertion messages: everything the command printed. */
export function transcript(r: ChildResult): string {
  return `exit ${r.code}\n--- stdout ---\n${r.out}--- stderr ---\n${r.err}`;
}

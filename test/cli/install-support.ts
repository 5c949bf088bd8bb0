/** Running `governor` as a child process (exit codes under test), optionally with stdin. */
import { fileURLToPath } from 'node:url';
import { runGovernor } from '../support/cli.ts';

export const root = fileURLToPath(new URL('../..', import.meta.url));

export interface ChildResult {
  code: number;
  out: string;
  err: string;
}

export function governor(args: string[], opts: { stdin?: string } = {}): Promise<ChildResult> {
  return runGovernor(args, { cwd: root, stdin: opts.stdin });
}

/** For assertion messages: everything the command printed. */
export function transcript(r: ChildResult): string {
  return `exit ${r.code}\n--- stdout ---\n${r.out}--- stderr ---\n${r.err}`;
}

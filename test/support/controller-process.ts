import type { TestContext } from 'node:test';
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClusterInfo } from '../cluster/client.ts';
import { FatalWaitError, waitFor } from '../cluster/http.ts';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** Every controller child of this process: killed on exit even if a test's cleanup never ran. */
const live = new Set<ChildProcess>();
let hooked = false;

export interface ControllerProcess {
  child: ChildProcess;
  /** stdout and stderr of the process (pino JSON lines). */
  logFile: string;
  log(): string;
  /** SIGKILL, like the OOM killer or a node failure: no cleanup, no lease release. */
  kill(): Promise<void>;
  exited: Promise<void>;
}

/**
 * `governor controller` as a separate process (run from source on the Node that runs the test),
 * watching the given namespaces. Resolves once it logged that it started; killed after the test.
 */
export async function startControllerProcess(
  t: TestContext,
  info: ClusterInfo,
  opts: { namespaces: string[]; cacheDir?: string; args?: string[] },
): Promise<ControllerProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'governor-ctrlproc-'));
  const logFile = join(dir, 'controller.log');
  const fd = openSync(logFile, 'a');
  const args = [
    MAIN,
    'controller',
    '--kubeconfig', info.kubeconfigPath,
    ...opts.namespaces.flatMap((ns) => ['--namespace', ns]),
    '--install-crds',
    '--health-addr', '127.0.0.1:0',
    '--metrics-addr', '0',
    '--webhook-addr', '127.0.0.1:0',
    '--cache-dir', opts.cacheDir ?? join(dir, 'cache'),
    '--log-level', 'debug',
    ...(opts.args ?? []),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', fd, fd], env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
  closeSync(fd);
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
  live.add(child);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  void exited.then(() => live.delete(child));
  const log = () => readFileSync(logFile, 'utf8');
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  t.after(async () => {
    await kill();
    await rm(dir, { recursive: true, force: true });
  });
  try {
    await waitFor('the controller process to start', async () => {
      if (child.exitCode !== null || child.signalCode !== null) throw new FatalWaitError(`controller exited early (${child.exitCode ?? child.signalCode})`);
      return log().includes('"controller started"');
    }, 30_000, 100);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${log().slice(-4000)}`, { cause: err });
  }
  return { child, logFile, log, kill, exited };
}

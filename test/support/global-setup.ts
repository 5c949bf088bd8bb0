/**
 * node:test global setup: one control plane shared by every test file (a namespace per test),
 * and a PID log that proves afterwards that no process a test started is still running.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalCluster } from '../cluster/cluster.ts';
import { pidAlive } from '../cluster/process.ts';

interface State {
  cluster: LocalCluster;
  dir: string;
  pidLog: string;
}
// node:test hands nothing from globalSetup to globalTeardown, so the run's state lives here.
const state: { current?: State } = {};

export async function globalSetup(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'governor-test-run-'));
  const pidLog = join(dir, 'pids.log');
  await writeFile(pidLog, '');
  process.env.GOVERNOR_PID_LOG = pidLog;
  const started = Date.now();
  const cluster = await new LocalCluster({ nodes: 3, pidLog }).start();
  const infoPath = join(dir, 'cluster.json');
  await writeFile(infoPath, JSON.stringify(cluster.info()));
  process.env.GOVERNOR_TEST_CLUSTER = infoPath;
  console.log(`# shared test cluster ${cluster.bins.k8sVersion} ready in ${Date.now() - started} ms at ${cluster.server}`);
  state.current = { cluster, dir, pidLog };
}

export async function globalTeardown(): Promise<void> {
  const s = state.current;
  if (!s) return;
  await s.cluster.stop();
  const leftovers: string[] = [];
  for (const line of (await readFile(s.pidLog, 'utf8')).split('\n')) {
    const [pid] = line.split(' ');
    if (pid && pidAlive(Number(pid))) {
      leftovers.push(line);
      process.kill(Number(pid), 'SIGKILL');
    }
  }
  await rm(s.dir, { recursive: true, force: true });
  if (leftovers.length) {
    console.error(`# processes started by tests were still running after the run (now killed):\n#   ${leftovers.join('\n#   ')}`);
    process.exitCode = 1;
  }
}

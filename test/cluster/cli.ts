/**
 * `make cluster-up` / `make cluster-down`: a local control plane in the background for people
 * and scripts. `up` starts a detached supervisor (`serve`) and returns once the cluster is ready;
 * `down` asks the supervisor to stop everything and waits until it has.
 */
import { spawn } from 'node:child_process';
import { copyFile, mkdir, open, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { ensureBinaries } from './bins.ts';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LocalCluster } from './cluster.ts';
import { waitFor } from './http.ts';
import { pidAlive } from './process.ts';

interface Paths {
  dir: string;
  kubeconfig: string;
  pidFile: string;
  log: string;
}

function paths(dir: string): Paths {
  const d = resolve(dir);
  return { dir: d, kubeconfig: join(d, 'kubeconfig'), pidFile: join(d, 'supervisor.pid'), log: join(d, 'supervisor.log') };
}

async function supervisorPid(p: Paths): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(p.pidFile, 'utf8')).trim());
    return pid > 0 && pidAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function up(p: Paths, nodes: number): Promise<void> {
  await mkdir(p.dir, { recursive: true });
  if ((await supervisorPid(p)) && existsSync(p.kubeconfig)) {
    console.log(`cluster already running; kubeconfig: ${p.kubeconfig}`);
    return;
  }
  await rm(p.kubeconfig, { force: true });
  const log = await open(p.log, 'w');
  const child = spawn(process.execPath, [new URL(import.meta.url).pathname, 'serve', '--dir', p.dir, '--nodes', String(nodes)], {
    detached: true,
    stdio: ['ignore', log.fd, log.fd],
  });
  child.unref();
  await log.close();
  let died = false;
  child.once('exit', () => (died = true));
  console.log('starting the local cluster (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok)…');
  try {
    await waitFor('the local cluster', async () => {
      if (died) throw new Error('the supervisor exited');
      return existsSync(p.kubeconfig);
    }, 30 * 60_000, 500);
  } catch (err) {
    console.error(`cluster-up failed: ${(err as Error).message}\n--- ${p.log} ---\n${await readFile(p.log, 'utf8')}`);
    process.exitCode = 1;
    return;
  }
  // kubectl, kustomize and helm of the pinned versions, where a person can put them on PATH.
  const binDir = resolve(p.dir, '..', 'bin');
  await mkdir(binDir, { recursive: true });
  const bins = await ensureBinaries();
  for (const tool of ['kubectl', 'kustomize', 'helm'] as const) {
    await rm(join(binDir, tool), { force: true });
    await symlink(bins[tool], join(binDir, tool));
  }
  console.log(`cluster ready. kubeconfig: ${p.kubeconfig}\n  export PATH=${binDir}:$PATH\n  kubectl --kubeconfig ${p.kubeconfig} get nodes`);
}

async function serve(p: Paths, nodes: number): Promise<void> {
  const cluster = new LocalCluster({ nodes, dir: join(p.dir, 'data'), exitOnSignal: false });
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await rm(p.kubeconfig, { force: true });
    await cluster.stop();
    await rm(join(p.dir, 'data'), { recursive: true, force: true });
    await rm(p.pidFile, { force: true });
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGINT', () => void shutdown());
  await writeFile(p.pidFile, String(process.pid));
  await rm(join(p.dir, 'data'), { recursive: true, force: true });
  await cluster.start();
  await copyFile(cluster.kubeconfigPath, p.kubeconfig);
  console.log(`ready: ${cluster.server} (pids ${JSON.stringify(cluster.pids())})`);
  // Stay alive until a signal arrives.
  setInterval(() => undefined, 1 << 30);
}

async function down(p: Paths): Promise<void> {
  const pid = await supervisorPid(p);
  if (!pid) {
    console.log('no local cluster running');
    return;
  }
  process.kill(pid, 'SIGTERM');
  try {
    await waitFor('the local cluster to stop', async () => !pidAlive(pid), 60_000, 200);
  } catch {
    process.kill(-pid, 'SIGKILL');
  }
  console.log('local cluster stopped');
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const command = process.argv[2];
const p = paths(arg('--dir', '.governor/cluster'));
const nodes = Number(arg('--nodes', '3'));
if (command === 'up') await up(p, nodes);
else if (command === 'serve') await serve(p, nodes);
else if (command === 'down') await down(p);
else {
  console.error('usage: node test/cluster/cli.ts up|down [--dir DIR] [--nodes N]');
  process.exitCode = 2;
}

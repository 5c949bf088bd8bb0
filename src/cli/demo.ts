import { createWriteStream } from 'node:fs';
import { cp, mkdir, rm, symlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { LocalCluster } from '../../test/cluster/cluster.ts';
import { GitServer } from '../../test/git/server.ts';
import { WorkDir } from '../../test/git/workdir.ts';
import { API_VERSION, type Stack } from '../api/index.ts';
import { findCondition } from '../controller/conditions.ts';
import { runController, type RunningController } from '../controller/run.ts';
import { startDashboard, type RunningDashboard } from '../dashboard/server.ts';
import { connectionFrom, loadKubeConfig } from '../kube/config.ts';
import { createLogger } from '../log.ts';
import type { KubeObject } from '../kube/types.ts';
import type { CliIO } from './program.ts';

export interface DemoOptions {
  dir: string;
  examples: string;
  nodes: number;
  /** Where the dashboard listens; when taken, any free port. */
  dashboardAddr?: string;
}

const NS = 'governor-system';

/**
 * The GitRepository and the one Stack that make the example repository manage the demo cluster;
 * the other Stacks are in the repository itself (clusters/demo/stacks.yaml), as on a real platform.
 */
function demoObjects(url: string): KubeObject[] {
  const meta = (name: string) => ({ name, namespace: NS });
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
    { apiVersion: API_VERSION, kind: 'GitRepository', metadata: meta('platform'), spec: { url, ref: { branch: 'main' }, interval: '30s' } },
    {
      apiVersion: API_VERSION,
      kind: 'Stack',
      metadata: meta('cluster'),
      spec: { sourceRef: { name: 'platform' }, path: './clusters/demo', interval: '5m', prune: true },
    },
  ];
}

/** The Stacks the example repository defines, plus the one the demo creates. */
const EXPECTED_STACKS = ['cluster', 'infrastructure', 'hello', 'greeter'];

/**
 * The local playground: a real control plane, a Git server holding the example platform
 * repository, and the controller reconciling it. Runs until Ctrl-C, then stops everything.
 */
export async function runDemo(opts: DemoOptions, io: CliIO, signal: AbortSignal): Promise<void> {
  const dir = resolve(opts.dir);
  await mkdir(dir, { recursive: true });
  io.out('governor demo: starting a local Kubernetes control plane (first run builds it from source; later runs take seconds)…\n');
  const cluster = new LocalCluster({ nodes: opts.nodes, dir: join(dir, 'cluster'), exitOnSignal: false });
  const git = new GitServer();
  const logStream = createWriteStream(join(dir, 'controller.log'));
  let controller: RunningController | undefined;
  let dashboard: RunningDashboard | undefined;
  try {
    await rm(join(dir, 'cluster'), { recursive: true, force: true });
    await cluster.start();
    await git.start();
    const url = await git.createRepo('platform');
    const work = await WorkDir.create(url);
    await cp(opts.examples, work.dir, { recursive: true });
    const sha = await work.commit('Example platform repository');
    await work.remove();

    const binDir = join(dir, 'bin');
    await rm(binDir, { recursive: true, force: true });
    await mkdir(binDir, { recursive: true });
    for (const tool of ['kubectl', 'kustomize', 'helm'] as const) await symlink(cluster.bins[tool], join(binDir, tool));

    io.out(`Kubernetes ${cluster.bins.k8sVersion} is up with ${opts.nodes} kwok node(s); starting the controller…\n`);
    controller = await runController(
      {
        cluster: { kubeconfig: cluster.kubeconfigPath, inCluster: false },
        scope: { namespaces: [] },
        work: { concurrency: 4 },
        leaderElection: { enabled: false, namespace: NS, name: 'governor-controller', leaseDurationMs: 15_000 },
        endpoints: { metricsAddr: '127.0.0.1:0', healthAddr: '127.0.0.1:0' },
        source: { cacheDir: join(dir, 'cache'), allowFileUrls: false },
        render: { kustomizeBinary: cluster.bins.kustomize },
        installCrds: true,
        logLevel: 'info',
      },
      createLogger({ destination: logStream }),
    );
    const api = controller.manager.api;
    for (const obj of demoObjects(url)) await api.apply(obj);

    dashboard = await startDemoDashboard(cluster.kubeconfigPath, opts.dashboardAddr ?? '127.0.0.1:9090', createLogger({ destination: logStream, name: 'governor-dashboard' }));
    const link = `${dashboard.url}#login=${dashboard.loginCode ?? ''}`;
    io.out(`The dashboard is at ${link} (the link signs in once, as the cluster's admin)\n`);

    io.out('Waiting for the Stacks to become Ready…\n');
    const deadline = Date.now() + 180_000;
    let stacks: Stack[] = [];
    while (!signal.aborted && Date.now() < deadline) {
      stacks = (await api.listAll<Stack>(API_VERSION, 'Stack', NS)).items;
      const ready = stacks.filter((s) => findCondition(s.status?.conditions, 'Ready')?.status === 'True').map((s) => s.metadata.name);
      if (EXPECTED_STACKS.every((n) => ready.includes(n))) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    for (const s of stacks) {
      const ready = findCondition(s.status?.conditions, 'Ready');
      io.out(`  Stack ${NS}/${s.metadata.name.padEnd(16)} Ready=${ready?.status ?? 'Unknown'}  ${ready?.message ?? ''}\n`);
    }
    io.out(
      [
        '',
        `Git serves the example platform repository (commit ${sha.slice(0, 12)}) at ${url}`,
        `The controller logs to ${join(dir, 'controller.log')}`,
        `The dashboard: ${link}`,
        '',
        'Try:',
        `  export PATH=${binDir}:$PATH`,
        `  export KUBECONFIG=${cluster.kubeconfigPath}`,
        '  bin/governor get stacks -A                 # or: kubectl get stacks,gitrepositories -A',
        '  bin/governor tree stack hello -n governor-system',
        '  bin/governor diff stack hello -n governor-system --path <your clone>/apps/hello',
        '  kubectl get deploy,svc,cm -n team-a; kubectl get deploy -n team-b',
        `  git clone ${url} && cd platform   # edit infrastructure/settings.yaml (REPLICAS), commit, git push: rolled out within 30 s`,
        '  kubectl -n team-a scale deploy/hello --replicas=5       # drift: put back within a second',
        '  kubectl -n team-b delete configmap greeter-config      # drift: recreated at once',
        '  kubectl -n governor-system get events --field-selector reason=DriftDetected',
        '',
        'Press Ctrl-C to stop; everything started here is stopped and removed.',
        '',
      ].join('\n'),
    );
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    io.out('\ngovernor demo: stopping…\n');
  } finally {
    await dashboard?.close();
    await controller?.stop();
    await git.stop();
    await cluster.stop();
    await rm(join(dir, 'cluster'), { recursive: true, force: true });
    await new Promise<void>((r) => logStream.end(r));
  }
  io.out('governor demo: stopped.\n');
}

/** The dashboard as `governor dashboard` serves it, on the usual port when it is free. */
async function startDemoDashboard(kubeconfig: string, address: string, log: ReturnType<typeof createLogger>): Promise<RunningDashboard> {
  const connection = await connectionFrom(loadKubeConfig({ kubeconfig }));
  try {
    return await startDashboard({ address, connection, mode: 'kubeconfig', log });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    return startDashboard({ address: '127.0.0.1:0', connection, mode: 'kubeconfig', log });
  }
}

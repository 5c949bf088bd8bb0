import { cp, mkdir, readdir, rm, symlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { LocalCluster } from '../../test/cluster/cluster.ts';
import { GitServer } from '../../test/git/server.ts';
import { WorkDir } from '../../test/git/workdir.ts';
import type { CliIO } from './program.ts';

export interface DemoOptions {
  dir: string;
  examples: string;
  nodes: number;
}

/**
 * The local playground: a real control plane, a Git server holding the example platform
 * repository, and (as later capabilities land) the controller and dashboard. Runs until Ctrl-C.
 */
export async function runDemo(opts: DemoOptions, io: CliIO, signal: AbortSignal): Promise<void> {
  const dir = resolve(opts.dir);
  await mkdir(dir, { recursive: true });
  io.out('governor demo: starting a local Kubernetes control plane (first run builds it from source; later runs take seconds)…\n');
  const cluster = new LocalCluster({ nodes: opts.nodes, dir: join(dir, 'cluster') });
  const git = new GitServer();
  const cleanup = async () => {
    await git.stop();
    await cluster.stop();
    await rm(join(dir, 'cluster'), { recursive: true, force: true });
  };
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

    const files = await readdir(opts.examples, { recursive: true });
    io.out(
      [
        '',
        `Kubernetes ${cluster.bins.k8sVersion} is up at ${cluster.server} with ${opts.nodes} kwok node(s).`,
        `Git serves the example platform repository (${files.length} entries, commit ${sha.slice(0, 12)}) at ${url}`,
        '',
        'Try:',
        `  export PATH=${binDir}:$PATH KUBECONFIG=${cluster.kubeconfigPath}`,
        '  kubectl get nodes',
        `  git clone ${url} && ls platform/clusters/demo`,
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
    await cleanup();
  }
  io.out('governor demo: stopped.\n');
}

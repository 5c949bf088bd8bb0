/**
 * Shared setup of the action-verb tests (reconcile, suspend, resume, build, diff, check): the CLI
 * run as a child process exactly as a user runs it, and a Ready Stack managed by an in-process
 * controller.
 */
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { KubeApi } from '../../src/kube/api.ts';
import type { KubeObject } from '../../src/kube/types.ts';
import type { ClusterInfo } from '../cluster/client.ts';
import type { WorkDir } from '../git/workdir.ts';
import { testCluster, testNamespace } from '../support/cluster.ts';
import { gitFixture, gitRepository, readyAt, stack, startController, waitForStack } from '../support/controller.ts';
import type { StackInput } from '../../src/api/index.ts';
import { runGovernor } from '../support/cli.ts';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface Run {
  code: number;
  out: string;
  err: string;
}

export function governor(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return runGovernor(args, opts);
}

export const configMap = (ns: string, name: string, mode: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
  namespace: ${ns}
data:
  mode: ${mode}
`;

export interface ManagedStack {
  info: ClusterInfo;
  ns: string;
  api: KubeApi;
  work: WorkDir;
  sha: string;
  /** --kubeconfig and -n for the CLI. */
  flags: string[];
  getConfigMap(name: string): Promise<(KubeObject & { data?: Record<string, string> }) | undefined>;
}

/** GitRepository `platform` and Stack `web` (path ./apps/web) with the given files, Ready. */
export async function managedStack(t: TestContext, prefix: string, files: (ns: string) => Record<string, string>, spec: Partial<StackInput['spec']> = {}): Promise<ManagedStack> {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, prefix);
  const git = await gitFixture(t);
  const sha = await git.work.commit('web app', files(ns));
  const ctrl = await startController(t, info, { namespaces: [ns] });
  const { api } = ctrl;
  // Long intervals: anything that happens sooner is what the CLI asked for.
  await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1h', ref: { branch: 'main' } }));
  await api.apply(stack(ns, 'web', { sourceRef: { name: 'platform' }, path: './apps/web', interval: '1h', ...spec }));
  await waitForStack(api, ns, 'web', 'Ready', readyAt(sha));
  return {
    info,
    ns,
    api,
    work: git.work,
    sha,
    flags: ['--kubeconfig', info.kubeconfigPath, '-n', ns],
    getConfigMap: (name) => api.find({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name }),
  };
}

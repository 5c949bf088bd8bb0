/**
 * Shared setup of the read-verb tests (get, describe, tree, events, logs, export): a Ready Stack
 * in a fresh namespace, a kubeconfig whose context namespace is that namespace, and two ways to
 * run the CLI — in-process for speed, as a child process where the exit code is under test.
 */
import type { TestContext } from 'node:test';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { CommanderError } from 'commander';
import { buildProgram } from '../../src/cli/program.ts';
import { CliError } from '../../src/cli/context.ts';
import type { KubeApi } from '../../src/kube/api.ts';
import type { ClusterInfo } from '../cluster/client.ts';
import { testCluster, testNamespace } from '../support/cluster.ts';
import { gitFixture, gitRepository, readyAt, stack, startController, waitForStack, type TestController } from '../support/controller.ts';
import { GOVERNOR_BIN, runGovernor } from '../support/cli.ts';
import { spawn, type ChildProcess } from 'node:child_process';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** The CLI in this process, with main.ts's mapping of errors to exit codes. */
export async function runCli(args: string[]): Promise<CliResult> {
  let out = '';
  let err = '';
  const program = buildProgram({ out: (t) => (out += t), err: (t) => (err += t) });
  try {
    await program.parseAsync(['node', 'governor', ...args]);
    return { code: 0, out, err };
  } catch (e) {
    if (e instanceof CommanderError) return { code: e.exitCode === 0 ? 0 : 2, out, err };
    if (e instanceof CliError) return { code: e.exitCode, out, err: err + `error: ${e.message}\n` };
    return { code: 2, out, err: err + `error: ${(e as Error).message}\n` };
  }
}

/** `bin/governor ARGS` as a user runs it; resolves when it exits. */
export function runChild(args: string[]): Promise<CliResult> {
  return runGovernor(args);
}

/** A copy of the cluster's kubeconfig whose context namespace is ns, so -n is not needed. */
export async function kubeconfigFor(t: TestContext, info: ClusterInfo, ns: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'governor-cli-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const cfg = parse(await readFile(info.kubeconfigPath, 'utf8')) as { contexts: { context: { namespace?: string } }[] };
  for (const c of cfg.contexts) c.context.namespace = ns;
  const path = join(dir, 'kubeconfig');
  await writeFile(path, stringify(cfg));
  return path;
}

export const configMap = (ns: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
  namespace: ${ns}
data:
  mode: blue
`;

export const deployment = (ns: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${ns}
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
`;

export interface ReadyStack {
  info: ClusterInfo;
  ns: string;
  api: KubeApi;
  ctrl: TestController;
  sha: string;
  url: string;
  /** A kubeconfig whose context namespace is ns. */
  kubeconfig: string;
}

/** GitRepository `platform` and Stack `web` (a ConfigMap and a Deployment, wait: true), Ready. */
export async function readyStack(t: TestContext, prefix: string): Promise<ReadyStack> {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, prefix);
  const git = await gitFixture(t);
  const sha = await git.work.commit('web app', { 'apps/web/config.yaml': configMap(ns), 'apps/web/deployment.yaml': deployment(ns) });
  const ctrl = await startController(t, info, { namespaces: [ns] });
  await ctrl.api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '5m', ref: { branch: 'main' } }));
  await ctrl.api.apply(stack(ns, 'web', { sourceRef: { name: 'platform' }, path: './apps/web', interval: '10m', wait: true, timeout: '1m' }));
  await waitForStack(ctrl.api, ns, 'web', 'Ready', readyAt(sha));
  return { info, ns, api: ctrl.api, ctrl, sha, url: git.url, kubeconfig: await kubeconfigFor(t, info, ns) };
}

/** Splits a kubectl-style table into header cells and rows of cells, by the headers' columns. */
export function parseTable(text: string): { headers: string[]; rows: string[][] } {
  const lines = text.trimEnd().split('\n');
  const head = lines[0] ?? '';
  const starts: number[] = [];
  for (const m of head.matchAll(/\S+(?: \S+)*/g)) starts.push(m.index);
  const cut = (l: string) => starts.map((s, i) => l.slice(s, starts[i + 1]).trim());
  return { headers: cut(head), rows: lines.slice(1).map(cut) };
}

/**
 * `bin/governor ARGS` left running (a --watch), its output collected as it comes; killed after the
 * test if it is still running.
 */
export function spawnGovernor(t: TestContext, args: string[]): { child: ChildProcess; out(): string; err(): string; exited: Promise<number | null> } {
  const child = spawn(GOVERNOR_BIN, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  t.after(() => child.kill('SIGKILL'));
  return { child, out: () => out, err: () => err, exited };
}

/**
 * The benchmarks of issue 8 (`make bench`):
 *
 *   1. Many apps: N Stacks from one repository, one per app (Deployment with replicas 0,
 *      ServiceAccount, Service, ConfigMap), N = 100 and 1,000: commit to every Stack Ready.
 *   2. One big Stack of 1,000 and 5,000 objects: the first apply, then a change of 1% of them.
 *   3. Quiet cluster: the 1,000-app setup left alone for ten 5 s intervals: the controller's API
 *      requests (from the API server's audit log) and CPU seconds per interval.
 *   4. Drift: bench/drift-latency.ts, run as it is, its figures read back.
 *   5. Footprint: the controller's resident memory and CPU at N = 1,000 after settling.
 *   6. Dashboard: bench/dashboard.ts, run as it is (5,000 Stacks, the API and Chromium), its
 *      figures read back.
 *
 * Baseline, in the same run on the same control plane: a minimal client applying the same
 * objects with server-side apply, 64 at once, no logic. Governor's times are reported over it.
 *
 *   node bench/run.ts        (or: make bench)
 *
 * The controller runs as its own process (`governor controller`)
 * so its CPU and memory can be read from /proc; kube-controller-manager is stopped (see below). Everything started here is stopped in `finally` and on SIGINT.
 * Each wait has a deadline so the whole run stays under 30 minutes; whatever did not finish is
 * reported as such. Writes bench/results/latest.{json,md}.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { API_VERSION, type GitRepository, type Stack } from '../src/api/index.ts';
import type { KubeApi } from '../src/kube/api.ts';
import type { KubeObject } from '../src/kube/types.ts';
import { LocalCluster } from '../test/cluster/cluster.ts';
import { waitFor } from '../test/cluster/http.ts';
import { pidAlive } from '../test/cluster/process.ts';
import { GitServer } from '../test/git/server.ts';
import { WorkDir } from '../test/git/workdir.ts';
import { auditPosition, auditSince, countByVerbResource, type AuditEvent } from '../test/support/audit.ts';
import { appObjects, bigObject, changedIn, toYaml } from './manifests.ts';
import {
  baselineApply,
  connect,
  CONTROLLER_USER_AGENT,
  ControllerProcess,
  machine,
  metricSum,
  pool,
  procStats,
  ratio,
  requestReconcile,
  round,
  StackTracker,
  type ProcStats,
} from './support.ts';

const here = dirname(fileURLToPath(import.meta.url));
const resultsDir = join(here, 'results');

/** The whole run must end within 30 minutes; waits are cut so that what follows still fits. */
const BUDGET_MS = 28 * 60_000;
const APPS = [100, 1000] as const;
const BIG = [1000, 5000] as const;
const QUIET_INTERVAL_S = 5;
/** Workloads 3 and 5 run on the 1,000-app setup. */
const QUIET_APPS = 1000;
const QUIET_INTERVALS = 10;
const IDLE_WINDOW_S = 30;
/** Time kept back for what follows each stage (about 2 min for the drift benchmark, 1 for the dashboard one, 3 for workload 3). */
const RESERVE = { afterApps: 16 * 60_000, afterBig1000: 13 * 60_000, afterBig: 10 * 60_000, afterQuietSetup: 7 * 60_000, afterQuiet: 4 * 60_000 };

const started = Date.now();
const step = (what: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${what}`);
/** A wait's deadline: its own cap, or less if the run's budget minus what must still follow is smaller. */
const deadline = (capMs: number, reserveMs: number) => Math.max(10_000, Math.min(capMs, BUDGET_MS - (Date.now() - started) - reserveMs));

interface Timed {
  seconds: number | null;
  ready: number;
  of: number;
  p50: number | null;
  p90: number | null;
  waitedSeconds: number;
}

interface Env {
  cluster: LocalCluster;
  api: KubeApi;
  git: GitServer;
  ctrl: ControllerProcess;
  defer(fn: () => Promise<unknown> | unknown): void;
  /** A temporary directory to remove at once if a signal stops the run. */
  tempDir(dir: string): void;
}

const gitRepository = (ns: string, url: string, interval: string): KubeObject =>
  ({ apiVersion: API_VERSION, kind: 'GitRepository', metadata: { name: ns, namespace: ns }, spec: { url, interval, ref: { branch: 'main' } } }) as KubeObject;

const stack = (ns: string, name: string, path: string): KubeObject =>
  ({
    apiVersion: API_VERSION,
    kind: 'Stack',
    metadata: { name, namespace: ns },
    spec: { sourceRef: { name: ns }, path, interval: '1h', timeout: '10m' },
  }) as KubeObject;

async function namespaces(api: KubeApi, names: string[]): Promise<void> {
  for (const name of names) await api.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

async function repoAt(api: KubeApi, ns: string, sha: string): Promise<void> {
  await waitFor(`GitRepository ${ns} at ${sha.slice(0, 8)}`, async () => {
    const repo = await api.find<GitRepository>({ apiVersion: API_VERSION, kind: 'GitRepository', namespace: ns, name: ns });
    return (repo?.status?.artifact?.revision ?? '').endsWith(sha);
  }, 60_000, 250);
}

/**
 * One repository and its Stacks, brought to Ready at a first commit that renders nothing (a
 * README per Stack directory), so that what is timed afterwards is only a commit's way through.
 */
async function stacksAtPlaceholder(env: Env, ns: string, paths: Record<string, string>, deadlineMs: number): Promise<{ work: WorkDir; tracker: StackTracker; setup: Timed }> {
  const url = await env.git.createRepo(ns);
  const work = await WorkDir.create(url);
  env.defer(() => work.remove());
  env.tempDir(work.dir);
  const files: Record<string, string> = {};
  for (const path of Object.values(paths)) files[`${path}/README.md`] = `# ${path}\n`;
  const sha0 = await work.commit('placeholders', files);
  await env.api.apply(gitRepository(ns, url, '1h'));
  await repoAt(env.api, ns, sha0);
  const tracker = await StackTracker.start(env.api, ns);
  env.defer(() => tracker.stop());
  const names = Object.keys(paths);
  tracker.expect(sha0, names.length);
  await pool(names, 64, (name) => env.api.apply(stack(ns, name, `./${paths[name]}`)));
  const setup = await tracker.wait(deadlineMs);
  return { work, tracker, setup };
}

/** Commit, ask for a reconcile, and time until every Stack is Ready at the commit; with the controller's CPU meanwhile. */
async function timedCommit(env: Env, ns: string, work: WorkDir, tracker: StackTracker, count: number, files: Record<string, string>, deadlineMs: number): Promise<{ sha: string; timed: Timed; controllerCpuSeconds: number }> {
  const sha = await work.commit('bench', files);
  const cpu0 = env.ctrl.stats();
  tracker.expect(sha, count);
  await requestReconcile(env.api, ns, ns);
  const timed = await tracker.wait(deadlineMs);
  const cpu1 = env.ctrl.stats();
  return { sha, timed, controllerCpuSeconds: round(cpu1.cpuSeconds + cpu1.childCpuSeconds - cpu0.cpuSeconds - cpu0.childCpuSeconds, 2) };
}

// --- Workload 1 -------------------------------------------------------------------------------

/** N apps at a placeholder commit, then the commit of their objects, timed until every Stack is Ready. */
async function apps(env: Env, n: number, capMs: number, reserveMs: number) {
  const ns = `apps-${n}`;
  const paths: Record<string, string> = {};
  for (let i = 0; i < n; i++) paths[`app-${i}`] = `apps/app-${i}`;
  const { work, tracker, setup } = await stacksAtPlaceholder(env, ns, paths, deadline(capMs, reserveMs));
  step(`N=${n}: ${setup.ready}/${n} empty Stacks Ready in ${setup.waitedSeconds} s; committing ${4 * n} objects`);
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++) files[`apps/app-${i}/app.yaml`] = toYaml(appObjects(ns, i));
  const { sha, timed, controllerCpuSeconds } = await timedCommit(env, ns, work, tracker, n, files, deadline(capMs, reserveMs));
  step(`N=${n}: ${timed.ready}/${n} Stacks Ready ${timed.seconds !== null ? `in ${timed.seconds} s` : `(deadline, ${timed.waitedSeconds} s)`}`);
  return { timed, controllerCpuSeconds, setup, tracker, sha };
}

async function manyApps(env: Env, n: number, capMs: number, reserveMs: number) {
  const baseNs = `base-apps-${n}`;
  await namespaces(env.api, [`apps-${n}`, baseNs]);
  step(`W1 N=${n}: baseline applies ${4 * n} objects, 64 at once`);
  const baselineSeconds = round(await baselineApply(env.api, Array.from({ length: n }, (_, i) => appObjects(baseNs, i)).flat()), 2);
  step(`W1 N=${n}: baseline ${baselineSeconds} s; ${n} Stacks at a placeholder commit`);
  const w = await apps(env, n, capMs, reserveMs);
  return {
    apps: n,
    objects: 4 * n,
    governor: w.timed,
    baselineSeconds,
    ratio: ratio(w.timed.seconds, baselineSeconds),
    controllerCpuSeconds: w.controllerCpuSeconds,
    emptyStacksSetup: w.setup,
  };
}

// --- Workload 5 -------------------------------------------------------------------------------

/** RSS of a Node process that does nothing: what any Node program starts from. */
async function bareNodeRss(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
  try {
    await sleep(1500);
    return procStats(child.pid!).rssMiB;
  } finally {
    child.kill('SIGKILL');
  }
}

async function footprintIdle(env: Env, n: number) {
  step(`W5: controller settled at N=${n} (intervals 1h); ${IDLE_WINDOW_S} s idle window`);
  await sleep(10_000);
  const s0 = env.ctrl.stats();
  await sleep(IDLE_WINDOW_S * 1000);
  const s1 = env.ctrl.stats();
  const metrics = await env.ctrl.metrics();
  return {
    stacks: n,
    objects: 4 * n,
    rssMiB: s1.rssMiB,
    peakRssMiB: s1.peakRssMiB,
    heapUsedMiB: round(metricSum(metrics, 'governor_nodejs_heap_size_used_bytes') / 2 ** 20),
    idleCpuPercent: round(((s1.cpuSeconds - s0.cpuSeconds) / IDLE_WINDOW_S) * 100, 2),
    cpuSecondsSinceStart: round(s1.cpuSeconds, 1),
    childCpuSecondsSinceStart: round(s1.childCpuSeconds, 1),
    bareNodeRssMiB: await bareNodeRss(),
  };
}

// --- Workload 3 -------------------------------------------------------------------------------

type Timestamped = AuditEvent & { requestReceivedTimestamp?: string };

async function quiet(env: Env, n: number, tracker: StackTracker, sha: string, reserveMs: number) {
  const ns = `apps-${n}`;
  const interval = `${QUIET_INTERVAL_S}s`;
  step(`W3: GitRepository and ${n} Stacks to a ${interval} interval`);
  await env.api.mergePatch({ apiVersion: API_VERSION, kind: 'GitRepository', namespace: ns, name: ns }, { spec: { interval } });
  const stacks = await env.api.listAll<Stack>(API_VERSION, 'Stack', ns);
  await pool(stacks.items, 64, (s) => env.api.mergePatch({ apiVersion: API_VERSION, kind: 'Stack', namespace: ns, name: s.metadata.name }, { spec: { interval } }));
  const generation = new Map(stacks.items.map((s) => [s.metadata.name, (s.metadata.generation ?? 1) + 1]));
  tracker.expect(sha, n, (s) => (s.metadata.generation ?? 0) >= (generation.get(s.metadata.name) ?? 0));
  const settled = await tracker.wait(deadline(180_000, reserveMs));
  step(`W3: ${settled.ready}/${n} Stacks took the new interval in ${settled.waitedSeconds} s; two intervals of warm-up`);
  await sleep(2 * QUIET_INTERVAL_S * 1000);

  const path = env.cluster.auditLogPath;
  const marks: { at: number; cpu: ProcStats; stacks: number; repos: number }[] = [];
  const mark = async () => {
    const m = await env.ctrl.metrics();
    marks.push({ at: Date.now(), cpu: env.ctrl.stats(), stacks: metricSum(m, 'governor_reconcile_total', { kind: 'Stack' }), repos: metricSum(m, 'governor_reconcile_total', { kind: 'GitRepository' }) });
  };
  const from = await auditPosition(path);
  step(`W3: ${QUIET_INTERVALS} intervals of ${interval}, left alone`);
  await mark();
  for (let k = 0; k < QUIET_INTERVALS; k++) {
    await sleep(QUIET_INTERVAL_S * 1000 - (Date.now() - marks[marks.length - 1]!.at));
    await mark();
  }
  await sleep(1000); // the last requests' audit lines
  const events = (await auditSince(path, from, CONTROLLER_USER_AGENT)) as Timestamped[];
  const perInterval = marks.slice(1).map((end, k) => {
    const begin = marks[k]!;
    const requests = events.filter((e) => {
      const t = Date.parse(e.requestReceivedTimestamp ?? '');
      return t >= begin.at && t < end.at;
    });
    return {
      requests: requests.length,
      writes: requests.filter((e) => ['create', 'update', 'patch', 'delete'].includes(e.verb)).length,
      cpuSeconds: round(end.cpu.cpuSeconds - begin.cpu.cpuSeconds, 2),
      gitCpuSeconds: round(end.cpu.childCpuSeconds - begin.cpu.childCpuSeconds, 2),
      stackReconciles: end.stacks - begin.stacks,
      repoReconciles: end.repos - begin.repos,
    };
  });
  const inWindow = events.filter((e) => {
    const t = Date.parse(e.requestReceivedTimestamp ?? '');
    return t >= marks[0]!.at && t < marks[marks.length - 1]!.at;
  });
  const mean = (f: (x: (typeof perInterval)[number]) => number) => round(perInterval.reduce((a, x) => a + f(x), 0) / perInterval.length, 2);
  const last = marks[marks.length - 1]!.cpu;
  return {
    stacks: n,
    interval,
    intervals: QUIET_INTERVALS,
    settle: settled,
    requestsPerInterval: { mean: mean((x) => x.requests), min: Math.min(...perInterval.map((x) => x.requests)), max: Math.max(...perInterval.map((x) => x.requests)) },
    requestsPerStackPerInterval: round(mean((x) => x.requests) / n, 2),
    writesPerInterval: mean((x) => x.writes),
    cpuSecondsPerInterval: mean((x) => x.cpuSeconds),
    gitCpuSecondsPerInterval: mean((x) => x.gitCpuSeconds),
    stackReconcilesPerInterval: mean((x) => x.stackReconciles),
    repoReconcilesPerInterval: mean((x) => x.repoReconciles),
    byVerbResource: Object.fromEntries(countByVerbResource(inWindow).slice(0, 12)),
    perInterval,
    rssMiB: last.rssMiB,
    peakRssMiB: last.peakRssMiB,
  };
}

// --- Workload 2 -------------------------------------------------------------------------------

async function bigStack(env: Env, count: number, capMs: number, reserveMs: number) {
  const ns = `big-${count}`;
  const baseNs = `base-big-${count}`;
  await namespaces(env.api, [ns, baseNs]);

  step(`W2 ${count}: baseline applies ${count} objects, 64 at once`);
  const baselineFirst = round(await baselineApply(env.api, Array.from({ length: count }, (_, j) => bigObject(baseNs, j, 1))), 2);

  step(`W2 ${count}: baseline ${baselineFirst} s; one Stack at a placeholder commit`);
  const { work, tracker } = await stacksAtPlaceholder(env, ns, { big: 'big' }, 60_000);
  const files: Record<string, string> = {};
  for (let j = 0; j < count; j++) files[`big/obj-${j}.yaml`] = toYaml([bigObject(ns, j, 1)]);
  const first = await timedCommit(env, ns, work, tracker, 1, files, deadline(capMs, reserveMs));
  step(`W2 ${count}: first apply ${first.timed.seconds !== null ? `${first.timed.seconds} s` : `not done by the deadline (${first.timed.waitedSeconds} s)`}`);

  const changed = Array.from({ length: count }, (_, j) => j).filter(changedIn);
  let change: { timed: Timed; controllerCpuSeconds: number } | undefined;
  if (first.timed.seconds !== null) {
    const edits: Record<string, string> = {};
    for (const j of changed) edits[`big/obj-${j}.yaml`] = toYaml([bigObject(ns, j, 2)]);
    change = await timedCommit(env, ns, work, tracker, 1, edits, deadline(capMs, reserveMs));
    step(`W2 ${count}: change of ${changed.length} objects ${change.timed.seconds !== null ? `${change.timed.seconds} s` : 'not done by the deadline'}`);
  }
  // The physical limit of the change: applying just the changed objects. And what a client
  // without any logic would do: apply everything again.
  const baselineChange = round(await baselineApply(env.api, changed.map((j) => bigObject(baseNs, j, 2))), 3);
  const baselineReapplyAll = round(await baselineApply(env.api, Array.from({ length: count }, (_, j) => bigObject(baseNs, j, 2))), 2);
  const stats = env.ctrl.stats();
  return {
    objects: count,
    first: { governor: first.timed, baselineSeconds: baselineFirst, ratio: ratio(first.timed.seconds, baselineFirst), controllerCpuSeconds: first.controllerCpuSeconds },
    change: {
      changedObjects: changed.length,
      governor: change?.timed ?? null,
      controllerCpuSeconds: change?.controllerCpuSeconds ?? null,
      baselineSeconds: baselineChange,
      ratio: ratio(change?.timed.seconds, baselineChange),
      baselineReapplyAllSeconds: baselineReapplyAll,
      ratioToReapplyAll: ratio(change?.timed.seconds, baselineReapplyAll),
    },
    controllerRssMiBAfter: stats.rssMiB,
  };
}

// --- Workload 4 -------------------------------------------------------------------------------

async function drift(children: Set<ChildProcess>) {
  step('W4: bench/drift-latency.ts (its own control plane)');
  const child = spawn(process.execPath, [join(here, 'drift-latency.ts')], { stdio: 'inherit' });
  children.add(child);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  children.delete(child);
  if (code !== 0) throw new Error(`drift-latency.ts exited with ${code}`);
  const r = JSON.parse(await readFile(join(resultsDir, 'drift-latency.json'), 'utf8')) as {
    correction: { p50: number; p99: number };
    baselineWatch: { p50: number; p99: number };
    ratioToBaseline: { p50: number | null; p99: number | null };
    workload: Record<string, unknown>;
  };
  return { workload: r.workload, correctionMs: r.correction, baselineWatchMs: r.baselineWatch, ratio: r.ratioToBaseline };
}

// --- Workload 6 -------------------------------------------------------------------------------

interface DashboardResult {
  workload: Record<string, unknown>;
  api: Record<'stacksPage' | 'overview', { firstRequestMs: number; warmMs: { p50: number; p90: number }; bytes: number }>;
  baselineRawList: { ms: { p50: number }; bytes: number };
  ratioToRawList: { warmTime: number | null; firstRequestTime: number | null; bytes: number | null };
  browser: { scrollToRow: number; median: Record<'navigationToFirstRowMs' | 'navigationToFilteredMs' | 'typeToFilteredMs' | 'scrollToRowMs', { p50: number }> };
}

async function dashboard(children: Set<ChildProcess>) {
  step('W6: bench/dashboard.ts (its own control plane and Chromium)');
  const child = spawn(process.execPath, [join(here, 'dashboard.ts')], { stdio: 'inherit' });
  children.add(child);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  children.delete(child);
  if (code !== 0) throw new Error(`dashboard.ts exited with ${code}`);
  const r = JSON.parse(await readFile(join(resultsDir, 'dashboard.json'), 'utf8')) as DashboardResult;
  return { workload: r.workload, api: r.api, baselineRawList: r.baselineRawList, ratio: r.ratioToRawList, browser: r.browser };
}

// --- Control planes ---------------------------------------------------------------------------

/**
 * What a signal must stop at once: the process groups started and the temporary directories.
 * The async cleanups cannot run then (the cluster harness exits the process on SIGINT).
 */
const running = { groups: new Set<() => number[]>(), dirs: new Set<() => string>() };

function stopNow(): void {
  const pids = [...running.groups].flatMap((f) => f()).filter((pid) => pid > 0);
  for (const pid of pids) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  const until = Date.now() + 3000;
  const nap = new Int32Array(new SharedArrayBuffer(4));
  while (pids.some(pidAlive) && Date.now() < until) Atomics.wait(nap, 0, 0, 50);
  for (const dir of running.dirs) {
    const d = dir();
    if (d) rmSync(d, { recursive: true, force: true, maxRetries: 3 });
  }
}

async function withControlPlane<T>(what: string, opts: { auditLog: boolean; namespaces: string[] }, body: (env: Env) => Promise<T>): Promise<T> {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  const cluster = new LocalCluster({ auditLog: opts.auditLog });
  let ctrl: ControllerProcess | undefined;
  let git: GitServer | undefined;
  const groups = () => [...Object.values(cluster.pids()), ctrl?.pid ?? 0];
  const dirs = [() => cluster.dir, () => ctrl?.dir ?? '', () => git?.root ?? ''];
  running.groups.add(groups);
  for (const d of dirs) running.dirs.add(d);
  try {
    step(`${what}: starting a control plane, a Git server and the controller process`);
    cleanups.push(() => cluster.stop());
    await cluster.start();
    // Its Deployment controller makes a ReplicaSet per Deployment at 20 requests a second, minutes
    // of work after every thousand Deployments that would spill from one measurement into the
    // next. Nothing measured needs it: replicas are 0 and Stacks do not wait for health.
    await cluster.stopComponent('kube-controller-manager');
    const { client, api } = await connect(cluster.info().kubeconfigPath, 'governor-bench');
    cleanups.push(() => client.close());
    git = await new GitServer().start();
    cleanups.push(() => git?.stop());
    ctrl = await ControllerProcess.start({ kubeconfig: cluster.info().kubeconfigPath, namespaces: opts.namespaces, kustomize: cluster.bins.kustomize });
    cleanups.push(() => ctrl?.stop());
    k8sVersion = cluster.bins.k8sVersion;
    const env: Env = {
      cluster,
      api,
      git,
      ctrl,
      defer: (fn) => cleanups.push(fn),
      tempDir: (dir) => {
        const d = () => dir;
        running.dirs.add(d);
        cleanups.push(() => running.dirs.delete(d));
      },
    };
    return await body(env);
  } finally {
    step(`${what}: stopping`);
    await runCleanups(cleanups);
    running.groups.delete(groups);
    for (const d of dirs) running.dirs.delete(d);
  }
}

let k8sVersion = 'unknown';

async function runCleanups(list: (() => Promise<unknown> | unknown)[]): Promise<void> {
  for (const fn of list.splice(0).reverse()) {
    try {
      await fn();
    } catch (err) {
      console.error(`cleanup: ${(err as Error).message}`);
    }
  }
}

/** Runs one part; a failure is recorded and the run goes on with the next. */
async function attempt<T>(what: string, errors: Record<string, string>, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    errors[what] = (err as Error).message.split('\n')[0]!;
    console.error(`${what} failed: ${(err as Error).stack ?? String(err)}`);
    return undefined;
  }
}

// --- Report -----------------------------------------------------------------------------------

type Results = Awaited<ReturnType<typeof collect>>;

const secs = (t: Timed | null | undefined): string =>
  !t ? '–' : t.seconds !== null ? `${t.seconds} s` : `not done: ${t.ready}/${t.of} after ${t.waitedSeconds} s`;
const x = (r: number | null | undefined): string => (r == null ? '–' : `${r}×`);

function table(r: Results): string[][] {
  const rows: string[][] = [];
  for (const w of r.manyApps) {
    rows.push([`1. Many apps, N = ${w.apps} (${w.objects} objects)`, 'commit → every Stack Ready', secs(w.governor), `${w.baselineSeconds} s`, x(w.ratio)]);
  }
  for (const w of r.bigStack) {
    rows.push([`2. One Stack of ${w.objects}`, 'first apply', secs(w.first.governor), `${w.first.baselineSeconds} s`, x(w.first.ratio)]);
    rows.push([
      `2. One Stack of ${w.objects}`,
      `change of 1% (${w.change.changedObjects})`,
      secs(w.change.governor),
      `${w.change.baselineSeconds} s (all again: ${w.change.baselineReapplyAllSeconds} s)`,
      `${x(w.change.ratio)} (${x(w.change.ratioToReapplyAll)})`,
    ]);
  }
  const q = r.quiet;
  if (q) {
    rows.push([`3. Quiet, ${q.stacks} Stacks, interval ${q.interval}`, 'API requests per interval', `${q.requestsPerInterval.mean} (${q.requestsPerInterval.min}–${q.requestsPerInterval.max}); ${q.requestsPerStackPerInterval} per Stack`, '–', '–']);
    rows.push([`3. Quiet, ${q.stacks} Stacks, interval ${q.interval}`, 'controller CPU per interval', `${q.cpuSecondsPerInterval} s (+ git ${q.gitCpuSecondsPerInterval} s)`, '–', '–']);
  }
  const d = r.drift;
  if (d) rows.push(['4. Drift, 100 edits', 'edit → corrected p50 / p99', `${d.correctionMs.p50} / ${d.correctionMs.p99} ms`, `${d.baselineWatchMs.p50} / ${d.baselineWatchMs.p99} ms (watch sees it)`, `${x(d.ratio.p50)} / ${x(d.ratio.p99)}`]);
  const f = r.footprint;
  if (f) {
    rows.push([`5. Footprint, ${f.stacks} Stacks, ${f.objects} objects`, 'resident memory (peak)', `${f.rssMiB} MiB (${f.peakRssMiB} MiB)`, `${f.bareNodeRssMiB} MiB (idle Node)`, x(ratio(f.rssMiB, f.bareNodeRssMiB))]);
    rows.push([`5. Footprint, ${f.stacks} Stacks, ${f.objects} objects`, 'CPU, intervals 1h', `${f.idleCpuPercent}% of a core`, '–', '–']);
  }
  if (q && f) {
    rows.push([`5. Footprint, ${f.stacks} Stacks, ${f.objects} objects`, `CPU and memory, interval ${q.interval}`, `${round((q.cpuSecondsPerInterval / QUIET_INTERVAL_S) * 100)}% of a core, ${q.rssMiB} MiB`, '–', '–']);
  }
  const w = r.dashboard;
  if (w) {
    const what = `6. Dashboard, ${w.workload.stacks} Stacks`;
    const s = w.api.stacksPage;
    const kib = (bytes: number) => `${round(bytes / 1024)} KiB`;
    rows.push([what, '/api/stacks first page: first request / warm p50', `${s.firstRequestMs} / ${s.warmMs.p50} ms`, `${w.baselineRawList.ms.p50} ms (raw LIST of all)`, `${x(w.ratio.firstRequestTime)} / ${x(w.ratio.warmTime)}`]);
    rows.push([what, '/api/stacks first page: bytes', kib(s.bytes), `${kib(w.baselineRawList.bytes)} (raw LIST of all)`, x(w.ratio.bytes)]);
    rows.push([what, '/api/overview: warm p50, bytes', `${w.api.overview.warmMs.p50} ms, ${kib(w.api.overview.bytes)}`, '–', '–']);
    const b = w.browser.median;
    rows.push([what, 'Chromium: navigation → first row / → search filtered (p50)', `${b.navigationToFirstRowMs.p50} / ${b.navigationToFilteredMs.p50} ms`, '–', '–']);
    rows.push([what, `Chromium: jump to row ${w.browser.scrollToRow.toLocaleString('en-US')} → drawn (p50)`, `${b.scrollToRowMs.p50} ms`, '–', '–']);
  }
  return rows;
}

function markdown(r: Results): string {
  const m = r.machine;
  const rows = table(r);
  const lines = [
    '# Benchmarks',
    '',
    `${r.date} · ${m.cpu} × ${m.cpus}, ${m.memoryGiB} GiB · Linux ${m.kernel} · Node ${m.node} · Kubernetes ${m.kubernetes} (local control plane, kwok nodes) · ${r.totalMinutes} min`,
    '',
    'Baseline: a minimal client applying the same objects with server-side apply, 64 at once, no logic, on the same control plane in the same run. Ratio: Governor over baseline. The controller runs as its own process (concurrency 4); kube-controller-manager is stopped (replicas are 0, nothing needs it), so its ReplicaSet work does not spill from one measurement into the next.',
    '',
    '| Workload | Figure | Governor | Baseline | Ratio |',
    '|---|---|---:|---:|---:|',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
  ];
  for (const w of r.manyApps) {
    lines.push(
      `- N = ${w.apps}: half the Stacks Ready after ${w.governor.p50 ?? '–'} s, 90% after ${w.governor.p90 ?? '–'} s; controller CPU ${w.controllerCpuSeconds} s meanwhile. Setting up the ${w.apps} Stacks at an empty commit beforehand: ${secs(w.emptyStacksSetup)}.`,
    );
  }
  for (const w of r.bigStack) {
    lines.push(`- One Stack of ${w.objects}: controller CPU ${w.first.controllerCpuSeconds} s for the first apply, ${w.change.controllerCpuSeconds ?? '–'} s for the change; resident memory afterwards ${w.controllerRssMiBAfter} MiB.`);
  }
  if (r.quiet) {
    const q = r.quiet;
    lines.push(
      `- Quiet: per interval ${q.stackReconcilesPerInterval} Stack and ${q.repoReconcilesPerInterval} GitRepository reconciles, ${q.writesPerInterval} writes; requests over the ${q.intervals} intervals: ${Object.entries(q.byVerbResource).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
      `- Workloads 3 and 5 ran on a control plane of their own that writes an audit log (blocking mode, which slows every request); there, the ${q.stacks}-app commit took ${secs(q.setup?.timed)} to every Stack Ready. Workloads 1 and 2 ran without the audit log.`,
    );
  }
  if (r.dashboard) {
    lines.push(
      `- Dashboard: ${r.dashboard.workload.stacks} Stacks written with their statuses straight through the API (no controller), a read-only user signed in with a token; the page is the web app's first request (${r.dashboard.workload.pageSize} rows), its baseline one LIST of the same Stacks from the API server as that user; the search time includes the box's 250 ms debounce. Details: bench/results/dashboard.md.`,
    );
  }
  if (Object.keys(r.errors).length) {
    lines.push('', 'Not measured (failed):', ...Object.entries(r.errors).map(([k, v]) => `- ${k}: ${v}`));
  }
  lines.push('');
  return lines.join('\n');
}

// --- Main -------------------------------------------------------------------------------------

async function collect(children: Set<ChildProcess>) {
  const errors: Record<string, string> = {};
  const manyAppsResults: Awaited<ReturnType<typeof manyApps>>[] = [];
  let quietResult: Awaited<ReturnType<typeof quiet>> | undefined;
  let footprint: Awaited<ReturnType<typeof footprintIdle>> | undefined;
  let quietSetup: Omit<Awaited<ReturnType<typeof apps>>, 'tracker'> | undefined;
  const bigStacks: Awaited<ReturnType<typeof bigStack>>[] = [];

  // The audit log (blocking mode) slows every request down: only workload 3 needs it, so the
  // apply times are measured on a control plane without it.
  await attempt('workload 1', errors, () =>
    withControlPlane('workload 1', { auditLog: false, namespaces: APPS.map((n) => `apps-${n}`) }, async (env) => {
      for (const n of APPS) {
        const w = await attempt(`workload 1, N = ${n}`, errors, () => manyApps(env, n, n >= 1000 ? 8 * 60_000 : 3 * 60_000, RESERVE.afterApps));
        if (w) manyAppsResults.push(w);
      }
    }),
  );
  await attempt('workload 2', errors, () =>
    withControlPlane('workload 2', { auditLog: false, namespaces: BIG.map((n) => `big-${n}`) }, async (env) => {
      for (const count of BIG) {
        const w = await attempt(`workload 2, ${count} objects`, errors, () =>
          bigStack(env, count, count >= 5000 ? 8 * 60_000 : 3 * 60_000, count >= 5000 ? RESERVE.afterBig : RESERVE.afterBig1000),
        );
        if (w) bigStacks.push(w);
      }
    }),
  );
  await attempt('workloads 3 and 5', errors, () =>
    withControlPlane('workloads 3 and 5', { auditLog: true, namespaces: [`apps-${QUIET_APPS}`] }, async (env) => {
      step(`W3, W5: the ${QUIET_APPS}-app setup again, on a control plane that writes an audit log`);
      await namespaces(env.api, [`apps-${QUIET_APPS}`]);
      const w = await apps(env, QUIET_APPS, 8 * 60_000, RESERVE.afterQuietSetup);
      quietSetup = { timed: w.timed, controllerCpuSeconds: w.controllerCpuSeconds, setup: w.setup, sha: w.sha };
      footprint = await attempt('workload 5', errors, () => footprintIdle(env, QUIET_APPS));
      quietResult = await attempt('workload 3', errors, () => quiet(env, QUIET_APPS, w.tracker, w.sha, RESERVE.afterQuiet));
    }),
  );
  const driftResult = await attempt('workload 4', errors, () => drift(children));
  const dashboardResult = await attempt('workload 6', errors, () => dashboard(children));
  return {
    benchmark: 'governor',
    date: new Date().toISOString(),
    machine: machine(k8sVersion),
    totalMinutes: round((Date.now() - started) / 60_000, 1),
    baseline: 'server-side apply of the same objects, 64 requests at once, no logic (KubeApi.apply)',
    manyApps: manyAppsResults,
    bigStack: bigStacks,
    quiet: quietResult ? { ...quietResult, setup: quietSetup } : undefined,
    drift: driftResult,
    footprint,
    dashboard: dashboardResult,
    errors,
  };
}

async function main(): Promise<void> {
  const children = new Set<ChildProcess>();
  const onSignal = (sig: NodeJS.Signals) => {
    console.error(`${sig}: stopping everything started`);
    // The drift and dashboard benchmarks' processes stop what they started on SIGTERM (they also get a terminal's Ctrl-C).
    for (const c of children) c.kill('SIGTERM');
    stopNow();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', () => {
    for (const c of children) c.kill('SIGTERM');
  });
  try {
    const results = await collect(children);
    const md = markdown(results);
    await mkdir(resultsDir, { recursive: true });
    await writeFile(join(resultsDir, 'latest.json'), JSON.stringify(results, null, 2) + '\n');
    await writeFile(join(resultsDir, 'latest.md'), md);
    console.log(`\n${md}`);
    step(`wrote ${join(resultsDir, 'latest.{json,md}')}`);
    if (Object.keys(results.errors).length) process.exitCode = 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

await main();

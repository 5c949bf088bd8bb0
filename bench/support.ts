/**
 * Shared pieces of the benchmarks in bench/run.ts: the controller as a separate process (so its
 * CPU and memory can be read from /proc), a watch that times when Stacks become Ready, the
 * baseline client, and small statistics helpers. Benchmarks only: nothing here is a test.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, freemem, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { API_VERSION, Annotations, type Stack } from '../src/api/index.ts';
import { KubeApi } from '../src/kube/api.ts';
import { KubeClient } from '../src/kube/client.ts';
import { connectionFrom, loadKubeConfig } from '../src/kube/config.ts';
import { resourcePath } from '../src/kube/discovery.ts';
import { Informer } from '../src/kube/informer.ts';
import type { KubeObject } from '../src/kube/types.ts';
import { FatalWaitError, waitFor } from '../test/cluster/http.ts';
import { freePort } from '../test/cluster/ports.ts';
import { ManagedProcess, ProcessRegistry } from '../test/cluster/process.ts';

const GOVERNOR_MAIN = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

/** The controller's user agent (src/controller/run.ts), as the audit log records it. */
export const CONTROLLER_USER_AGENT = 'governor-controller';

export function machine(k8sVersion: string): Record<string, string | number> {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    freeMemoryGiB: Math.round(freemem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    kubernetes: k8sVersion,
  };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export const round = (x: number, digits = 1): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

export const ratio = (a: number | null | undefined, b: number | null | undefined): number | null =>
  a != null && b != null && b > 0 && Number.isFinite(a) ? round(a / b, 1) : null;

export async function connect(kubeconfigPath: string, userAgent: string): Promise<{ client: KubeClient; api: KubeApi }> {
  const conn = await connectionFrom(loadKubeConfig({ kubeconfig: kubeconfigPath }));
  const client = new KubeClient(conn, { userAgent, maxSockets: 64 });
  return { client, api: new KubeApi(client) };
}

/** Runs fn over items with at most `parallel` in flight; the first error stops new work and is thrown. */
export async function pool<T>(items: readonly T[], parallel: number, fn: (item: T, i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (failed === undefined && next < items.length) {
      const i = next++;
      try {
        await fn(items[i]!, i);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
  if (failed !== undefined) throw failed;
}

/**
 * The baseline, the physical limit: plain server-side apply of each object, `parallel` at once,
 * no dry run, no comparison, no status. Returns seconds.
 */
export async function baselineApply(api: KubeApi, objects: readonly KubeObject[], parallel = 64): Promise<number> {
  const started = performance.now();
  await pool(objects, parallel, (o) => api.apply(o, { fieldManager: 'bench-baseline' }));
  return (performance.now() - started) / 1000;
}

const isReadyAt = (s: Stack, sha: string): boolean =>
  s.status?.observedGeneration === s.metadata.generation &&
  (s.status?.lastAppliedRevision ?? '').endsWith(sha) &&
  (s.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/**
 * A watch of the Stacks of one namespace that notes when each became Ready at a revision, so no
 * benchmark polls the API server (which would take CPU from what is measured).
 */
export class StackTracker {
  private readonly informer: Informer<Stack>;
  private target:
    | { sha: string; since: number; count: number; also: (s: Stack) => boolean; readyAt: Map<string, number>; done: PromiseWithResolvers<void> }
    | undefined;

  private constructor(api: KubeApi, path: string) {
    this.informer = new Informer<Stack>({
      client: api.client,
      path,
      onAdd: (o) => this.observe(o),
      onUpdate: (o) => this.observe(o),
      onError: (err) => console.error(`stack watch: ${(err as Error).message}`),
    });
  }

  static async start(api: KubeApi, namespace: string): Promise<StackTracker> {
    const tracker = new StackTracker(api, resourcePath(await api.mapping(API_VERSION, 'Stack'), namespace));
    await tracker.informer.start();
    return tracker;
  }

  private observe(s: Stack): void {
    const t = this.target;
    if (!t || t.readyAt.has(s.metadata.name) || !isReadyAt(s, t.sha) || !t.also(s)) return;
    t.readyAt.set(s.metadata.name, performance.now() - t.since);
    if (t.readyAt.size >= t.count) t.done.resolve();
  }

  /** Starts timing from now: `count` Stacks ready at `sha` (and `also`). Call right before the request that starts the work. */
  expect(sha: string, count: number, also: (s: Stack) => boolean = () => true): void {
    this.target = { sha, since: performance.now(), count, also, readyAt: new Map(), done: Promise.withResolvers<void>() };
    for (const s of this.informer.list()) this.observe(s);
  }

  /**
   * Waits for what `expect` announced, until the deadline. Returns seconds until the last Stack
   * was Ready (or null), how many were, and per-Stack percentiles.
   */
  async wait(deadlineMs: number): Promise<{ seconds: number | null; ready: number; of: number; p50: number | null; p90: number | null; waitedSeconds: number }> {
    const t = this.target;
    if (!t) throw new Error('expect() first');
    const timer = setTimeout(() => t.done.resolve(), Math.max(0, deadlineMs));
    await t.done.promise;
    clearTimeout(timer);
    const times = [...t.readyAt.values()].sort((a, b) => a - b);
    const finished = times.length >= t.count;
    return {
      seconds: finished ? round(times[times.length - 1]! / 1000, 2) : null,
      ready: times.length,
      of: t.count,
      p50: times.length ? round(percentile(times, 50) / 1000, 2) : null,
      p90: times.length ? round(percentile(times, 90) / 1000, 2) : null,
      waitedSeconds: round((performance.now() - t.since) / 1000, 1),
    };
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }
}

/** Asks the controller to look at a GitRepository now (what `governor reconcile` does). */
export async function requestReconcile(api: KubeApi, namespace: string, name: string): Promise<void> {
  await api.mergePatch({ apiVersion: API_VERSION, kind: 'GitRepository', namespace, name }, {
    metadata: { annotations: { [Annotations.ReconcileRequestedAt]: new Date().toISOString() } },
  });
}

export interface ProcStats {
  /** Resident set, MiB. */
  rssMiB: number;
  /** Peak resident set, MiB. */
  peakRssMiB: number;
  /** User + system CPU of the process itself, seconds. */
  cpuSeconds: number;
  /** CPU of its children that exited (git), seconds. */
  childCpuSeconds: number;
}

let clockTicks: number | undefined;

export function procStats(pid: number): ProcStats {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  // Fields after the command name (which may hold spaces) start at field 3, `state`.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = (i: number) => Number(f[i - 3]);
  return {
    rssMiB: round(kib('VmRSS') / 1024),
    peakRssMiB: round(kib('VmHWM') / 1024),
    cpuSeconds: (ticks(14) + ticks(15)) / clockTicks,
    childCpuSeconds: (ticks(16) + ticks(17)) / clockTicks,
  };
}

/** Sum of a Prometheus counter's samples whose labels contain every given pair. */
export function metricSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^(\w+)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    if (Object.entries(labels).every(([k, v]) => (m[2] ?? '').includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}

/**
 * The controller as its own process (`governor controller` run from
 * source, concurrency 4, log level info), so that its resident memory and CPU are its own.
 * Stopped (SIGTERM, then SIGKILL) by stop(), and killed with its process group if this process
 * exits first.
 */
export class ControllerProcess {
  readonly proc: ManagedProcess;
  readonly dir: string;
  readonly metricsPort: number;

  private constructor(proc: ManagedProcess, dir: string, metricsPort: number) {
    this.proc = proc;
    this.dir = dir;
    this.metricsPort = metricsPort;
  }

  static async start(opts: { kubeconfig: string; namespaces: string[]; kustomize: string }): Promise<ControllerProcess> {
    const dir = await mkdtemp(join(tmpdir(), 'governor-bench-ctrl-'));
    const metricsPort = await freePort();
    // Exactly what a user runs: `governor controller`, from source.
    const args = [
      GOVERNOR_MAIN,
      'controller',
      '--kubeconfig', opts.kubeconfig,
      ...opts.namespaces.flatMap((ns) => ['-n', ns]),
      '--install-crds',
      '--allow-file-urls',
      '--cache-dir', join(dir, 'cache'),
      '--metrics-addr', `127.0.0.1:${metricsPort}`,
      '--health-addr', '127.0.0.1:0',
      '--kustomize', opts.kustomize,
    ];
    const proc = new ManagedProcess(
      { name: 'governor-controller', command: process.execPath, args, logFile: join(dir, 'controller.log'), env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } },
      new ProcessRegistry(process.env.GOVERNOR_PID_LOG),
    );
    const ctrl = new ControllerProcess(proc, dir, metricsPort);
    proc.start();
    try {
      await waitFor('the controller process to start', async () => {
        if (proc.unexpectedExit) throw new FatalWaitError(proc.unexpectedExit);
        return ctrl.log().includes('"controller started"');
      }, 60_000, 100);
    } catch (err) {
      const tail = ctrl.log().slice(-4000);
      await ctrl.stop();
      throw new Error(`${(err as Error).message}\n${tail}`, { cause: err });
    }
    return ctrl;
  }

  get pid(): number {
    return this.proc.pid ?? 0;
  }

  log(): string {
    try {
      return readFileSync(join(this.dir, 'controller.log'), 'utf8');
    } catch {
      return '';
    }
  }

  stats(): ProcStats {
    return procStats(this.pid);
  }

  async metrics(): Promise<string> {
    const res = await fetch(`http://127.0.0.1:${this.metricsPort}/metrics`);
    return res.text();
  }

  async stop(): Promise<void> {
    await this.proc.stop(10_000);
    await rm(this.dir, { recursive: true, force: true });
  }
}

/**
 * What a benchmark started, stopped in reverse order at the end or on Ctrl-C: a benchmark must
 * leave no process behind, even when interrupted.
 */
export function cleanupOnExit(): { cleanups: (() => Promise<unknown> | unknown)[]; cleanup: () => Promise<void> } {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  const cleanup = async () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    for (const fn of cleanups.splice(0).reverse()) {
      try {
        await fn();
      } catch (err) {
        console.error(`cleanup: ${(err as Error).message}`);
      }
    }
  };
  const onSignal = () => {
    console.error('interrupted: stopping everything started');
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return { cleanups, cleanup };
}

/**
 * Drift benchmark (issue 8, workload 4): 100 edits spread over 10 Stacks of 100 ConfigMaps, each
 * timed from the edit request's return until the object is back as Git has it. The baseline,
 * measured in the same run on the same edits, is the physical limit: from the edit request's
 * return until a plain watch of the same objects sees the edit.
 *
 *   node bench/drift-latency.ts          (or: make bench-drift)
 *
 * Starts its own control plane, Git server and controller (in this process) and stops all of them.
 * Writes bench/results/drift-latency.{json,md}.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { API_VERSION, Labels, type Stack } from '../src/api/index.ts';
import { installCrds } from '../src/controller/crds.ts';
import { KubeEventRecorder } from '../src/controller/events.ts';
import { Manager } from '../src/controller/manager.ts';
import { KubeApi } from '../src/kube/api.ts';
import { KubeClient } from '../src/kube/client.ts';
import { connectionFrom, loadKubeConfig } from '../src/kube/config.ts';
import type { KubeObject } from '../src/kube/types.ts';
import { createLogger } from '../src/log.ts';
import { GitSource } from '../src/source/git-source.ts';
import { LocalCluster } from '../test/cluster/cluster.ts';
import { waitFor } from '../test/cluster/http.ts';
import { GitServer } from '../test/git/server.ts';
import { WorkDir } from '../test/git/workdir.ts';
import { cleanupOnExit, machine } from './support.ts';

const STACKS = 10;
const OBJECTS = 100;
const EDITS = 100;
/** Edits made first and not counted: the first ones pay for JIT compilation and cold connections. */
const WARMUP = 5;
const GAP_MS = 100;
const EDIT_TIMEOUT_MS = 30_000;
const NS = 'bench-drift';

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), 'results');

interface Sample {
  stack: string;
  name: string;
  /** Milliseconds from the edit request's return until the watch saw the edit (negative: it saw it first). */
  seenMs: number;
  /** Milliseconds from the edit request's return until the watch saw the object corrected. */
  correctedMs: number;
  /** Round trip of the edit request itself. */
  editRequestMs: number;
}

interface Pending {
  edited: string;
  original: string;
  seenAt?: number;
  resolve(at: { seenAt: number; fixedAt: number }): void;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

function stats(values: readonly number[]): { p50: number; p95: number; p99: number; max: number; mean: number } {
  const s = [...values].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    p50: round(percentile(s, 50)),
    p95: round(percentile(s, 95)),
    p99: round(percentile(s, 99)),
    max: round(s[s.length - 1] ?? NaN),
    mean: round(s.reduce((a, b) => a + b, 0) / s.length),
  };
}

const configMap = (i: number, j: number) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: s${i}-cm-${j}\n  namespace: ${NS}\ndata:\n  value: "s${i}-${j}"\n`;

async function main(): Promise<void> {
  const { cleanups, cleanup } = cleanupOnExit();
  const t0 = Date.now();
  const step = (what: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${what}`);

  try {
    step('starting the control plane');
    const cluster = await new LocalCluster().start();
    cleanups.push(() => cluster.stop());
    const info = cluster.info();
    const conn = await connectionFrom(loadKubeConfig({ kubeconfig: info.kubeconfigPath }));
    const benchClient = new KubeClient(conn, { userAgent: 'governor-bench' });
    cleanups.push(() => benchClient.close());
    const api = new KubeApi(benchClient);
    await api.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });

    step(`committing ${STACKS} Stacks of ${OBJECTS} ConfigMaps`);
    const server = await new GitServer().start();
    cleanups.push(() => server.stop());
    const url = await server.createRepo('bench');
    const work = await WorkDir.create(url);
    cleanups.push(() => work.remove());
    const files: Record<string, string> = {};
    for (let i = 0; i < STACKS; i++) for (let j = 0; j < OBJECTS; j++) files[`stacks/s${i}/cm-${j}.yaml`] = configMap(i, j);
    const sha = await work.commit('bench', files);

    step('starting the controller');
    const ctrlDir = await mkdtemp(join(tmpdir(), 'governor-bench-'));
    cleanups.push(() => rm(ctrlDir, { recursive: true, force: true }));
    const ctrlClient = new KubeClient(conn);
    cleanups.push(() => ctrlClient.close());
    const ctrlApi = new KubeApi(ctrlClient);
    await installCrds(ctrlApi);
    const logStream = createWriteStream(join(ctrlDir, 'controller.log'));
    cleanups.push(() => new Promise<void>((r) => logStream.end(r)));
    const manager = new Manager({
      api: ctrlApi,
      source: new GitSource({ cacheDir: join(ctrlDir, 'cache'), allowFileUrls: true }),
      events: new KubeEventRecorder(ctrlClient),
      log: createLogger({ level: 'info', destination: logStream }),
      namespaces: [NS],
      concurrency: 4,
      kustomizeBinary: cluster.bins.kustomize,
    });
    await manager.start();
    cleanups.push(() => manager.stop());

    // Long intervals: every correction measured comes from the drift watches, none from a periodic reconcile.
    await api.apply({ apiVersion: API_VERSION, kind: 'GitRepository', metadata: { name: 'bench', namespace: NS }, spec: { url, interval: '1h', ref: { branch: 'main' } } } as KubeObject);
    for (let i = 0; i < STACKS; i++) {
      await api.apply({
        apiVersion: API_VERSION,
        kind: 'Stack',
        metadata: { name: `s${i}`, namespace: NS },
        spec: { sourceRef: { name: 'bench' }, path: `./stacks/s${i}`, interval: '1h', timeout: '2m' },
      } as KubeObject);
    }
    const applyStarted = Date.now();
    await waitFor(`${STACKS} Stacks Ready`, async () => {
      const list = await api.listAll<Stack>(API_VERSION, 'Stack', NS);
      return (
        list.items.length === STACKS &&
        list.items.every(
          (s) => s.status?.lastAppliedRevision?.endsWith(sha) && s.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
        )
      );
    }, 300_000, 250);
    step(`all Stacks Ready (${STACKS * OBJECTS} objects) in ${Date.now() - applyStarted} ms`);
    await sleep(2000);

    // The baseline: a plain watch of the same objects, opened by this process.
    const pending = new Map<string, Pending>();
    const list = await benchClient.request<{ metadata: { resourceVersion: string } }>('GET', `/api/v1/namespaces/${NS}/configmaps`, {
      query: { labelSelector: Labels.StackName, limit: 1 },
    });
    const watchCtl = new AbortController();
    const watching = benchClient
      .stream(
        `/api/v1/namespaces/${NS}/configmaps`,
        {
          query: { watch: 1, resourceVersion: list.metadata.resourceVersion, labelSelector: Labels.StackName, timeoutSeconds: 3600 },
          timeoutMs: 3_600_000,
          signal: watchCtl.signal,
        },
        (line) => {
          const at = performance.now();
          const ev = JSON.parse(line) as { type: string; object: KubeObject & { data?: Record<string, string> } };
          if (ev.type !== 'MODIFIED' && ev.type !== 'ADDED') return;
          const p = pending.get(ev.object.metadata.name);
          const value = ev.object.data?.value;
          if (!p) return;
          if (p.seenAt === undefined && value === p.edited) p.seenAt = at;
          else if (p.seenAt !== undefined && value === p.original) {
            pending.delete(ev.object.metadata.name);
            p.resolve({ seenAt: p.seenAt, fixedAt: at });
          }
        },
      )
      .catch((err: unknown) => {
        if (!watchCtl.signal.aborted) console.error(`bench watch: ${(err as Error).message}`);
      });
    cleanups.push(async () => {
      watchCtl.abort();
      await watching;
    });
    await sleep(500);

    const edit = async (k: number): Promise<Sample> => {
      const i = k % STACKS;
      const j = (k * 37) % OBJECTS;
      const name = `s${i}-cm-${j}`;
      const edited = `edit-${k}`;
      const done = Promise.withResolvers<{ seenAt: number; fixedAt: number }>();
      pending.set(name, { edited, original: `s${i}-${j}`, resolve: done.resolve });
      const sent = performance.now();
      await api.mergePatch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: NS, name }, { data: { value: edited } });
      const returned = performance.now();
      const timer = setTimeout(() => done.reject(new Error(`${name} not corrected within ${EDIT_TIMEOUT_MS} ms`)), EDIT_TIMEOUT_MS);
      try {
        const { seenAt, fixedAt } = await done.promise;
        return { stack: `s${i}`, name, seenMs: seenAt - returned, correctedMs: fixedAt - returned, editRequestMs: returned - sent };
      } finally {
        clearTimeout(timer);
      }
    };

    step(`${WARMUP} warm-up edits (not counted), then ${EDITS} edits ${GAP_MS} ms apart`);
    for (let k = EDITS; k < EDITS + WARMUP; k++) {
      await edit(k);
      await sleep(GAP_MS);
    }
    const samples: Sample[] = [];
    for (let k = 0; k < EDITS; k++) {
      samples.push(await edit(k));
      await sleep(GAP_MS);
    }

    const corrected = stats(samples.map((s) => s.correctedMs));
    // Watch events may overtake the edit's response: then the physical limit is 0.
    const baseline = stats(samples.map((s) => Math.max(0, s.seenMs)));
    const afterSeen = stats(samples.map((s) => s.correctedMs - Math.max(0, s.seenMs)));
    const editRequest = stats(samples.map((s) => s.editRequestMs));
    const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10) / 10 : null);
    const result = {
      benchmark: 'drift-latency',
      date: new Date().toISOString(),
      machine: machine(cluster.bins.k8sVersion),
      workload: { stacks: STACKS, objectsPerStack: OBJECTS, edits: EDITS, warmupEdits: WARMUP, gapMs: GAP_MS, stackInterval: '1h' },
      unit: 'ms',
      origin: 'the return of the edit request',
      correction: corrected,
      baselineWatch: baseline,
      correctionAfterWatchSaw: afterSeen,
      editRequest,
      ratioToBaseline: {
        p50: ratio(corrected.p50, baseline.p50),
        p95: ratio(corrected.p95, baseline.p95),
        p99: ratio(corrected.p99, baseline.p99),
        max: ratio(corrected.max, baseline.max),
      },
      target: { p99BelowMs: 1000, met: corrected.p99 < 1000 },
      samples,
    };

    const row = (label: string, s: { p50: number; p95: number; p99: number; max: number }) =>
      `| ${label} | ${s.p50} | ${s.p95} | ${s.p99} | ${s.max} |`;
    const r = result.ratioToBaseline;
    const md = [
      '# Drift: edit to correction',
      '',
      `${result.date} · ${result.machine.cpu} × ${result.machine.cpus}, ${result.machine.memoryGiB} GiB · Node ${result.machine.node} · Kubernetes ${result.machine.kubernetes}`,
      '',
      `${EDITS} edits (after ${WARMUP} uncounted warm-up edits) spread over ${STACKS} Stacks of ${OBJECTS} ConfigMaps, one at a time, ${GAP_MS} ms apart; Stack interval 1h, so every correction comes from the drift watches. Milliseconds from the return of the edit request.`,
      '',
      '| | p50 | p95 | p99 | max |',
      '|---|---:|---:|---:|---:|',
      row('edit → corrected (Governor)', corrected),
      row('edit → seen by a plain watch (baseline)', baseline),
      `| ratio to baseline | ${r.p50 ?? '–'} | ${r.p95 ?? '–'} | ${r.p99 ?? '–'} | ${r.max ?? '–'} |`,
      row('watch saw it → corrected', afterSeen),
      row('edit request round trip', editRequest),
      '',
      `Target p99 < 1000 ms: ${result.target.met ? 'met' : 'NOT met'}.`,
      '',
    ].join('\n');
    await mkdir(resultsDir, { recursive: true });
    await writeFile(join(resultsDir, 'drift-latency.json'), JSON.stringify(result, null, 2) + '\n');
    await writeFile(join(resultsDir, 'drift-latency.md'), md);
    console.log(`\n${md}`);
    step(`wrote ${join(resultsDir, 'drift-latency.{json,md}')}`);
  } finally {
    step('stopping');
    await cleanup();
  }
}

await main();

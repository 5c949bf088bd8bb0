/**
 * Dashboard benchmark (workload 6 of `make bench`): 5,000 Stacks and a few GitRepositories,
 * written straight through the API with realistic statuses (Ready, some failed, suspended,
 * drifted or progressing; inventories of a few entries), and no controller. The dashboard runs in
 * this process (token mode, the built web app); a read-only user signs in with a real token.
 *
 * Measured:
 *   - the first page of /api/stacks as the web app asks for it (200 rows): the first request of a
 *     new session, then the median of 20; its bytes; the same for /api/overview;
 *   - the baseline, on the same control plane in the same run: one LIST of the same 5,000 Stacks
 *     from the API server as the same user (what `kubectl get stacks -A -o json` fetches), its
 *     time and bytes, so the page is compared against listing them raw;
 *   - in Chromium, signed in by cookie: from navigation until the Stacks table is interactive
 *     (the first row drawn, then a search typed into the box and the table filtered to it), and
 *     the time to scroll to row 3,000 (its page fetched and drawn).
 *
 *   node bench/dashboard.ts          (or: make bench-dashboard; `npm run build` first)
 *
 * Starts its own control plane and Chromium and stops both, and the dashboard, in `finally` and
 * on SIGINT/SIGTERM. Writes bench/results/dashboard.{json,md}. Figures only, no assertions.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { API_VERSION } from '../src/api/index.ts';
import { installCrds } from '../src/controller/crds.ts';
import { startDashboard, type RunningDashboard } from '../src/dashboard/server.ts';
import type { Overview, Page, StackRow } from '../src/dashboard/model.ts';
import type { KubeApi } from '../src/kube/api.ts';
import { connectionFrom, loadKubeConfig } from '../src/kube/config.ts';
import type { KubeObject } from '../src/kube/types.ts';
import { createLogger } from '../src/log.ts';
import { LocalCluster } from '../test/cluster/cluster.ts';
import { httpsRequest } from '../test/cluster/http.ts';
import { launchChromium, sessionCookie, VIEWPORT, WEB_DIR } from '../test/support/browser.ts';
import { cleanupOnExit, connect, machine, percentile, pool, round } from './support.ts';

const STACKS = 5000;
const NAMESPACES = 10;
/** The web app's page size (PAGE_SIZE in web/src/pages/StacksPage.tsx): its first request. */
const PAGE_SIZE = 200;
const WARM_REQUESTS = 20;
const BASELINE_LISTS = 5;
const BROWSER_RUNS = 5;
const SCROLL_TO_ROW = 3000;
/** The search typed into the box: one Stack's name (names are unique across namespaces). */
const SEARCH = 'svc-4321';
const USER_NS = 'bench-dashboard';
const REVISION_SHA = '9f2c4e1a7b3d5f60718293a4b5c6d7e8f9012345';

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), 'results');
const t0 = Date.now();
const step = (what: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${what}`);

interface Stats {
  p50: number;
  p90: number;
  min: number;
  max: number;
}

function stats(values: readonly number[]): Stats {
  const s = [...values].sort((a, b) => a - b);
  return { p50: round(percentile(s, 50)), p90: round(percentile(s, 90)), min: round(s[0] ?? NaN), max: round(s[s.length - 1] ?? NaN) };
}

const kib = (bytes: number) => round(bytes / 1024, 1);
/** Dashboard over baseline, as the other benchmarks put it; two significant digits, since it is far below 1. */
const share = (a: number, b: number): number | null => (b > 0 && Number.isFinite(a) ? Number((a / b).toPrecision(2)) : null);

// --- The objects ------------------------------------------------------------------------------

const ns = (i: number) => `team-${String(i % NAMESPACES).padStart(2, '0')}`;
const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const condition = (type: string, status: 'True' | 'False' | 'Unknown', reason: string, message: string, minutesAgo: number) => ({
  type,
  status,
  reason,
  message,
  lastTransitionTime: at(minutesAgo),
  observedGeneration: 1,
});

function stackObject(i: number): KubeObject {
  const namespace = ns(i);
  return {
    apiVersion: API_VERSION,
    kind: 'Stack',
    metadata: { name: `svc-${i}`, namespace, labels: { team: namespace, tier: ['web', 'api', 'worker', 'data'][i % 4]! } },
    spec: {
      sourceRef: { name: 'platform' },
      path: `./apps/svc-${i}`,
      interval: '10m',
      prune: true,
      ...(i % 50 === 7 ? { suspend: true } : {}),
      // One in ten waits for the Stack before it in its namespace, as apps wait for their database.
      ...(i % 10 === 3 && i >= NAMESPACES ? { dependsOn: [{ name: `svc-${i - NAMESPACES}` }] } : {}),
    },
  } as KubeObject;
}

/** What a controller would have written: 90% Ready, then failed, drifted, progressing (suspended is in the spec). */
function stackStatus(i: number): Record<string, unknown> {
  const namespace = ns(i);
  const revision = `main@sha1:${REVISION_SHA}`;
  const objects = 3 + (i % 4);
  const inventory = {
    entries: [
      { id: `${namespace}_svc-${i}_apps_Deployment`, v: 'v1' },
      { id: `${namespace}_svc-${i}__Service`, v: 'v1' },
      { id: `${namespace}_svc-${i}-config__ConfigMap`, v: 'v1' },
      { id: `${namespace}_svc-${i}__ServiceAccount`, v: 'v1' },
      { id: `${namespace}_svc-${i}_policy_PodDisruptionBudget`, v: 'v1' },
      { id: `${namespace}_svc-${i}_networking.k8s.io_Ingress`, v: 'v1' },
    ].slice(0, objects),
  };
  const minutesAgo = (i * 37) % (7 * 24 * 60);
  const applied = {
    observedGeneration: 1,
    lastAppliedRevision: revision,
    lastAttemptedRevision: revision,
    lastApplyDuration: `${(0.2 + ((i * 13) % 40) / 10).toFixed(2)}s`,
    inventory,
  };
  const mod = i % 25;
  if (mod === 11) {
    return {
      ...applied,
      conditions: [
        condition('Ready', 'False', 'ApplyFailed', `Deployment/${namespace}/svc-${i} dry-run failed: spec.template.spec.containers[0].image: Required value`, minutesAgo),
        condition('Stalled', 'True', 'ApplyFailed', 'the manifests are invalid; waiting for a new revision', minutesAgo),
      ],
    };
  }
  if (mod === 17) {
    return {
      ...applied,
      conditions: [condition('Ready', 'True', 'ReconciliationSucceeded', `Applied revision: ${revision}`, minutesAgo)],
      drift: { count: 1 + (i % 3), lastDriftTime: at(minutesAgo % 60) },
    };
  }
  if (mod === 23) {
    return {
      ...applied,
      conditions: [
        condition('Ready', 'Unknown', 'Progressing', `Waiting for Deployment/${namespace}/svc-${i} to become Current`, 1),
        condition('Reconciling', 'True', 'Progressing', 'applying', 1),
      ],
    };
  }
  return { ...applied, conditions: [condition('Ready', 'True', 'ReconciliationSucceeded', `Applied revision: ${revision}`, minutesAgo)] };
}

function gitRepository(i: number): { object: KubeObject; status: Record<string, unknown> } {
  const namespace = ns(i);
  const commit = { sha: REVISION_SHA, message: 'Bump svc images to 2.14.1', author: 'Release Bot <release@example.com>', time: at(90) };
  const artifact = { revision: `main@sha1:${REVISION_SHA}`, commit, lastUpdateTime: at(5) };
  const failed = i === NAMESPACES - 1;
  return {
    object: {
      apiVersion: API_VERSION,
      kind: 'GitRepository',
      metadata: { name: 'platform', namespace },
      spec: { url: `https://git.example.com/${namespace}/platform.git`, interval: '1m', ref: { branch: 'main' } },
    } as KubeObject,
    status: {
      observedGeneration: 1,
      artifact,
      conditions: [
        failed
          ? condition('Ready', 'False', 'FetchFailed', 'fetching https://git.example.com: authentication required', 3)
          : condition('Ready', 'True', 'Succeeded', `stored artifact for revision 'main@sha1:${REVISION_SHA}'`, 90),
      ],
    },
  };
}

async function populate(api: KubeApi): Promise<void> {
  for (let i = 0; i < NAMESPACES; i++) await api.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns(i) } });
  for (let i = 0; i < NAMESPACES; i++) {
    const r = gitRepository(i);
    await api.create(r.object);
    await api.mergePatch({ apiVersion: API_VERSION, kind: 'GitRepository', namespace: ns(i), name: 'platform' }, { status: r.status }, 'status');
  }
  const ids = Array.from({ length: STACKS }, (_, i) => i);
  await pool(ids, 64, async (i) => {
    await api.create(stackObject(i));
    // Status is a subresource: a create ignores it, so it is written as a controller writes it.
    await api.mergePatch({ apiVersion: API_VERSION, kind: 'Stack', namespace: ns(i), name: `svc-${i}` }, { status: stackStatus(i) }, 'status');
  });
}

/** A read-only user across the cluster: get/list/watch on what the dashboard shows; a real token. */
async function readOnlyUser(api: KubeApi): Promise<string> {
  const read = ['get', 'list', 'watch'];
  await api.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: USER_NS } });
  await api.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'viewer', namespace: USER_NS } });
  await api.create({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'bench-dashboard-viewer' },
    rules: [
      { apiGroups: ['governor.dev'], resources: ['stacks', 'gitrepositories'], verbs: read },
      { apiGroups: [''], resources: ['events', 'pods', 'services', 'configmaps'], verbs: read },
      { apiGroups: ['apps'], resources: ['deployments', 'replicasets'], verbs: read },
    ],
  } as KubeObject);
  await api.create({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'bench-dashboard-viewer' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'bench-dashboard-viewer' },
    subjects: [{ kind: 'ServiceAccount', name: 'viewer', namespace: USER_NS }],
  } as KubeObject);
  const res = await api.client.request<{ status: { token: string } }>('POST', `/api/v1/namespaces/${USER_NS}/serviceaccounts/viewer/token`, {
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
  });
  return res.status.token;
}

// --- Measurements -----------------------------------------------------------------------------

/** A new session: the cookie (name=value) and the whole Set-Cookie header. */
async function signIn(base: string, token: string): Promise<{ cookie: string; setCookie: string }> {
  const res = await fetch(new URL('/api/session', base), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
  const setCookie = res.headers.get('set-cookie') ?? '';
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`sign-in failed: HTTP ${res.status}`);
  return { cookie: setCookie.split(';')[0]!, setCookie };
}

/** One GET, timed until the last byte of the body arrived. */
async function timedGet(url: URL, cookie: string): Promise<{ ms: number; bytes: number; body: Buffer }> {
  const started = performance.now();
  const res = await fetch(url, { headers: { cookie } });
  const body = Buffer.from(await res.arrayBuffer());
  const ms = performance.now() - started;
  if (res.status !== 200) throw new Error(`GET ${url.pathname}${url.search}: HTTP ${res.status} ${body.toString('utf8', 0, 300)}`);
  return { ms, bytes: body.length, body };
}

async function endpoint(base: string, token: string, path: string) {
  const url = new URL(path, base);
  // Its own new session: the first request also pays for this user's access reviews.
  const { cookie } = await signIn(base, token);
  const cold = await timedGet(url, cookie);
  const warm: number[] = [];
  for (let k = 0; k < WARM_REQUESTS; k++) warm.push((await timedGet(url, cookie)).ms);
  return { path, coldMs: round(cold.ms), warmMs: stats(warm), bytes: cold.bytes, gzipBytes: gzipSync(cold.body).length, body: cold.body };
}

/** The baseline: one LIST of every Stack from the API server as the same user, no paging. */
async function rawList(server: string, ca: string, token: string) {
  const url = `${server}/apis/${API_VERSION}/stacks`;
  const times: number[] = [];
  let body = '';
  for (let k = 0; k < BASELINE_LISTS + 1; k++) {
    const started = performance.now();
    const res = await httpsRequest(url, { token, ca, timeoutMs: 120_000 });
    const ms = performance.now() - started;
    if (res.status !== 200) throw new Error(`LIST stacks: HTTP ${res.status}`);
    body = res.body;
    if (k > 0) times.push(ms); // the first one opens the connection
  }
  const items = (JSON.parse(body) as { items: unknown[] }).items.length;
  return { items, ms: stats(times), bytes: Buffer.byteLength(body), gzipBytes: gzipSync(body).length };
}

/** What the page predicates below use of the DOM (this file is type-checked without the DOM library). */
interface Doc {
  querySelector(selector: string): { getAttribute(name: string): string | null } | null;
  querySelectorAll(selector: string): ArrayLike<{ getAttribute(name: string): string | null }>;
}

/**
 * Checked every animation frame: locator waits back off to polling every 500 ms, which would add
 * up to that much to what is timed. The predicates are functions, as Playwright runs them without
 * eval (which the dashboard's CSP forbids), and use nothing but their argument.
 */
const FRAME = { polling: 'raf', timeout: 60_000 } as const;

async function browserRun(browser: Browser, dash: RunningDashboard, token: string, expectTotal: number) {
  const { setCookie } = await signIn(dash.url, token);
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  try {
    await context.addCookies([sessionCookie(dash.url, setCookie)]);
    const page = await context.newPage();
    const started = performance.now();
    await page.goto(new URL('/stacks', dash.url).href, { waitUntil: 'commit' });
    await page.waitForFunction(() => (globalThis as unknown as { document: Doc }).document.querySelector('[data-testid="stack-row"]') !== null, undefined, FRAME);
    const firstRow = performance.now() - started;
    const domRows = await page.locator('[data-testid="stacks-table"] tbody tr').count();

    const typed = performance.now();
    await page.getByTestId('stacks-search').fill(SEARCH);
    await page.waitForFunction(
      (name) => {
        const d = (globalThis as unknown as { document: Doc }).document;
        const rows = d.querySelectorAll('[data-testid="stack-row"]');
        return d.querySelector('[data-testid="stacks-total"]')?.getAttribute('data-total') === '1' && rows.length === 1 && (rows[0]?.getAttribute('data-key') ?? '').endsWith(`/${name}`);
      },
      SEARCH,
      FRAME,
    );
    const filtered = performance.now();

    // Back to every Stack, then jump to row 3,000 as a dragged scroll bar does.
    await page.getByTestId('stacks-clear').click();
    await page.waitForFunction(
      (n) => {
        const d = (globalThis as unknown as { document: Doc }).document;
        return d.querySelector('[data-testid="stacks-total"]')?.getAttribute('data-total') === String(n) && d.querySelectorAll('[data-testid="stack-row"]').length > 1;
      },
      expectTotal,
      FRAME,
    );
    const rowHeight = await page.locator('[data-testid="stack-row"]').first().evaluate((el) => el.getBoundingClientRect().height);
    const scrolled = performance.now();
    await page.getByTestId('stacks-table-scroll').evaluate((el, top) => el.scrollTo({ top }), SCROLL_TO_ROW * rowHeight);
    // aria-rowindex counts the header row and starts at 1: row index 3,000 is 3,002.
    await page.waitForFunction(
      (index) => (globalThis as unknown as { document: Doc }).document.querySelector(`[data-testid="stack-row"][aria-rowindex="${index}"]`) !== null,
      SCROLL_TO_ROW + 2,
      FRAME,
    );
    const scrollMs = performance.now() - scrolled;
    return {
      navigationToFirstRowMs: round(firstRow),
      navigationToFilteredMs: round(filtered - started),
      typeToFilteredMs: round(filtered - typed),
      scrollToRowMs: round(scrollMs),
      domRows,
    };
  } finally {
    await context.close();
  }
}

// --- Main -------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const { cleanups, cleanup } = cleanupOnExit();

  try {
    step('starting the control plane');
    const cluster = new LocalCluster();
    cleanups.push(() => cluster.stop());
    await cluster.start();
    const info = cluster.info();
    const { client, api } = await connect(info.kubeconfigPath, 'governor-bench');
    cleanups.push(() => client.close());
    await installCrds(api);

    step(`creating ${NAMESPACES} GitRepositories and ${STACKS} Stacks with their statuses, 64 requests at once`);
    const created = performance.now();
    await populate(api);
    const populateSeconds = round((performance.now() - created) / 1000, 1);
    const token = await readOnlyUser(api);
    step(`created in ${populateSeconds} s; starting the dashboard`);

    const dashStarted = performance.now();
    const dash = await startDashboard({
      address: '127.0.0.1:0',
      connection: await connectionFrom(loadKubeConfig({ kubeconfig: info.kubeconfigPath })),
      mode: 'token',
      staticDir: WEB_DIR,
      log: createLogger({ level: 'warn' }),
      syncTimeoutMs: 120_000,
    });
    cleanups.push(() => dash.close());
    const dashboardStartSeconds = round((performance.now() - dashStarted) / 1000, 2);
    step(`dashboard at ${dash.url} (its cache synced in ${dashboardStartSeconds} s)`);

    const stacksPage = await endpoint(dash.url, token, `/api/stacks?page=1&pageSize=${PAGE_SIZE}`);
    const page = JSON.parse(stacksPage.body.toString('utf8')) as Page<StackRow>;
    if (page.total !== STACKS || page.items.length !== PAGE_SIZE) throw new Error(`the dashboard shows ${page.total} Stacks, ${page.items.length} on the first page`);
    step(`/api/stacks page 1: first ${stacksPage.coldMs} ms, warm p50 ${stacksPage.warmMs.p50} ms, ${kib(stacksPage.bytes)} KiB`);
    const overview = await endpoint(dash.url, token, '/api/overview');
    const counts = (JSON.parse(overview.body.toString('utf8')) as Overview).stacks;
    step(`/api/overview: first ${overview.coldMs} ms, warm p50 ${overview.warmMs.p50} ms, ${kib(overview.bytes)} KiB; ${JSON.stringify(counts)}`);
    const raw = await rawList(info.server, info.caPem, token);
    step(`baseline LIST of ${raw.items} Stacks: p50 ${raw.ms.p50} ms, ${kib(raw.bytes)} KiB`);

    step(`Chromium: ${BROWSER_RUNS} page loads, each a new context and a new session`);
    const browser = await launchChromium();
    cleanups.push(() => browser.close());
    const runs: Awaited<ReturnType<typeof browserRun>>[] = [];
    for (let k = 0; k < BROWSER_RUNS; k++) {
      const r = await browserRun(browser, dash, token, STACKS);
      step(`  run ${k + 1}: first row ${r.navigationToFirstRowMs} ms, filtered ${r.navigationToFilteredMs} ms, row ${SCROLL_TO_ROW} after ${r.scrollToRowMs} ms (${r.domRows} rows in the DOM)`);
      runs.push(r);
    }
    const median = (f: (r: (typeof runs)[number]) => number) => stats(runs.map(f));

    const result = {
      benchmark: 'dashboard',
      date: new Date().toISOString(),
      machine: machine(cluster.bins.k8sVersion),
      workload: {
        stacks: STACKS,
        namespaces: NAMESPACES,
        gitRepositories: NAMESPACES,
        states: counts,
        pageSize: PAGE_SIZE,
        warmRequests: WARM_REQUESTS,
        browserRuns: BROWSER_RUNS,
        search: SEARCH,
        populateSeconds,
        dashboardStartSeconds,
      },
      unit: 'ms',
      api: {
        stacksPage: { path: stacksPage.path, firstRequestMs: stacksPage.coldMs, warmMs: stacksPage.warmMs, bytes: stacksPage.bytes, gzipBytes: stacksPage.gzipBytes },
        overview: { path: overview.path, firstRequestMs: overview.coldMs, warmMs: overview.warmMs, bytes: overview.bytes, gzipBytes: overview.gzipBytes },
      },
      baselineRawList: { what: `GET /apis/${API_VERSION}/stacks as the same user, all ${raw.items} at once`, ms: raw.ms, bytes: raw.bytes, gzipBytes: raw.gzipBytes },
      ratioToRawList: { warmTime: share(stacksPage.warmMs.p50, raw.ms.p50), firstRequestTime: share(stacksPage.coldMs, raw.ms.p50), bytes: share(stacksPage.bytes, raw.bytes) },
      browser: {
        firstRun: runs[0],
        median: {
          navigationToFirstRowMs: median((r) => r.navigationToFirstRowMs),
          navigationToFilteredMs: median((r) => r.navigationToFilteredMs),
          typeToFilteredMs: median((r) => r.typeToFilteredMs),
          scrollToRowMs: median((r) => r.scrollToRowMs),
        },
        scrollToRow: SCROLL_TO_ROW,
        domRows: runs[0]?.domRows,
        runs,
      },
    };

    const md = markdown(result);
    await mkdir(resultsDir, { recursive: true });
    await writeFile(join(resultsDir, 'dashboard.json'), JSON.stringify(result, null, 2) + '\n');
    await writeFile(join(resultsDir, 'dashboard.md'), md);
    console.log(`\n${md}`);
    step(`wrote ${join(resultsDir, 'dashboard.{json,md}')}`);
  } finally {
    step('stopping');
    await cleanup();
  }
}

type Result = {
  date: string;
  machine: Record<string, string | number>;
  workload: { stacks: number; namespaces: number; pageSize: number; warmRequests: number; browserRuns: number; search: string; populateSeconds: number; dashboardStartSeconds: number; states: Record<string, number> };
  api: Record<'stacksPage' | 'overview', { path: string; firstRequestMs: number; warmMs: Stats; bytes: number; gzipBytes: number }>;
  baselineRawList: { ms: Stats; bytes: number; gzipBytes: number };
  ratioToRawList: { warmTime: number | null; firstRequestTime: number | null; bytes: number | null };
  browser: { scrollToRow: number; domRows: number | undefined; firstRun: { navigationToFirstRowMs: number; navigationToFilteredMs: number; typeToFilteredMs: number; scrollToRowMs: number } | undefined; median: Record<string, Stats> };
};

function markdown(r: Result): string {
  const m = r.machine;
  const w = r.workload;
  const s = r.api.stacksPage;
  const o = r.api.overview;
  const b = r.browser;
  const first = b.firstRun;
  const states = Object.entries(w.states)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  return [
    '# Dashboard: 5,000 Stacks',
    '',
    `${r.date} · ${m.cpu} × ${m.cpus}, ${m.memoryGiB} GiB · Node ${m.node} · Kubernetes ${m.kubernetes} · Chromium (headless)`,
    '',
    `${w.stacks} Stacks in ${w.namespaces} namespaces (${states}), inventories of 3–6 entries, ${w.namespaces} GitRepositories, written through the API with their statuses (${w.populateSeconds} s), no controller. The dashboard runs in the benchmark's process (its cache synced in ${w.dashboardStartSeconds} s); a read-only ServiceAccount signs in with a token. “First” is the first request of a new session (it also pays for the user's access reviews); warm is over ${w.warmRequests} more. Bytes of the JSON; gzipped, in brackets, is what the dashboard sends a browser (it compresses everything but the event stream).`,
    '',
    '| Figure | Dashboard | Baseline: raw LIST of all 5,000 | Ratio |',
    '|---|---:|---:|---:|',
    `| /api/stacks, first page (${w.pageSize} rows): first / warm p50 (p90) | ${s.firstRequestMs} / ${s.warmMs.p50} (${s.warmMs.p90}) ms | ${r.baselineRawList.ms.p50} (${r.baselineRawList.ms.p90}) ms | ${r.ratioToRawList.firstRequestTime ?? '–'}× / ${r.ratioToRawList.warmTime ?? '–'}× |`,
    `| /api/stacks, first page: bytes | ${kib(s.bytes)} KiB (gzip ${kib(s.gzipBytes)}) | ${kib(r.baselineRawList.bytes)} KiB (gzip ${kib(r.baselineRawList.gzipBytes)}) | ${r.ratioToRawList.bytes}× |`,
    `| /api/overview: first / warm p50 (p90) | ${o.firstRequestMs} / ${o.warmMs.p50} (${o.warmMs.p90}) ms | – | – |`,
    `| /api/overview: bytes | ${kib(o.bytes)} KiB (gzip ${kib(o.gzipBytes)}) | – | – |`,
    '',
    `In Chromium, signed in by cookie, ${w.browserRuns} page loads of /stacks (each a new browser context, so nothing cached, and a new session): first load, then median (min–max).`,
    '',
    '| Figure | First load | Median (min–max) |',
    '|---|---:|---:|',
    `| navigation → first Stack row drawn | ${first?.navigationToFirstRowMs ?? '–'} ms | ${b.median.navigationToFirstRowMs!.p50} ms (${b.median.navigationToFirstRowMs!.min}–${b.median.navigationToFirstRowMs!.max}) |`,
    `| navigation → search typed and the table filtered to it (interactive) | ${first?.navigationToFilteredMs ?? '–'} ms | ${b.median.navigationToFilteredMs!.p50} ms (${b.median.navigationToFilteredMs!.min}–${b.median.navigationToFilteredMs!.max}) |`,
    `| typing → filtered (includes the box's 250 ms debounce) | ${first?.typeToFilteredMs ?? '–'} ms | ${b.median.typeToFilteredMs!.p50} ms (${b.median.typeToFilteredMs!.min}–${b.median.typeToFilteredMs!.max}) |`,
    `| jump to row ${b.scrollToRow.toLocaleString('en-US')} → drawn (its page fetched) | ${first?.scrollToRowMs ?? '–'} ms | ${b.median.scrollToRowMs!.p50} ms (${b.median.scrollToRowMs!.min}–${b.median.scrollToRowMs!.max}) |`,
    '',
    `Rows in the DOM with all ${w.stacks.toLocaleString('en-US')} in the table: ${b.domRows ?? '–'} (virtualised).`,
    '',
  ].join('\n');
}

await main();

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testCluster, testKubeApi, testNamespace } from '../support/cluster.ts';
import type { ApiError, Overview, Page, SourceRow, StackRow } from '../../src/dashboard/model.ts';
import type { KubeObject } from '../../src/kube/types.ts';
import { bareSource, bareStack, dashboardRules, eventually, makeUser, READ, readyCondition, setStatus, signedIn, startTestDashboard } from './support.ts';

const names = (p: Page<{ name: string }>) => p.items.map((r) => r.name);

function event(ns: string, stack: string, reason: string, message: string, type = 'Normal'): KubeObject {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${stack}.${Date.now().toString(16)}`, namespace: ns },
    involvedObject: { apiVersion: 'governor.dev/v1alpha1', kind: 'Stack', name: stack, namespace: ns },
    type,
    reason,
    message,
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
    source: { component: 'test' },
  };
}

test('dashboard views: overview, stacks and sources show what the user may list, with paging, filters and sorting', async (t) => {
  const info = await testCluster(t);
  const nsA = await testNamespace(t, info, 'dash-views-a');
  const nsB = await testNamespace(t, info, 'dash-views-b');
  const api = await testKubeApi(t, info);
  const dash = await startTestDashboard(t, info);
  const viewer = await makeUser(t, api, nsA, 'viewer', dashboardRules(READ), { namespaces: [nsA] });
  const admin = await makeUser(t, api, nsA, 'admin', dashboardRules([...READ, 'patch']), { clusterWide: true });
  const viewerB = await makeUser(t, api, nsB, 'viewer', dashboardRules(READ), { namespaces: [nsB] });

  const states: Record<string, () => Promise<void>> = {};
  for (let i = 0; i < 12; i++) {
    const name = `app-${String(i).padStart(2, '0')}`;
    await api.create(bareStack(nsA, name, i === 7 ? { suspend: true } : {}));
    const at = `2026-01-01T00:00:${String(i).padStart(2, '0')}Z`;
    if (i <= 3) states[name] = () => setStatus(api, 'Stack', nsA, name, { observedGeneration: 1, conditions: [readyCondition('True', 'ReconciliationSucceeded', 'Applied revision: main@sha1:abc', at)], lastAppliedRevision: `main@sha1:${i}bc` });
    else if (i <= 5) states[name] = () => setStatus(api, 'Stack', nsA, name, { observedGeneration: 1, conditions: [readyCondition('False', 'ApplyFailed', `apply failed: quota ${i}`, at)] });
    else if (i === 6) states[name] = () => setStatus(api, 'Stack', nsA, name, { observedGeneration: 1, conditions: [readyCondition('True', 'ReconciliationSucceeded', 'ok', at)], drift: { count: 3, lastDriftTime: at } });
    else if (i === 8) states[name] = () => setStatus(api, 'Stack', nsA, name, { observedGeneration: 1, conditions: [readyCondition('Unknown', 'Progressing', 'applying', at)] });
  }
  for (const s of Object.values(states)) await s();
  for (let i = 0; i < 3; i++) await api.create(bareStack(nsB, `other-${i}`));
  await api.create(bareSource(nsA, 'platform'));
  await api.create(bareSource(nsB, 'platform'));
  await setStatus(api, 'GitRepository', nsA, 'platform', {
    observedGeneration: 1,
    conditions: [readyCondition('True', 'Succeeded', 'fetched')],
    artifact: { revision: 'main@sha1:abc', commit: { sha: 'abc', message: 'add apps', author: 'Ann <ann@example.com>', time: '2026-01-01T00:00:00Z' }, lastUpdateTime: '2026-01-01T00:01:00Z' },
  });
  await api.create(event(nsA, 'app-04', 'ApplyFailed', 'apply failed: quota 4', 'Warning'));
  await api.create(event(nsB, 'other-0', 'ReconciliationSucceeded', 'secret of B'));

  const v = await signedIn(dash.url, viewer.token);
  const a = await signedIn(dash.url, admin.token);
  const vB = await signedIn(dash.url, viewerB.token);
  await eventually('the dashboard has every Stack, status and event', async () => {
    // Facets count everything visible: only A's viewer sees exactly A.
    const p = (await v.get<Page<StackRow>>('/api/stacks?pageSize=500')).body;
    // Other tests' events may be newer: B's own viewer sees B's alone.
    const o = (await vB.get<Overview>('/api/overview')).body;
    assert.equal(p.total, 12);
    assert.equal((await v.get('/api/stacks?pageSize=500')).headers.get('content-encoding'), 'gzip', 'pages are compressed');
    assert.equal(p.facets.states.unknown, 3, JSON.stringify(p.facets.states));
    assert.ok(o.events.some((e) => e.message === 'secret of B'), JSON.stringify(o.events));
    return true;
  });

  await t.test('a user restricted to one namespace sees only its Stacks', async () => {
    const p = (await v.get<Page<StackRow>>('/api/stacks?pageSize=500')).body;
    assert.equal(p.total, 12);
    assert.ok(p.items.every((r) => r.namespace === nsA));
    assert.deepEqual(p.facets.namespaces, [nsA]);
    assert.deepEqual(p.facets.sources, [`${nsA}/platform`]);
    assert.deepEqual(p.facets.states, { suspended: 1, failed: 2, drifted: 1, progressing: 1, ready: 4, unknown: 3 });
    const none = (await v.get<Page<StackRow>>(`/api/stacks?namespace=${nsB}`)).body;
    assert.equal(none.total, 0);
    const detail = await v.get<ApiError>(`/api/stacks/${nsB}/other-0`);
    assert.equal(detail.status, 404);
    assert.equal(detail.body.error.code, 'not_found');
    // The cluster-wide user sees both.
    assert.equal((await a.get<Page<StackRow>>(`/api/stacks?namespace=${nsB}`)).body.total, 3);
    const all = (await a.get<Page<StackRow>>('/api/stacks?pageSize=500')).body;
    assert.ok(all.facets.namespaces.includes(nsA) && all.facets.namespaces.includes(nsB));
  });

  await t.test('paging', async () => {
    const p1 = (await v.get<Page<StackRow>>('/api/stacks?pageSize=5')).body;
    assert.deepEqual(names(p1), ['app-00', 'app-01', 'app-02', 'app-03', 'app-04']);
    assert.equal(p1.total, 12);
    assert.equal(p1.pageSize, 5);
    const p3 = (await v.get<Page<StackRow>>('/api/stacks?pageSize=5&page=3')).body;
    assert.deepEqual(names(p3), ['app-10', 'app-11']);
    assert.equal(p3.page, 3);
  });

  await t.test('filters and search', async () => {
    assert.deepEqual(names((await v.get<Page<StackRow>>('/api/stacks?state=failed')).body), ['app-04', 'app-05']);
    assert.deepEqual(names((await v.get<Page<StackRow>>('/api/stacks?q=APP-1')).body), ['app-10', 'app-11']);
    assert.deepEqual(names((await v.get<Page<StackRow>>('/api/stacks?q=quota%205')).body), ['app-05']);
    assert.equal((await v.get<Page<StackRow>>(`/api/stacks?source=${nsA}/platform`)).body.total, 12);
    assert.equal((await v.get<Page<StackRow>>(`/api/stacks?namespace=${nsA}&state=suspended`)).body.items[0]?.name, 'app-07');
  });

  await t.test('sorting', async () => {
    const byState = (await v.get<Page<StackRow>>('/api/stacks?sort=state&pageSize=4')).body;
    assert.deepEqual(byState.items.map((r) => r.state), ['failed', 'failed', 'drifted', 'progressing']);
    assert.equal((await v.get<Page<StackRow>>('/api/stacks?sort=drift&order=desc')).body.items[0]?.name, 'app-06');
    assert.deepEqual(names((await v.get<Page<StackRow>>('/api/stacks?sort=name&order=desc&pageSize=2')).body), ['app-11', 'app-10']);
    assert.deepEqual(names((await v.get<Page<StackRow>>('/api/stacks?sort=age&pageSize=2')).body), ['app-08', 'app-06'], 'the latest transitions first');
    assert.deepEqual(names((await v.get<Page<StackRow>>('/api/stacks?sort=revision&order=desc&pageSize=1')).body), ['app-03']);
  });

  await t.test('bad queries are 400 with a reason', async () => {
    for (const q of ['page=0', 'pageSize=abc', 'state=happy', 'sort=colour', 'order=sideways']) {
      const r = await v.get<ApiError>(`/api/stacks?${q}`);
      assert.equal(r.status, 400, q);
      assert.equal(r.body.error.code, 'bad_request');
    }
  });

  await t.test('sources: only the namespace the user may list, with the commit', async () => {
    const p = (await v.get<Page<SourceRow>>('/api/sources')).body;
    assert.deepEqual(p.items.map((r) => `${r.namespace}/${r.name}`), [`${nsA}/platform`]);
    const src = p.items[0]!;
    assert.equal(src.state, 'ready');
    assert.equal(src.ref, 'branch main');
    assert.equal(src.url, 'https://git.example.com/platform.git');
    assert.deepEqual(src.commit, { sha: 'abc', message: 'add apps', author: 'Ann <ann@example.com>', time: '2026-01-01T00:00:00Z' });
    assert.equal(src.lastFetchTime, '2026-01-01T00:01:00Z');
    assert.equal((await a.get<Page<SourceRow>>(`/api/sources?namespace=${nsB}`)).body.total, 1);
  });

  await t.test('overview: counts, failing Stacks and events of what the user may see', async () => {
    const o = (await v.get<Overview>('/api/overview')).body;
    assert.deepEqual(o.stacks, { suspended: 1, failed: 2, drifted: 1, progressing: 1, ready: 4, unknown: 3 });
    assert.deepEqual(o.sources, { suspended: 0, failed: 0, drifted: 0, progressing: 0, ready: 1, unknown: 0 });
    assert.deepEqual(o.failing.map((r) => r.name), ['app-05', 'app-04'], 'the most recent failure first');
    assert.ok(o.events.some((e) => e.reason === 'ApplyFailed' && e.object.name === 'app-04' && e.type === 'Warning'));
    assert.ok(!o.events.some((e) => e.message === 'secret of B'), 'no events of a namespace the user may not read');
    assert.ok(o.events.length <= 20);
    assert.ok(Array.isArray(o.slowest));
  });
});

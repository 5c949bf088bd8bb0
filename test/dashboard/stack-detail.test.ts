import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StackDetail, GraphNode } from '../../src/dashboard/model.ts';
import { testCluster, testNamespace } from '../support/cluster.ts';
import { gitFixture, gitRepository, readyAt, stack, startController, waitForStack } from '../support/controller.ts';
import { dashboardRules, eventually, makeUser, READ, signedIn, startTestDashboard, webAndDbManifests } from './support.ts';

const SECRET_VALUE = 'hunter2-never-shown';

const manifests = (ns: string) =>
  webAndDbManifests(ns, { mode: 'blue' }, {
    'apps/web/secret.yaml': { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'web-secret', namespace: ns }, stringData: { password: SECRET_VALUE } },
    'apps/frontend/config.yaml': { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'frontend-config', namespace: ns }, data: { theme: 'dark' } },
  });

test('dashboard stack detail: source commit, conditions, dependencies, events, the live object graph and drift', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'dash-detail');
  const git = await gitFixture(t);
  const sha = await git.work.commit('web, db and frontend', manifests(ns));
  const { api } = await startController(t, info, { namespaces: [ns] });
  await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1h', ref: { branch: 'main' } }));
  await api.apply(stack(ns, 'db', { sourceRef: { name: 'platform' }, path: './apps/db', interval: '1h' }));
  await api.apply(stack(ns, 'web', { sourceRef: { name: 'platform' }, path: './apps/web', interval: '1h', wait: true, timeout: '2m', dependsOn: [{ name: 'db' }] }));
  await api.apply(stack(ns, 'frontend', { sourceRef: { name: 'platform' }, path: './apps/frontend', interval: '1h', dependsOn: [{ name: 'web' }] }));
  await waitForStack(api, ns, 'web', 'Ready', readyAt(sha), 120_000);
  await waitForStack(api, ns, 'frontend', 'Ready', readyAt(sha), 60_000);

  const dash = await startTestDashboard(t, info);
  const operator = await makeUser(t, api, ns, 'operator', dashboardRules([...READ, 'patch']), { namespaces: [ns] });
  // May read Governor's kinds, events and ConfigMaps, and nothing else of the namespace.
  const limited = await makeUser(
    t,
    api,
    ns,
    'limited',
    [
      { apiGroups: ['governor.dev'], resources: ['stacks', 'gitrepositories'], verbs: READ },
      { apiGroups: [''], resources: ['events', 'configmaps'], verbs: READ },
    ],
    { namespaces: [ns] },
  );
  const op = await signedIn(dash.url, operator.token);

  const detail = await eventually('a detail with running Pods', async () => {
    const r = await op.get<StackDetail>(`/api/stacks/${ns}/web`);
    if (r.status !== 200) return undefined;
    const pods = r.body.inventory.nodes.filter((n) => n.kind === 'Pod');
    return r.body.stack.state === 'ready' && pods.length === 2 && pods.every((p) => p.health === 'Current') && r.body;
  }, 60_000);
  const raw = JSON.stringify(detail);

  await t.test('the Stack, its spec, source and commit, conditions', () => {
    assert.equal(detail.stack.revision, `main@sha1:${sha}`);
    assert.equal(detail.stack.objects, 4);
    assert.deepEqual(detail.spec, { interval: '1h', prune: true, wait: true, driftMode: 'correct' });
    assert.equal(detail.source?.name, 'platform');
    assert.equal(detail.source?.commit?.sha, sha);
    assert.equal(detail.source?.commit?.message, 'web, db and frontend');
    const ready = detail.conditions.find((c) => c.type === 'Ready');
    assert.equal(ready?.status, 'True');
    assert.match(ready?.message ?? '', new RegExp(sha));
    assert.deepEqual(detail.can, { reconcile: true, suspend: true });
  });

  await t.test('dependencies both ways', () => {
    const nodes = Object.fromEntries(detail.dependencies.nodes.map((n) => [`${n.namespace}/${n.name}`, n.state]));
    assert.deepEqual(nodes, { [`${ns}/web`]: 'ready', [`${ns}/db`]: 'ready', [`${ns}/frontend`]: 'ready' });
    assert.deepEqual(
      [...detail.dependencies.edges].sort((a, b) => a.from.localeCompare(b.from)),
      [
        { from: `${ns}/frontend`, to: `${ns}/web` },
        { from: `${ns}/web`, to: `${ns}/db` },
      ],
    );
  });

  await t.test('events of this Stack, newest first', () => {
    assert.ok(detail.events.length > 0);
    assert.ok(detail.events.every((e) => e.object.kind === 'Stack' && e.object.name === 'web'));
    assert.ok(detail.events.some((e) => e.reason === 'ReconciliationSucceeded'));
    const times = detail.events.map((e) => Date.parse(e.lastTimestamp));
    assert.deepEqual(times, [...times].sort((a, b) => b - a));
  });

  await t.test('the object graph: inventory, Deployment → ReplicaSet → Pod, Service → Pod, health on each node', () => {
    const byKind = (kind: string) => detail.inventory.nodes.filter((n) => n.kind === kind);
    const node = (kind: string): GraphNode => byKind(kind)[0]!;
    for (const kind of ['ConfigMap', 'Secret', 'Deployment', 'Service']) {
      assert.equal(node(kind).managed, true, kind);
      assert.equal(node(kind).health, 'Current', `${kind}: ${node(kind).message}`);
    }
    const deployment = node('Deployment');
    const replicaSets = byKind('ReplicaSet');
    assert.equal(replicaSets.length, 1);
    assert.equal(replicaSets[0]!.managed, false);
    const pods = byKind('Pod');
    const edges = detail.inventory.edges;
    assert.ok(edges.some((e) => e.type === 'owner' && e.from === deployment.id && e.to === replicaSets[0]!.id));
    for (const pod of pods) {
      assert.ok(edges.some((e) => e.type === 'owner' && e.from === replicaSets[0]!.id && e.to === pod.id), pod.id);
      assert.ok(edges.some((e) => e.type === 'selects' && e.from === node('Service').id && e.to === pod.id), pod.id);
    }
    assert.equal(deployment.id, `apps/Deployment/${ns}/web`);
    assert.equal(detail.inventory.note, undefined);
  });

  await t.test('a Secret in the inventory is a name and a health, nothing of its data', () => {
    const secret = detail.inventory.nodes.find((n) => n.kind === 'Secret')!;
    assert.deepEqual(Object.keys(secret).sort(), ['apiVersion', 'drifted', 'health', 'id', 'kind', 'managed', 'name', 'namespace']);
    assert.ok(!raw.includes(SECRET_VALUE));
    assert.ok(!raw.includes(Buffer.from(SECRET_VALUE).toString('base64')));
  });

  await t.test('what the user may not read is Unknown, never an error', async () => {
    const b = await signedIn(dash.url, limited.token);
    const r = await b.get<StackDetail>(`/api/stacks/${ns}/web`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const health = Object.fromEntries(r.body.inventory.nodes.map((n) => [n.kind, n.health]));
    assert.deepEqual(health, { ConfigMap: 'Current', Secret: 'Unknown', Deployment: 'Unknown', Service: 'Unknown' });
    assert.match(r.body.inventory.nodes.find((n) => n.kind === 'Deployment')!.message ?? '', /forbidden/);
    assert.deepEqual(r.body.can, { reconcile: false, suspend: false });
  });

  await t.test('drift: the diff of what changed, from the DriftDetected event', async () => {
    await api.mergePatch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'web-config' }, { data: { mode: 'green' } });
    const withDrift = await eventually('a drift in the detail', async () => {
      const d = (await op.get<StackDetail>(`/api/stacks/${ns}/web`)).body;
      return d.drift.some((x) => x.object.name === 'web-config') && d;
    }, 60_000);
    const drift = withDrift.drift.find((x) => x.object.name === 'web-config')!;
    assert.deepEqual(drift.object, { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'web-config' });
    assert.deepEqual(drift.paths, ['data.mode']);
    assert.match(drift.diff, /^-data\.mode: blue$/m);
    assert.match(drift.diff, /^\+data\.mode: green$/m);
    assert.ok(drift.time);
  });
});

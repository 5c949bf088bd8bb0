import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testCluster, testNamespace } from '../support/cluster.ts';
import { eventsFor, getRepo, gitFixture, gitRepository, readyAt, stack, startController, waitForStack } from '../support/controller.ts';
import { waitFor } from '../cluster/http.ts';
import type { KubeApi } from '../../src/kube/api.ts';
import type { KubeObject } from '../../src/kube/types.ts';

type ConfigMap = KubeObject & { data?: Record<string, string> };

const configMap = (ns: string, name: string, data: Record<string, string>, annotations?: Record<string, string>) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, ...(annotations ? { annotations } : {}) }, data });

const cmRef = (namespace: string, name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name });

async function liveConfigMap(api: KubeApi, namespace: string, name: string): Promise<ConfigMap | undefined> {
  return api.find<ConfigMap>(cmRef(namespace, name));
}

/** Makes the controller fetch the new commit now rather than at the end of the interval. */
async function fetchNow(api: KubeApi, ns: string, sha: string): Promise<void> {
  await api.mergePatch(
    { apiVersion: 'governor.dev/v1alpha1', kind: 'GitRepository', namespace: ns, name: 'platform' },
    { metadata: { annotations: { 'governor.dev/reconcile-requested-at': `fetch-${sha}` } } },
  );
  await waitFor(`the source at ${sha}`, async () => (await getRepo(api, ns, 'platform'))?.status?.artifact?.revision === `main@sha1:${sha}`, 30_000);
}

const inventoryIds = (s: { status?: { inventory?: { entries: { id: string }[] } } }) => (s.status?.inventory?.entries ?? []).map((e) => e.id).sort();

test('a file removed from Git is pruned, and only that object', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'prune');
  const git = await gitFixture(t);
  const sha1 = await git.work.commit('three objects', {
    'app/a.yaml': configMap(ns, 'a', { v: '1' }),
    'app/b.yaml': configMap(ns, 'b', { v: '1' }),
    'app/c.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: c\n  namespace: ${ns}\nstringData:\n  v: "1"\n`,
  });
  const { api } = await startController(t, info, { namespaces: [ns] });
  // Not Governor's: made by hand in the same namespace.
  await api.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'by-hand', namespace: ns }, data: { v: 'x' } } as KubeObject);
  await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1m', ref: { branch: 'main' } }));
  await api.apply(stack(ns, 'app', { sourceRef: { name: 'platform' }, path: './app', interval: '1h' }));

  const s1 = await waitForStack(api, ns, 'app', 'Ready', readyAt(sha1));
  assert.deepEqual(inventoryIds(s1), [`${ns}_a__ConfigMap`, `${ns}_b__ConfigMap`, `${ns}_c__Secret`]);
  const a1 = await liveConfigMap(api, ns, 'a');
  const c1 = await api.get({ apiVersion: 'v1', kind: 'Secret', namespace: ns, name: 'c' });

  const sha2 = await git.work.commit('remove b', { 'app/b.yaml': null });
  await fetchNow(api, ns, sha2);
  const s2 = await waitForStack(api, ns, 'app', 'Ready at the commit without b', readyAt(sha2));

  assert.equal(await liveConfigMap(api, ns, 'b'), undefined, 'the object whose file was removed is deleted');
  assert.deepEqual(inventoryIds(s2), [`${ns}_a__ConfigMap`, `${ns}_c__Secret`]);
  const a2 = await liveConfigMap(api, ns, 'a');
  const c2 = await api.get({ apiVersion: 'v1', kind: 'Secret', namespace: ns, name: 'c' });
  assert.equal(a2?.metadata.uid, a1?.metadata.uid, 'the other objects are untouched');
  assert.equal(a2?.metadata.resourceVersion, a1?.metadata.resourceVersion);
  assert.equal(c2.metadata.uid, c1.metadata.uid);
  assert.equal(c2.metadata.resourceVersion, c1.metadata.resourceVersion);
  assert.deepEqual((await liveConfigMap(api, ns, 'by-hand'))?.data, { v: 'x' }, 'an object Governor never applied is left alone');

  const events = await eventsFor(api, ns, 'app');
  assert.ok(events.some((e) => e.reason === 'Applied' && e.type === 'Normal' && /1 pruned/.test(e.message)), JSON.stringify(events));
});

test('an object annotated governor.dev/prune: disabled in Git stays when it is removed from Git', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'prune-disabled');
  const git = await gitFixture(t);
  const sha1 = await git.work.commit('two objects', {
    'app/keep.yaml': configMap(ns, 'keep', { v: '1' }, { 'governor.dev/prune': 'disabled' }),
    'app/other.yaml': configMap(ns, 'other', { v: '1' }),
  });
  const { api } = await startController(t, info, { namespaces: [ns] });
  await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1m', ref: { branch: 'main' } }));
  await api.apply(stack(ns, 'app', { sourceRef: { name: 'platform' }, path: './app', interval: '1h' }));
  const s1 = await waitForStack(api, ns, 'app', 'Ready', readyAt(sha1));
  assert.deepEqual(inventoryIds(s1), [`${ns}_keep__ConfigMap`, `${ns}_other__ConfigMap`]);

  const sha2 = await git.work.commit('remove both', { 'app/keep.yaml': null, 'app/other.yaml': null, 'app/new.yaml': configMap(ns, 'new', { v: '2' }) });
  await fetchNow(api, ns, sha2);
  const s2 = await waitForStack(api, ns, 'app', 'Ready at the commit without them', readyAt(sha2));

  assert.equal(await liveConfigMap(api, ns, 'other'), undefined, 'the object without the annotation is pruned');
  assert.deepEqual((await liveConfigMap(api, ns, 'keep'))?.data, { v: '1' }, 'the annotated object stays');
  assert.deepEqual(inventoryIds(s2), [`${ns}_new__ConfigMap`], 'what stays is no longer part of the Stack');
});

test('an object whose governor labels someone else removed is not pruned', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'prune-taken');
  const git = await gitFixture(t);
  const sha1 = await git.work.commit('two objects', {
    'app/taken.yaml': configMap(ns, 'taken', { v: '1' }),
    'app/other.yaml': configMap(ns, 'other', { v: '1' }),
  });
  const { api } = await startController(t, info, { namespaces: [ns] });
  await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1m', ref: { branch: 'main' } }));
  // Drift correction would take the object straight back (it is still in Git then); this test is
  // about prune, so drift is left alone here.
  await api.apply(stack(ns, 'app', { sourceRef: { name: 'platform' }, path: './app', interval: '1h', drift: { mode: 'ignore' } }));
  await waitForStack(api, ns, 'app', 'Ready', readyAt(sha1));

  // Someone takes the object over: our labels go, theirs come.
  const taken = await api.mergePatch<ConfigMap>(cmRef(ns, 'taken'), {
    metadata: { labels: { 'governor.dev/stack-name': null, 'governor.dev/stack-namespace': null, owner: 'someone-else' } },
  });
  assert.equal(taken.metadata.labels?.['governor.dev/stack-name'], undefined);

  const sha2 = await git.work.commit('remove both', { 'app/taken.yaml': null, 'app/other.yaml': null, 'app/new.yaml': configMap(ns, 'new', { v: '2' }) });
  await fetchNow(api, ns, sha2);
  const s2 = await waitForStack(api, ns, 'app', 'Ready at the commit without them', readyAt(sha2));

  assert.equal(await liveConfigMap(api, ns, 'other'), undefined, 'the object still labelled as ours is pruned');
  const live = await liveConfigMap(api, ns, 'taken');
  assert.equal(live?.metadata.uid, taken.metadata.uid, 'the object taken over is not deleted');
  assert.deepEqual(live?.metadata.labels, { owner: 'someone-else' });
  assert.deepEqual(inventoryIds(s2), [`${ns}_new__ConfigMap`]);
});

test('prune: false keeps the objects removed from Git', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'prune-off');
  const git = await gitFixture(t);
  const sha1 = await git.work.commit('two objects', {
    'app/a.yaml': configMap(ns, 'a', { v: '1' }),
    'app/b.yaml': configMap(ns, 'b', { v: '1' }),
  });
  const { api } = await startController(t, info, { namespaces: [ns] });
  await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1m', ref: { branch: 'main' } }));
  await api.apply(stack(ns, 'app', { sourceRef: { name: 'platform' }, path: './app', interval: '1h', prune: false }));
  await waitForStack(api, ns, 'app', 'Ready', readyAt(sha1));
  const b1 = await liveConfigMap(api, ns, 'b');

  const sha2 = await git.work.commit('remove b, change a', { 'app/b.yaml': null, 'app/a.yaml': configMap(ns, 'a', { v: '2' }) });
  await fetchNow(api, ns, sha2);
  await waitForStack(api, ns, 'app', 'Ready at the commit without b', readyAt(sha2));

  assert.deepEqual((await liveConfigMap(api, ns, 'a'))?.data, { v: '2' }, 'the new commit is applied');
  const b2 = await liveConfigMap(api, ns, 'b');
  assert.equal(b2?.metadata.uid, b1?.metadata.uid, 'the removed object stays');
  assert.deepEqual(b2?.data, { v: '1' });
  const events = await eventsFor(api, ns, 'app');
  assert.ok(!events.some((e) => /pruned/.test(e.message)), JSON.stringify(events));
});

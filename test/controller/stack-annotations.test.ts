import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testCluster, testNamespace } from '../support/cluster.ts';
import { getRepo, getStack, gitFixture, gitRepository, readyAt, stack, startController, waitForStack } from '../support/controller.ts';
import { waitFor } from '../cluster/http.ts';
import type { KubeApi } from '../../src/kube/api.ts';
import type { KubeObject } from '../../src/kube/types.ts';

type ConfigMap = KubeObject & { data?: Record<string, string> };

const configMap = (ns: string, name: string, data: Record<string, string>, annotations?: Record<string, string>) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, ...(annotations ? { annotations } : {}) }, data });

const cmRef = (namespace: string, name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name });
const stackRef = (namespace: string, name: string) => ({ apiVersion: 'governor.dev/v1alpha1', kind: 'Stack', namespace, name });

async function dataOf(api: KubeApi, namespace: string, name: string): Promise<Record<string, string> | undefined> {
  return (await api.find<ConfigMap>(cmRef(namespace, name)))?.data;
}

async function fetchNow(api: KubeApi, ns: string, sha: string): Promise<void> {
  await api.mergePatch(
    { apiVersion: 'governor.dev/v1alpha1', kind: 'GitRepository', namespace: ns, name: 'platform' },
    { metadata: { annotations: { 'governor.dev/reconcile-requested-at': `fetch-${sha}` } } },
  );
  await waitFor(`the source at ${sha}`, async () => (await getRepo(api, ns, 'platform'))?.status?.artifact?.revision === `main@sha1:${sha}`, 30_000);
}

test('governor.dev/apply: if-not-present creates once and keeps manual changes; ignore never applies', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'annot-apply');
  const git = await gitFixture(t);
  const files = (v: string) => ({
    'app/once.yaml': configMap(ns, 'once', { v }, { 'governor.dev/apply': 'if-not-present' }),
    'app/never.yaml': configMap(ns, 'never', { v }, { 'governor.dev/apply': 'ignore' }),
    'app/always.yaml': configMap(ns, 'always', { v }),
  });
  const sha1 = await git.work.commit('v1', files('1'));
  const { api } = await startController(t, info, { namespaces: [ns] });
  await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1h', ref: { branch: 'main' } }));
  await api.apply(stack(ns, 'app', { sourceRef: { name: 'platform' }, path: './app', interval: '1h' }));

  const s1 = await waitForStack(api, ns, 'app', 'Ready', readyAt(sha1));
  assert.deepEqual(await dataOf(api, ns, 'once'), { v: '1' }, 'if-not-present creates the object');
  assert.deepEqual(await dataOf(api, ns, 'always'), { v: '1' });
  assert.equal(await dataOf(api, ns, 'never'), undefined, 'ignore never applies');
  assert.deepEqual(s1.status?.inventory?.entries.map((e) => e.id).sort(), [`${ns}_always__ConfigMap`, `${ns}_once__ConfigMap`]);

  await api.mergePatch(cmRef(ns, 'once'), { data: { v: 'manual' } });
  const sha2 = await git.work.commit('v2', files('2'));
  await fetchNow(api, ns, sha2);
  await waitForStack(api, ns, 'app', 'Ready at v2', readyAt(sha2));
  assert.deepEqual(await dataOf(api, ns, 'always'), { v: '2' });
  assert.deepEqual(await dataOf(api, ns, 'once'), { v: 'manual' }, 'a later commit does not overwrite an if-not-present object');
  assert.equal(await dataOf(api, ns, 'never'), undefined);

  // Deleted by hand, an if-not-present object is created again from Git.
  await api.delete(cmRef(ns, 'once'));
  await waitFor('once deleted', async () => (await dataOf(api, ns, 'once')) === undefined, 10_000);
  await api.mergePatch(stackRef(ns, 'app'), { metadata: { annotations: { 'governor.dev/reconcile-requested-at': 'recreate' } } });
  await waitFor('once created again', async () => (await dataOf(api, ns, 'once'))?.v === '2', 20_000);
});

test('suspend stops applying new commits; resuming applies them', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'annot-suspend');
  const git = await gitFixture(t);
  const files = (v: string) => ({
    'app/config.yaml': configMap(ns, 'app-config', { v }),
    'witness/config.yaml': configMap(ns, 'witness-config', { v }),
  });
  const sha1 = await git.work.commit('v1', files('1'));
  const { api } = await startController(t, info, { namespaces: [ns] });
  await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1h', ref: { branch: 'main' } }));
  await api.apply(stack(ns, 'app', { sourceRef: { name: 'platform' }, path: './app', interval: '1h' }));
  // A second Stack of the same source shows when the controller has handled a new revision.
  await api.apply(stack(ns, 'witness', { sourceRef: { name: 'platform' }, path: './witness', interval: '1h' }));
  await waitForStack(api, ns, 'app', 'Ready', readyAt(sha1));

  await api.mergePatch(stackRef(ns, 'app'), { spec: { suspend: true } });
  const sha2 = await git.work.commit('v2', files('2'));
  await fetchNow(api, ns, sha2);
  await waitForStack(api, ns, 'witness', 'Ready at v2', readyAt(sha2));
  // A reconcile request is not a way around suspend either.
  await api.mergePatch(stackRef(ns, 'app'), { metadata: { annotations: { 'governor.dev/reconcile-requested-at': 'while-suspended' } } });
  const sha3 = await git.work.commit('v3', files('3'));
  await fetchNow(api, ns, sha3);
  await waitForStack(api, ns, 'witness', 'Ready at v3', readyAt(sha3));
  const suspended = await getStack(api, ns, 'app');
  assert.ok(suspended?.status?.lastAppliedRevision?.endsWith(sha1), JSON.stringify(suspended?.status));
  assert.ok(suspended?.status?.lastAttemptedRevision?.endsWith(sha1));
  assert.deepEqual(await dataOf(api, ns, 'app-config'), { v: '1' }, 'a suspended Stack applies nothing');

  await api.mergePatch(stackRef(ns, 'app'), { spec: { suspend: false } });
  await waitForStack(api, ns, 'app', 'Ready at the newest commit after resuming', readyAt(sha3));
  assert.deepEqual(await dataOf(api, ns, 'app-config'), { v: '3' });
});

test('governor.dev/reconcile-requested-at on a Stack reconciles it now and is recorded as handled', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'annot-reconcile');
  const git = await gitFixture(t);
  // The ConfigMap of variables is not watched: only a reconcile notices that it changed.
  const sha = await git.work.commit('templated', { 'app/config.yaml': configMap(ns, 'app-config', { colour: '${COLOUR}' }) });
  const { api } = await startController(t, info, { namespaces: [ns] });
  await api.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'vars', namespace: ns }, data: { COLOUR: 'red' } } as KubeObject);
  await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1h', ref: { branch: 'main' } }));
  await api.apply(
    stack(ns, 'app', { sourceRef: { name: 'platform' }, path: './app', interval: '1h', substituteFrom: [{ kind: 'ConfigMap', name: 'vars' }] }),
  );
  const s1 = await waitForStack(api, ns, 'app', 'Ready', readyAt(sha));
  assert.deepEqual(await dataOf(api, ns, 'app-config'), { colour: 'red' });
  assert.equal(s1.status?.lastHandledReconcileAt, undefined);

  await api.mergePatch(cmRef(ns, 'vars'), { data: { COLOUR: 'blue' } });
  const requested = new Date().toISOString();
  await api.mergePatch(stackRef(ns, 'app'), { metadata: { annotations: { 'governor.dev/reconcile-requested-at': requested } } });
  const s2 = await waitForStack(api, ns, 'app', 'reconcile request handled', (s) => s.status?.lastHandledReconcileAt === requested);
  assert.ok(readyAt(sha)(s2));
  assert.deepEqual(await dataOf(api, ns, 'app-config'), { colour: 'blue' }, 'the requested reconcile applied the new value');

  const again = `${requested}-again`;
  await api.mergePatch(cmRef(ns, 'vars'), { data: { COLOUR: 'green' } });
  await api.mergePatch(stackRef(ns, 'app'), { metadata: { annotations: { 'governor.dev/reconcile-requested-at': again } } });
  await waitForStack(api, ns, 'app', 'second request handled', (s) => s.status?.lastHandledReconcileAt === again);
  assert.deepEqual(await dataOf(api, ns, 'app-config'), { colour: 'green' });
});

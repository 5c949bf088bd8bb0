import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testCluster, testNamespace } from '../support/cluster.ts';
import { getStack, gitFixture, gitRepository, readyAt, stack, startController, waitForStack } from '../support/controller.ts';
import { waitFor } from '../cluster/http.ts';
import type { KubeApi } from '../../src/kube/api.ts';
import type { KubeObject, ObjectRef } from '../../src/kube/types.ts';

const configMap = (ns: string, name: string, annotations?: Record<string, string>) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, ...(annotations ? { annotations } : {}) }, data: { v: '1' } });

const stackRef = (namespace: string, name: string): ObjectRef => ({ apiVersion: 'governor.dev/v1alpha1', kind: 'Stack', namespace, name });

async function deleteStackAndWaitGone(api: KubeApi, ns: string, name: string): Promise<void> {
  await api.delete(stackRef(ns, name));
  await waitFor(`Stack ${ns}/${name} gone`, async () => (await getStack(api, ns, name)) === undefined, 30_000);
}

test('deleting a Stack deletes what it applied, then the Stack disappears', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'delete');
  const git = await gitFixture(t);
  const sha = await git.work.commit('objects', {
    'app/a.yaml': configMap(ns, 'a'),
    'app/b.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: b\n  namespace: ${ns}\nstringData:\n  v: "1"\n`,
    'app/keep.yaml': configMap(ns, 'keep', { 'governor.dev/prune': 'disabled' }),
    'other/o.yaml': configMap(ns, 'o'),
  });
  const { api } = await startController(t, info, { namespaces: [ns] });
  await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1m', ref: { branch: 'main' } }));
  await api.apply(stack(ns, 'app', { sourceRef: { name: 'platform' }, path: './app', interval: '1h' }));
  // A second Stack in the same namespace, whose objects must not go with the first.
  await api.apply(stack(ns, 'other', { sourceRef: { name: 'platform' }, path: './other', interval: '1h' }));
  const s = await waitForStack(api, ns, 'app', 'Ready', readyAt(sha));
  await waitForStack(api, ns, 'other', 'Ready', readyAt(sha));
  assert.deepEqual(s.metadata.finalizers, ['governor.dev/finalizer']);

  await deleteStackAndWaitGone(api, ns, 'app');

  assert.equal(await api.find({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'a' }), undefined);
  assert.equal(await api.find({ apiVersion: 'v1', kind: 'Secret', namespace: ns, name: 'b' }), undefined);
  assert.ok(await api.find({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'keep' }), 'governor.dev/prune: disabled keeps an object');
  assert.ok(await api.find({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'o' }), "another Stack's objects stay");
  assert.ok(readyAt(sha)((await getStack(api, ns, 'other'))!));
});

test('deleting a Stack with prune: false leaves its objects; the Stack still disappears', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'delete-keep');
  const git = await gitFixture(t);
  const sha = await git.work.commit('objects', { 'app/a.yaml': configMap(ns, 'a'), 'app/b.yaml': configMap(ns, 'b') });
  const { api } = await startController(t, info, { namespaces: [ns] });
  await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1m', ref: { branch: 'main' } }));
  await api.apply(stack(ns, 'app', { sourceRef: { name: 'platform' }, path: './app', interval: '1h', prune: false }));
  const s = await waitForStack(api, ns, 'app', 'Ready', readyAt(sha));
  assert.deepEqual(s.metadata.finalizers, ['governor.dev/finalizer']);
  const before = await api.find<KubeObject>({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'a' });

  await deleteStackAndWaitGone(api, ns, 'app');

  const after = await api.find<KubeObject>({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'a' });
  assert.equal(after?.metadata.uid, before?.metadata.uid, 'the objects stay');
  assert.equal(after?.metadata.deletionTimestamp, undefined);
  assert.ok(await api.find({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'b' }));
});

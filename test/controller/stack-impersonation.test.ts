import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testCluster, testNamespace } from '../support/cluster.ts';
import { getRepo, gitFixture, gitRepository, readyAt, readyCondition, stack, startController, waitForStack } from '../support/controller.ts';
import { waitFor } from '../cluster/http.ts';
import type { KubeApi } from '../../src/kube/api.ts';
import type { KubeObject } from '../../src/kube/types.ts';

const configMap = (ns: string, name: string, v: string) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data: { v } });

async function dataOf(api: KubeApi, namespace: string, name: string): Promise<Record<string, string> | undefined> {
  return (await api.find<KubeObject & { data?: Record<string, string> }>({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name }))?.data;
}

async function fetchNow(api: KubeApi, ns: string, sha: string): Promise<void> {
  await api.mergePatch(
    { apiVersion: 'governor.dev/v1alpha1', kind: 'GitRepository', namespace: ns, name: 'platform' },
    { metadata: { annotations: { 'governor.dev/reconcile-requested-at': `fetch-${sha}` } } },
  );
  await waitFor(`the source at ${sha}`, async () => (await getRepo(api, ns, 'platform'))?.status?.artifact?.revision === `main@sha1:${sha}`, 30_000);
}

/** A ServiceAccount that may manage ConfigMaps in its own namespace and nothing else. */
async function configMapDeployer(api: KubeApi, ns: string): Promise<void> {
  const objects = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'deployer', namespace: ns } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'configmaps', namespace: ns },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'deployer-configmaps', namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'configmaps' },
      subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: ns }],
    },
  ];
  for (const o of objects) await api.apply(o as KubeObject);
}

test('serviceAccountName: the Stack applies as its ServiceAccount; what the account may not do is refused and nothing of it applied', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'imp');
  const other = await testNamespace(t, info, 'imp-other');
  const clusterRole = `${ns}-escalate`;
  const git = await gitFixture(t);
  const sha1 = await git.work.commit('allowed', { 'app/a.yaml': configMap(ns, 'a', '1') });
  const { api } = await startController(t, info, { namespaces: [ns] });
  t.after(() => api.delete({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: clusterRole }).catch(() => undefined));
  await configMapDeployer(api, ns);
  await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1h', ref: { branch: 'main' } }));
  await api.apply(stack(ns, 'app', { sourceRef: { name: 'platform' }, path: './app', interval: '1h', retryInterval: '2s', serviceAccountName: 'deployer' }));

  await waitForStack(api, ns, 'app', 'Ready', readyAt(sha1));
  const a = await api.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'a' });
  assert.ok(
    a.metadata.managedFields?.some((f) => (f as { manager?: string }).manager === 'governor'),
    'applied with the governor field manager',
  );

  // A ConfigMap in another namespace: the account may not write there.
  const sha2 = await git.work.commit('another namespace', {
    'app/a.yaml': configMap(ns, 'a', '2'),
    'app/b.yaml': configMap(ns, 'b', '2'),
    'app/elsewhere.yaml': configMap(other, 'elsewhere', '2'),
  });
  await fetchNow(api, ns, sha2);
  const refused = await waitForStack(api, ns, 'app', 'refused', (s) =>
    readyCondition(s)?.reason === 'ApplyFailed' && (s.status?.lastAttemptedRevision ?? '').endsWith(sha2),
  );
  const message = readyCondition(refused)!.message;
  assert.match(message, new RegExp(`ConfigMap/${other}/elsewhere`));
  assert.match(message, /forbidden/);
  assert.match(message, new RegExp(`User "system:serviceaccount:${ns}:deployer" cannot patch resource "configmaps" in API group "" in the namespace "${other}"`));
  assert.ok(refused.status?.lastAppliedRevision?.endsWith(sha1));
  assert.equal(await dataOf(api, other, 'elsewhere'), undefined);
  assert.deepEqual(await dataOf(api, ns, 'a'), { v: '1' }, 'nothing from the refused revision is applied');
  assert.equal(await dataOf(api, ns, 'b'), undefined, 'nothing from the refused revision is applied');

  // A ClusterRole: cluster-scoped, refused as well.
  const sha3 = await git.work.commit('a cluster role', {
    'app/elsewhere.yaml': null,
    'app/a.yaml': configMap(ns, 'a', '3'),
    'app/role.yaml': JSON.stringify({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: clusterRole },
      rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
    }),
  });
  await fetchNow(api, ns, sha3);
  const refused3 = await waitForStack(api, ns, 'app', 'ClusterRole refused', (s) =>
    readyCondition(s)?.reason === 'ApplyFailed' && (s.status?.lastAttemptedRevision ?? '').endsWith(sha3),
  );
  assert.match(readyCondition(refused3)!.message, new RegExp(`ClusterRole/${clusterRole}: .*forbidden`));
  assert.equal(await api.find({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: clusterRole }), undefined);
  assert.deepEqual(await dataOf(api, ns, 'a'), { v: '1' });
  assert.equal(await dataOf(api, ns, 'b'), undefined);

  // Back within the account's rights: applied.
  const sha4 = await git.work.commit('allowed again', { 'app/role.yaml': null });
  await fetchNow(api, ns, sha4);
  const s4 = await waitForStack(api, ns, 'app', 'Ready again', readyAt(sha4));
  assert.deepEqual(await dataOf(api, ns, 'a'), { v: '3' });
  assert.deepEqual(await dataOf(api, ns, 'b'), { v: '2' });
  assert.deepEqual(s4.status?.inventory?.entries.map((e) => e.id).sort(), [`${ns}_a__ConfigMap`, `${ns}_b__ConfigMap`]);
});

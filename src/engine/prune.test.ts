import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { testCluster, testKubeApi, testNamespace } from '../../test/support/cluster.ts';
import { Annotations, Labels } from '../api/constants.ts';
import type { KubeApi } from '../kube/api.ts';
import { describeRef, type KubeObject, type ObjectRef } from '../kube/types.ts';
import { applyObjects } from './apply.ts';
import { toEntry } from './inventory.ts';
import { pruneObjects } from './prune.ts';
import type { Obj } from './types.ts';

const owner = { name: 'shop', namespace: 'governor-system' };

function configMap(ns: string, name: string, annotations?: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, ...(annotations ? { annotations } : {}) }, data: { a: '1' } };
}

function names(refs: readonly { ref: ObjectRef }[] | readonly ObjectRef[]): string[] {
  return refs.map((r) => describeRef('ref' in r ? r.ref : r));
}

test('prune: deletes stale objects in reverse apply order, and an already deleted one counts as deleted', async (t) => {
  const info = await testCluster(t);
  const base = await testKubeApi(t, info);
  const ns = `prune-own-${randomBytes(4).toString('hex')}`;
  t.after(() => base.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns }).catch(() => undefined));
  const objects: KubeObject[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    configMap(ns, 'settings'),
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'runner', namespace: ns } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: ns },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
      },
    },
    configMap(ns, 'gone-already'),
  ];
  const applied = await applyObjects(base, objects, { owner });
  assert.deepEqual(applied.failures, []);
  await base.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'gone-already' });

  const deletes: string[] = [];
  const api = Object.create(base) as KubeApi;
  api.delete = (ref, o) => {
    deletes.push(describeRef(ref));
    return base.delete(ref, o);
  };
  const result = await pruneObjects(api, objects.map((o) => toEntry(o as Obj)), { owner });
  assert.deepEqual(result.failures, []);
  assert.deepEqual(result.skipped, []);
  assert.deepEqual(deletes, [`Deployment/${ns}/web`, `ConfigMap/${ns}/settings`, `ServiceAccount/${ns}/runner`, `Namespace/${ns}`]);
  assert.deepEqual(names(result.deleted), [`Deployment/${ns}/web`, `ConfigMap/${ns}/settings`, `ConfigMap/${ns}/gone-already`, `ServiceAccount/${ns}/runner`, `Namespace/${ns}`]);
  assert.equal(result.deleted.find((r) => r.kind === 'Deployment')?.apiVersion, 'apps/v1', 'apiVersion rebuilt from group and version');
  assert.equal(await base.find({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'web' }), undefined);
  assert.equal(await base.find({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'settings' }), undefined);
});

test('prune: leaves objects someone else took over, those annotated prune: disabled, and kinds no longer served', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'prune');
  const api = await testKubeApi(t, info);
  const objects = [
    configMap(ns, 'taken-over'),
    configMap(ns, 'other-stack'),
    configMap(ns, 'kept', { [Annotations.Prune]: 'disabled' }),
    configMap(ns, 'stale'),
  ];
  assert.deepEqual((await applyObjects(api, objects, { owner })).failures, []);
  const ref = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name });
  await api.mergePatch(ref('taken-over'), { metadata: { labels: { [Labels.StackName]: null, [Labels.StackNamespace]: null } } });
  await api.mergePatch(ref('other-stack'), { metadata: { labels: { [Labels.StackNamespace]: 'elsewhere' } } });

  const stale = [...objects.map((o) => toEntry(o as Obj)), { id: `${ns}_w_example.invalid_Widget`, v: 'v1' }];
  const result = await pruneObjects(api, stale, { owner });
  assert.deepEqual(result.failures, []);
  assert.deepEqual(names(result.deleted), [`ConfigMap/${ns}/stale`]);
  const skipped = new Map(result.skipped.map((s) => [describeRef(s.ref), s.reason]));
  assert.match(skipped.get(`ConfigMap/${ns}/taken-over`) ?? '', /no longer labelled/);
  assert.match(skipped.get(`ConfigMap/${ns}/other-stack`) ?? '', /no longer labelled/);
  assert.match(skipped.get(`ConfigMap/${ns}/kept`) ?? '', /prune: disabled/);
  assert.match(skipped.get(`Widget/${ns}/w`) ?? '', /no longer served/);
  for (const name of ['taken-over', 'other-stack', 'kept']) assert.ok(await api.find(ref(name)), `${name} still exists`);
  assert.equal(await api.find(ref('stale')), undefined);
});

test('prune: a delete the API server refuses is returned with its inventory entry to retry', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'prune');
  const base = await testKubeApi(t, info);
  assert.deepEqual((await applyObjects(base, [configMap(ns, 'stuck')], { owner })).failures, []);
  const entry = toEntry(configMap(ns, 'stuck') as Obj);

  // An identity that may read ConfigMaps but not delete them, as a Stack's serviceAccountName can be.
  await base.apply({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'read-only', namespace: ns },
    rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }],
  });
  await base.apply({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'read-only', namespace: ns },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read-only' },
    subjects: [{ kind: 'ServiceAccount', name: 'pruner', namespace: ns }],
  });
  const api = base.impersonating(`system:serviceaccount:${ns}:pruner`, ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated']);
  const result = await pruneObjects(api, [entry], { owner });
  assert.deepEqual(result.deleted, []);
  assert.equal(result.failures.length, 1);
  assert.deepEqual(result.failures[0]?.entry, entry);
  assert.match(result.failures[0]!.message, /forbidden/);
});

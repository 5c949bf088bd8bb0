import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { testCluster, testKubeApi, testNamespace } from '../../test/support/cluster.ts';
import { ErrorCodes, isGovernorError } from '../errors.ts';
import { Annotations, Labels } from '../api/constants.ts';
import type { ApplyOptions, KubeApi } from '../kube/api.ts';
import { describeRef, type KubeObject } from '../kube/types.ts';
import { applyObjects, type ApplyResult } from './apply.ts';

const owner = { name: 'shop', namespace: 'governor-system' };

/** The same API, recording every request that could write (real applies and deletes). */
function recording(api: KubeApi): { api: KubeApi; writes: string[] } {
  const writes: string[] = [];
  const spy = Object.create(api) as KubeApi;
  spy.apply = (obj: KubeObject, o?: ApplyOptions) => {
    if (!o?.dryRun) writes.push(`apply ${obj.kind}/${obj.metadata.name}`);
    return api.apply(obj, o);
  };
  spy.delete = (ref, o) => {
    writes.push(`delete ${ref.kind}/${ref.name}`);
    return api.delete(ref, o);
  };
  return { api: spy, writes };
}

function actions(result: ApplyResult): string[] {
  return result.changes.map((c) => `${describeRef(c.ref)}=${c.action}`);
}

function configMap(ns: string, name: string, data: Record<string, string>, annotations?: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, ...(annotations ? { annotations } : {}) }, data };
}

async function ownNamespace(t: TestContext, api: KubeApi): Promise<string> {
  const name = `apply-own-${randomBytes(4).toString('hex')}`;
  t.after(() => api.delete({ apiVersion: 'v1', kind: 'Namespace', name }).catch(() => undefined));
  return name;
}

test('apply: a Namespace, a ConfigMap and a Deployment in it, in stages, labelled and owned by governor; again is unchanged', async (t) => {
  const info = await testCluster(t);
  const base = await testKubeApi(t, info);
  const ns = await ownNamespace(t, base);
  const objects: KubeObject[] = [
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
    configMap(ns, 'settings', { mode: 'fast' }),
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
  ];
  const input = structuredClone(objects);

  const first = await applyObjects(base, objects, { owner });
  assert.deepEqual(first.failures, []);
  // The ConfigMap and the Deployment could only be created because their Namespace went first.
  assert.deepEqual(actions(first), [`Namespace/${ns}=created`, `ConfigMap/${ns}/settings=created`, `Deployment/${ns}/web=created`]);
  assert.deepEqual(
    first.changes.map((c) => c.id),
    [`_${ns}__Namespace`, `${ns}_settings__ConfigMap`, `${ns}_web_apps_Deployment`],
  );
  assert.deepEqual(objects, input, 'the input objects are not modified');

  const refs = first.changes.map((c) => c.ref);
  const live1 = await Promise.all(refs.map((r) => base.get(r)));
  for (const obj of live1) {
    assert.equal(obj.metadata.labels?.[Labels.StackName], owner.name, obj.kind);
    assert.equal(obj.metadata.labels?.[Labels.StackNamespace], owner.namespace);
    const managers = (obj.metadata.managedFields as { manager: string; operation: string }[]).filter((f) => f.operation === 'Apply').map((f) => f.manager);
    assert.deepEqual(managers, ['governor'], `${obj.kind} applied by field manager governor`);
  }

  const { api, writes } = recording(base);
  const second = await applyObjects(api, objects, { owner });
  assert.deepEqual(second.failures, []);
  assert.deepEqual(actions(second), [`Namespace/${ns}=unchanged`, `ConfigMap/${ns}/settings=unchanged`, `Deployment/${ns}/web=unchanged`]);
  assert.deepEqual(writes, [], 'nothing is really applied when nothing changed');
  const live2 = await Promise.all(refs.map((r) => base.get(r)));
  // The Deployment's own controller writes its status; only our writes would change these two.
  assert.equal(live2[0]?.metadata.resourceVersion, live1[0]?.metadata.resourceVersion);
  assert.equal(live2[1]?.metadata.resourceVersion, live1[1]?.metadata.resourceVersion);
  assert.equal(live2[2]?.metadata.generation, live1[2]?.metadata.generation);

  const changed = objects.map((o) => (o.kind === 'ConfigMap' ? { ...o, data: { mode: 'slow' } } : o));
  const third = await applyObjects(api, changed, { owner });
  assert.deepEqual(actions(third), [`Namespace/${ns}=unchanged`, `ConfigMap/${ns}/settings=configured`, `Deployment/${ns}/web=unchanged`]);
  assert.deepEqual(writes, ['apply ConfigMap/settings']);
  assert.deepEqual(third.changes[1]?.drift, ['data.mode']);
  assert.deepEqual(third.changes[1]?.object?.data, { mode: 'slow' });
  assert.deepEqual((await base.get(refs[1]!)).data, { mode: 'slow' });
});

test('apply: a CRD and a custom resource of it in the same batch apply in one call', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'apply');
  const api = await testKubeApi(t, info);
  const group = `t${randomBytes(4).toString('hex')}.governor.dev`;
  const crd: KubeObject = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `gizmos.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural: 'gizmos', singular: 'gizmo', kind: 'Gizmo', listKind: 'GizmoList' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  };
  t.after(() => api.delete({ apiVersion: crd.apiVersion, kind: crd.kind, name: crd.metadata.name }).catch(() => undefined));
  const gizmo: KubeObject = { apiVersion: `${group}/v1`, kind: 'Gizmo', metadata: { name: 'g1', namespace: ns }, spec: { size: 3 } };

  const result = await applyObjects(api, [gizmo, crd], { owner, crdTimeoutMs: 30_000 });
  assert.deepEqual(result.failures, []);
  assert.deepEqual(actions(result), [`CustomResourceDefinition/gizmos.${group}=created`, `Gizmo/${ns}/g1=created`]);
  const live = await api.get(result.changes[1]!.ref);
  assert.deepEqual(live.spec, { size: 3 });

  const again = await applyObjects(api, [gizmo, crd], { owner });
  assert.deepEqual(actions(again), [`CustomResourceDefinition/gizmos.${group}=unchanged`, `Gizmo/${ns}/g1=unchanged`]);
});

test('apply: an unknown kind fails the whole batch before anything is written, naming every unknown object', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'apply');
  const base = await testKubeApi(t, info);
  const { api, writes } = recording(base);
  const objects: KubeObject[] = [
    configMap(ns, 'first', { a: '1' }),
    { apiVersion: 'example.invalid/v1', kind: 'Widget', metadata: { name: 'w', namespace: ns } },
    { apiVersion: 'v1', kind: 'Sprocket', metadata: { name: 's' } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: `apply-${ns}` }, rules: [] },
  ];
  await assert.rejects(applyObjects(api, objects, { owner }), (err) => {
    assert.ok(isGovernorError(err, ErrorCodes.UnknownKind), String(err));
    assert.match(err.message, new RegExp(`Widget/${ns}/w \\(example.invalid/v1\\)`));
    assert.match(err.message, /Sprocket\/s \(v1\)/);
    return true;
  });
  assert.deepEqual(writes, []);
  assert.equal(await base.find({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'first' }), undefined);
  assert.equal(await base.find({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: `apply-${ns}` }), undefined);

  await assert.rejects(
    applyObjects(api, [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'nowhere' }, data: {} }], { owner }),
    (err) => isGovernorError(err, ErrorCodes.ApplyFailed) && /namespace required for ConfigMap\/nowhere/.test(err.message),
  );
  assert.deepEqual(writes, []);
});

test('apply: a refused object is reported by name with the API server message; nothing else is applied', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'apply');
  const api = await testKubeApi(t, info);

  const bad: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'bad', namespace: ns }, spec: { ports: [{ port: 99999 }] } };
  const sameStage = await applyObjects(api, [bad, configMap(ns, 'fine', { a: '1' })], { owner });
  assert.equal(sameStage.failures.length, 1);
  assert.equal(describeRef(sameStage.failures[0]!.ref), `Service/${ns}/bad`);
  assert.match(sameStage.failures[0]!.message, /Service "bad" is invalid: .*99999/);
  assert.deepEqual(actions(sameStage), [], 'nothing of the batch is applied');
  assert.equal(await api.find({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'fine' }), undefined);

  // A refused cluster definition stops everything that may depend on it.
  const badNs: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'Not_A_Valid_Name' } };
  const later = await applyObjects(api, [configMap(ns, 'later', { a: '1' }), badNs], { owner });
  assert.deepEqual(
    later.failures.map((f) => describeRef(f.ref)),
    ['Namespace/Not_A_Valid_Name'],
  );
  assert.match(later.failures[0]!.message, /Not_A_Valid_Name/);
  assert.deepEqual(later.changes, []);
  assert.equal(await api.find({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'later' }), undefined);
});

test('apply: if-not-present creates once and then leaves a changed object alone; ignore never applies', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'apply');
  const api = await testKubeApi(t, info);
  const once = configMap(ns, 'once', { v: 'from-git' }, { [Annotations.Apply]: 'if-not-present' });
  const never = configMap(ns, 'never', { v: 'from-git' }, { [Annotations.Apply]: 'ignore' });
  const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'once' };

  const first = await applyObjects(api, [once, never], { owner });
  assert.deepEqual(first.failures, []);
  assert.deepEqual(actions(first), [`ConfigMap/${ns}/never=skipped`, `ConfigMap/${ns}/once=created`]);
  assert.equal(await api.find({ ...ref, name: 'never' }), undefined);
  assert.equal((await api.get(ref)).metadata.labels?.[Labels.StackName], owner.name);

  await api.mergePatch(ref, { data: { v: 'by-hand' } });
  const second = await applyObjects(api, [once, never], { owner });
  assert.deepEqual(actions(second), [`ConfigMap/${ns}/never=skipped`, `ConfigMap/${ns}/once=skipped`]);
  assert.deepEqual((await api.get(ref)).data, { v: 'by-hand' });
  assert.equal(await api.find({ ...ref, name: 'never' }), undefined);
});

test('apply: force re-creates a Job whose immutable template changed; without force it is a failure', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'apply');
  const api = await testKubeApi(t, info);
  const job = (image: string): KubeObject => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'migrate', namespace: ns },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image }] } } },
  });
  const ref = { apiVersion: 'batch/v1', kind: 'Job', namespace: ns, name: 'migrate' };

  assert.deepEqual(actions(await applyObjects(api, [job('busybox:1.36')], { owner })), [`Job/${ns}/migrate=created`]);
  const before = await api.get(ref);

  const refused = await applyObjects(api, [job('busybox:1.37')], { owner });
  assert.equal(refused.failures.length, 1);
  assert.match(refused.failures[0]!.message, /immutable/);
  assert.equal((await api.get(ref)).metadata.uid, before.metadata.uid);

  const forced = await applyObjects(api, [job('busybox:1.37')], { owner, force: true, recreateTimeoutMs: 30_000 });
  assert.deepEqual(forced.failures, []);
  assert.deepEqual(actions(forced), [`Job/${ns}/migrate=recreated`]);
  const after = await api.get(ref);
  assert.notEqual(after.metadata.uid, before.metadata.uid);
  const containers = (after.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers;
  assert.equal(containers[0]?.image, 'busybox:1.37');
  assert.equal(after.metadata.labels?.[Labels.StackName], owner.name);

  // A plainly invalid object is not deleted in the hope that it comes back.
  const invalid = job('busybox:1.37');
  (invalid.spec as { backoffLimit: number }).backoffLimit = -1;
  const stillRefused = await applyObjects(api, [invalid], { owner, force: true });
  assert.equal(stillRefused.failures.length, 1);
  assert.equal((await api.get(ref)).metadata.uid, after.metadata.uid);
});

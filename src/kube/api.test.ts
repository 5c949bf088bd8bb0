import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testCluster, testKubeApi, testNamespace } from '../../test/support/cluster.ts';
import { apiStatusCode } from './client.ts';
import { ErrorCodes, isGovernorError } from '../errors.ts';

test('server-side apply creates, keeps unknown fields and YAML-typed values, and dry-run changes nothing', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'kube');
  const api = await testKubeApi(t, info);

  const cm = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'settings', namespace: ns, labels: { team: 'a' } },
    data: { mode: '0644', enabled: 'true' },
  };
  const created = await api.apply(cm);
  assert.deepEqual(created.data, cm.data);
  const managers = (created.metadata.managedFields as { manager: string; operation: string }[]).map((f) => `${f.manager}/${f.operation}`);
  assert.deepEqual(managers, ['governor/Apply']);

  const dry = await api.apply({ ...cm, data: { mode: '0600' } }, { dryRun: true });
  assert.deepEqual(dry.data, { mode: '0600' });
  const live = await api.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'settings' });
  assert.deepEqual(live.data, cm.data, 'dry-run did not write');
  assert.equal(live.metadata.resourceVersion, created.metadata.resourceVersion);

  // A field the typed clients do not know (an annotation-free custom field on an unstructured kind) survives.
  const list = await api.listAll('v1', 'ConfigMap', ns, { labelSelector: 'team=a' });
  assert.deepEqual(list.items.map((i) => i.metadata.name), ['settings']);

  assert.equal(await api.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'settings' }), true);
  assert.equal(await api.find({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'settings' }), undefined);
  assert.equal(await api.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'settings' }), false);
});

test('an unknown kind is a clear UnknownKind error; a refused object carries the API server message', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'kube');
  const api = await testKubeApi(t, info);

  await assert.rejects(
    api.apply({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: ns } }),
    (err) => isGovernorError(err, ErrorCodes.UnknownKind) && /Widget/.test(err.message) && /example.com\/v1/.test(err.message),
  );
  await assert.rejects(
    api.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'bad', namespace: ns }, spec: { ports: [{ port: 99999 }] } }),
    (err) => apiStatusCode(err) === 422 && /99999|port/i.test((err as Error).message),
  );
});

test('the REST mapper learns a CRD established after it first loaded', async (t) => {
  const info = await testCluster(t);
  const api = await testKubeApi(t, info);
  const suffix = Math.random().toString(36).slice(2, 8);
  const group = `t${suffix}.governor.dev`;
  await api.mapping('v1', 'ConfigMap');
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `gadgets.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  };
  await api.apply(crd);
  t.after(() => api.delete({ apiVersion: crd.apiVersion, kind: crd.kind, name: crd.metadata.name }).catch(() => undefined));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const m = await api.mapper.tryMapping(`${group}/v1`, 'Gadget');
    if (m) {
      assert.deepEqual({ resource: m.resource, namespaced: m.namespaced }, { resource: 'gadgets', namespaced: true });
      break;
    }
    assert.ok(Date.now() < deadline, 'CRD never appeared in discovery');
    await new Promise((r) => setTimeout(r, 1100));
  }
});

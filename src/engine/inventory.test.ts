import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffInventory, parseId, toEntry, toInventory } from './inventory.ts';
import { isGovernorError } from '../errors.ts';
import type { Obj } from './types.ts';

const deployment: Obj = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: {} };
const configMap: Obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: {} };
const namespace: Obj = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } };
const clusterRole: Obj = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name: 'system:shop-reader' },
  rules: [],
};
const crd: Obj = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' }, spec: {} };
const webhook: Obj = {
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingWebhookConfiguration',
  metadata: { name: 'shop-policy' },
  webhooks: [],
};

test('inventory: ids like Flux for grouped, core and cluster-scoped objects', () => {
  assert.deepEqual(toEntry(deployment), { id: 'shop_web_apps_Deployment', v: 'v1' });
  assert.deepEqual(toEntry(configMap), { id: 'shop_settings__ConfigMap', v: 'v1' });
  assert.deepEqual(toEntry(namespace), { id: '_shop__Namespace', v: 'v1' });
  assert.deepEqual(toEntry(crd), { id: '_widgets.example.com_apiextensions.k8s.io_CustomResourceDefinition', v: 'v1' });
  // cli-utils writes a colon in a name as a double underscore.
  assert.deepEqual(toEntry(clusterRole), { id: '_system__shop-reader_rbac.authorization.k8s.io_ClusterRole', v: 'v1' });
});

test('inventory: ids parse back to what they were made from', () => {
  for (const obj of [deployment, configMap, namespace, clusterRole, crd, webhook]) {
    const ref = parseId(toEntry(obj).id);
    assert.equal(ref.kind, obj.kind);
    assert.equal(ref.name, obj.metadata.name);
    assert.equal(ref.namespace, obj.metadata.namespace ?? '');
    assert.equal(ref.group, obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '');
  }
  assert.deepEqual(parseId('shop_settings__ConfigMap'), { namespace: 'shop', name: 'settings', group: '', kind: 'ConfigMap' });
});

test('inventory: malformed ids are refused', () => {
  for (const id of ['', 'shop', 'shop_web', 'shop_web_apps', 'shop_we_b_apps_Deployment', '_shop__']) {
    assert.throws(() => parseId(id), (err: unknown) => isGovernorError(err, 'InvalidObject'), id);
  }
});

test('inventory: stale entries are what the old inventory had and the new one lacks, in deletion order', () => {
  const previous = toInventory([namespace, crd, clusterRole, configMap, deployment, webhook]);
  const next = toInventory([namespace, { ...deployment, apiVersion: 'apps/v1beta2' }]);
  const stale = diffInventory(previous, next);
  assert.deepEqual(
    stale.map((e) => e.id),
    [
      '_shop-policy_admissionregistration.k8s.io_ValidatingWebhookConfiguration',
      'shop_settings__ConfigMap',
      '_system__shop-reader_rbac.authorization.k8s.io_ClusterRole',
      '_widgets.example.com_apiextensions.k8s.io_CustomResourceDefinition',
    ],
  );
  assert.deepEqual(diffInventory(next, previous), []);
});

test('inventory: one entry per object', () => {
  assert.equal(toInventory([deployment, deployment, { ...deployment, apiVersion: 'apps/v1beta1' }]).length, 1);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyOrder, applyStages, deletionOrder, stageOf } from './order.ts';
import { toEntry } from './inventory.ts';
import type { Obj } from './types.ts';

function obj(apiVersion: string, kind: string, name: string, namespace?: string): Obj {
  const metadata: Obj['metadata'] = { name };
  if (namespace) metadata.namespace = namespace;
  return { apiVersion, kind, metadata };
}

const objects: Obj[] = [
  obj('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'policy'),
  obj('apps/v1', 'Deployment', 'web', 'shop'),
  obj('example.com/v1', 'Widget', 'w1', 'shop'),
  obj('v1', 'Service', 'web', 'shop'),
  obj('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', 'inject'),
  obj('gateway.networking.k8s.io/v1', 'GatewayClass', 'eg'),
  obj('v1', 'ConfigMap', 'b-settings', 'shop'),
  obj('v1', 'ConfigMap', 'a-settings', 'shop'),
  obj('v1', 'ConfigMap', 'settings', 'admin'),
  obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com'),
  obj('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'shop-reader'),
  obj('v1', 'ServiceAccount', 'web', 'shop'),
  obj('cert-manager.io/v1', 'Certificate', 'web-tls', 'shop'),
  obj('v1', 'Namespace', 'shop'),
  obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'shop-reader'),
  obj('storage.k8s.io/v1', 'StorageClass', 'fast'),
  obj('batch/v1', 'CronJob', 'report', 'shop'),
  obj('v1', 'Namespace', 'admin'),
];

const names = (list: readonly Obj[]) => list.map((o) => `${o.kind}/${o.metadata.namespace ? o.metadata.namespace + '/' : ''}${o.metadata.name}`);

test('order: cluster definitions first, then classes, then the rest in kind order, webhooks last', () => {
  const stages = applyStages(objects);
  assert.deepEqual(stages.map(names), [
    [
      'Namespace/admin',
      'Namespace/shop',
      'StorageClass/fast',
      'CustomResourceDefinition/widgets.example.com',
      'ClusterRole/shop-reader',
      'ClusterRoleBinding/shop-reader',
    ],
    ['GatewayClass/eg'],
    [
      'ServiceAccount/shop/web',
      'ConfigMap/admin/settings',
      'ConfigMap/shop/a-settings',
      'ConfigMap/shop/b-settings',
      'Service/shop/web',
      'Deployment/shop/web',
      'CronJob/shop/report',
      'Certificate/shop/web-tls',
      'Widget/shop/w1',
      'MutatingWebhookConfiguration/inject',
      'ValidatingWebhookConfiguration/policy',
    ],
  ]);
});

test('order: deterministic whatever the input order, input untouched', () => {
  const before = names(objects);
  const expected = names(applyOrder(objects));
  for (let seed = 1; seed <= 20; seed++) {
    const key = (o: Obj) => hash(`${seed}/${o.kind}/${o.metadata.namespace}/${o.metadata.name}`);
    const shuffled = [...objects].sort((a, b) => key(a) - key(b));
    assert.deepEqual(names(applyOrder(shuffled)), expected);
  }
  assert.deepEqual(names(objects), before);
});

test('order: empty stages are left out', () => {
  assert.deepEqual(applyStages([]), []);
  assert.equal(applyStages([obj('apps/v1', 'Deployment', 'web', 'shop')]).length, 1);
});

test('order: stage membership checks the API group, not only the kind', () => {
  assert.equal(stageOf({ group: '', kind: 'Namespace' }), 1);
  assert.equal(stageOf({ group: 'example.com', kind: 'Namespace' }), 3);
  assert.equal(stageOf({ group: 'example.com', kind: 'ClusterRole' }), 3);
  assert.equal(stageOf({ group: 'node.k8s.io', kind: 'RuntimeClass' }), 1);
  assert.equal(stageOf({ group: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshotClass' }), 2);
});

test('order: deletion is the exact reverse, for objects and inventory entries alike', () => {
  const applied = applyOrder(objects);
  assert.deepEqual(names(deletionOrder(objects)), names(applied).reverse());
  const entries = objects.map(toEntry);
  assert.deepEqual(
    deletionOrder(entries).map((e) => e.id),
    applied.map(toEntry).map((e) => e.id).reverse(),
  );
  assert.equal(deletionOrder(entries)[0]?.id, '_policy_admissionregistration.k8s.io_ValidatingWebhookConfiguration');
  assert.equal(deletionOrder(entries).at(-1)?.id, '_admin__Namespace');
});

function hash(s: string): number {
  let h = 0;
  for (const c of s) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0;
  return h;
}

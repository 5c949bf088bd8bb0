import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../kube/types.ts';
import { buildGraph, nodeId, type GraphInput } from './inventory-graph.ts';

const obj = (apiVersion: string, kind: string, name: string, extra: Partial<KubeObject> & { uid?: string; owner?: string; labels?: Record<string, string> } = {}): KubeObject => {
  const { uid, owner, labels, ...rest } = extra;
  return {
    apiVersion,
    kind,
    metadata: { name, namespace: 'apps', uid: uid ?? `${kind}-${name}`, ...(labels ? { labels } : {}), ...(owner ? { ownerReferences: [{ apiVersion: 'x', kind: 'x', name: 'x', uid: owner }] } : {}) },
    ...rest,
  };
};

const health: GraphInput['health'] = (o) => ({ status: o.kind === 'Pod' ? 'InProgress' : 'Current', message: `${o.kind} ok` });

const deployment = obj('apps/v1', 'Deployment', 'web');
const service = obj('v1', 'Service', 'web', { spec: { selector: { app: 'web' } } });
const secret = obj('v1', 'Secret', 'creds');
const rs = obj('apps/v1', 'ReplicaSet', 'web-1', { owner: 'Deployment-web', spec: { replicas: 1 } });
const oldRs = obj('apps/v1', 'ReplicaSet', 'web-0', { owner: 'Deployment-web', spec: { replicas: 0 }, status: { replicas: 0 } });
const pod = obj('v1', 'Pod', 'web-1-a', { owner: 'ReplicaSet-web-1', labels: { app: 'web' } });
const stray = obj('v1', 'Pod', 'other', { labels: { app: 'web' } });
const unrelated = obj('v1', 'Pod', 'nobody', { labels: { app: 'db' } });

const items: GraphInput['items'] = [
  { ref: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'apps', name: 'web' }, live: deployment },
  { ref: { apiVersion: 'v1', kind: 'Service', namespace: 'apps', name: 'web' }, live: service },
  { ref: { apiVersion: 'v1', kind: 'Secret', namespace: 'apps', name: 'creds' }, live: secret },
  { ref: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'apps', name: 'gone' }, live: null },
  { ref: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'apps', name: 'hidden' }, error: 'forbidden: no' },
];

test('owner references and selectors join the inventory; idle ReplicaSets and unrelated Pods stay out', () => {
  // Pods before their ReplicaSet: order must not matter.
  const g = buildGraph({ items, related: [pod, stray, unrelated, oldRs, rs], health, drifted: new Set([nodeId('apps/v1', 'Deployment', 'apps', 'web')]) });
  const ids = g.nodes.map((n) => n.id);
  assert.deepEqual(ids, [
    'apps/Deployment/apps/web',
    '/Service/apps/web',
    '/Secret/apps/creds',
    '/ConfigMap/apps/gone',
    '/ConfigMap/apps/hidden',
    'apps/ReplicaSet/apps/web-1',
    '/Pod/apps/web-1-a',
    '/Pod/apps/other',
  ]);
  assert.deepEqual(g.edges, [
    { from: 'apps/Deployment/apps/web', to: 'apps/ReplicaSet/apps/web-1', type: 'owner' },
    { from: 'apps/ReplicaSet/apps/web-1', to: '/Pod/apps/web-1-a', type: 'owner' },
    { from: '/Service/apps/web', to: '/Pod/apps/web-1-a', type: 'selects' },
    { from: '/Service/apps/web', to: '/Pod/apps/other', type: 'selects' },
  ]);
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  assert.equal(byId.get('apps/Deployment/apps/web')?.drifted, true);
  assert.equal(byId.get('apps/Deployment/apps/web')?.managed, true);
  assert.equal(byId.get('/Pod/apps/web-1-a')?.managed, false);
  assert.equal(byId.get('/Pod/apps/web-1-a')?.health, 'InProgress');
  assert.equal(byId.get('/ConfigMap/apps/gone')?.health, 'NotFound');
  assert.equal(byId.get('/ConfigMap/apps/hidden')?.health, 'Unknown');
  assert.equal(byId.get('/ConfigMap/apps/hidden')?.message, 'forbidden: no');
  assert.deepEqual(Object.keys(byId.get('/Secret/apps/creds')!).sort(), ['apiVersion', 'drifted', 'health', 'id', 'kind', 'managed', 'name', 'namespace']);
  assert.equal(g.note, undefined);
});

test('the graph stops at the node limit and says how much it left out', () => {
  const g = buildGraph({ items, related: [rs, pod, stray], health, maxNodes: 3, inventorySize: 10, notes: ['Pods in x are not shown'] });
  assert.equal(g.nodes.length, 3);
  assert.equal(g.note, 'showing 3 of 13 objects; Pods in x are not shown');
  assert.ok(g.edges.every((e) => g.nodes.some((n) => n.id === e.from) && g.nodes.some((n) => n.id === e.to)));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Graph, GraphNode } from '../model.ts';
import { defaultFilter, describeNode, filterGraph, HIDE_PODS_ABOVE, kindsOf, layoutKey, positionsOf, toElkGraph } from './graph-model.ts';

function node(kind: string, name: string, extra: Partial<GraphNode> = {}): GraphNode {
  const group = kind === 'Deployment' || kind === 'ReplicaSet' ? 'apps' : '';
  return { id: `${group}/${kind}/web/${name}`, kind, apiVersion: group ? `${group}/v1` : 'v1', namespace: 'web', name, health: 'Current', managed: true, drifted: false, ...extra };
}

const deploy = node('Deployment', 'api');
const rs = node('ReplicaSet', 'api-1', { managed: false });
const pod1 = node('Pod', 'api-1-a', { managed: false });
const pod2 = node('Pod', 'api-1-b', { managed: false, health: 'InProgress' });
const svc = node('Service', 'api');
const graph: Graph = {
  nodes: [deploy, rs, pod1, pod2, svc],
  edges: [
    { from: deploy.id, to: rs.id, type: 'owner' },
    { from: rs.id, to: pod1.id, type: 'owner' },
    { from: rs.id, to: pod2.id, type: 'owner' },
    { from: svc.id, to: pod1.id, type: 'selects' },
    { from: svc.id, to: pod2.id, type: 'selects' },
    { from: svc.id, to: 'missing', type: 'selects' },
  ],
};

test('kindsOf counts kinds, most common first', () => {
  assert.deepEqual(kindsOf(graph), [
    { kind: 'Pod', count: 2 },
    { kind: 'Deployment', count: 1 },
    { kind: 'ReplicaSet', count: 1 },
    { kind: 'Service', count: 1 },
  ]);
});

test('filterGraph hides Pods and keeps only edges between kept nodes', () => {
  const g = filterGraph(graph, { kinds: new Set(), hidePods: true });
  assert.deepEqual(g.nodes.map((n) => n.kind), ['Deployment', 'ReplicaSet', 'Service']);
  assert.deepEqual(g.edges, [{ from: deploy.id, to: rs.id, type: 'owner' }]);
});

test('filterGraph by kind', () => {
  const g = filterGraph(graph, { kinds: new Set(['Service', 'Pod']), hidePods: false });
  assert.deepEqual(g.nodes.map((n) => n.name), ['api-1-a', 'api-1-b', 'api']);
  assert.equal(g.edges.length, 2);
  assert.ok(g.edges.every((e) => e.type === 'selects'));
});

test('defaultFilter hides Pods only in big graphs', () => {
  assert.equal(defaultFilter(graph).hidePods, false);
  const big: Graph = { nodes: Array.from({ length: HIDE_PODS_ABOVE + 1 }, (_, i) => node('Pod', `p${i}`)), edges: [] };
  assert.equal(defaultFilter(big).hidePods, true);
});

test('toElkGraph: layered, direction RIGHT, sized boxes, no dangling or duplicate edges', () => {
  const elk = toElkGraph(
    graph.nodes.map((n) => n.id),
    [...graph.edges, { from: deploy.id, to: rs.id, type: 'owner' }, { from: svc.id, to: svc.id }],
  );
  assert.equal(elk.layoutOptions?.['elk.algorithm'], 'layered');
  assert.equal(elk.layoutOptions?.['elk.direction'], 'RIGHT');
  assert.equal(elk.layoutOptions?.['elk.aspectRatio'], '2.4');
  assert.equal(elk.children?.length, 5);
  assert.ok(elk.children?.every((c) => c.width! > 0 && c.height! > 0));
  assert.equal(elk.edges?.length, 5);
  assert.deepEqual(elk.edges?.[0], { id: `owner:${deploy.id}->${rs.id}`, sources: [deploy.id], targets: [rs.id] });
});

test('positionsOf and layoutKey', () => {
  const laid = { id: 'root', children: [{ id: 'a', x: 10, y: 20, width: 5, height: 5 }, { id: 'b' }] };
  assert.deepEqual([...positionsOf(laid)], [
    ['a', { x: 10, y: 20 }],
    ['b', { x: 0, y: 0 }],
  ]);
  const a = toElkGraph(['x', 'y'], [{ from: 'x', to: 'y' }]);
  const b = toElkGraph(['x', 'y'], [{ from: 'x', to: 'y' }]);
  const c = toElkGraph(['x', 'y'], []);
  assert.equal(layoutKey(a), layoutKey(b));
  assert.notEqual(layoutKey(a), layoutKey(c));
});

test('describeNode', () => {
  assert.equal(describeNode(deploy), 'Deployment web/api');
  assert.equal(describeNode({ kind: 'Namespace', name: 'web' }), 'Namespace web');
});

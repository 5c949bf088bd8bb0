import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findCycle, type DependencyNode } from './dependencies.ts';

function graph(edges: Record<string, string[]>): (ns: string, name: string) => DependencyNode | undefined {
  return (ns, name) => {
    const deps = edges[`${ns}/${name}`];
    if (!deps) return undefined;
    return { namespace: ns, name, dependsOn: deps.map((d) => ({ namespace: d.split('/')[0], name: d.split('/')[1]! })) };
  };
}

test('a cycle through the start is spelled out across namespaces', () => {
  const lookup = graph({ 'a/app': ['b/infra'], 'b/infra': ['c/base'], 'c/base': ['a/app'] });
  assert.equal(findCycle(lookup('a', 'app')!, lookup), 'a/app -> b/infra -> c/base -> a/app');
});

test('a Stack that depends on itself is a cycle', () => {
  const lookup = graph({ 'a/app': ['a/app'] });
  assert.equal(findCycle(lookup('a', 'app')!, lookup), 'a/app -> a/app');
});

test('a diamond is not a cycle, and neither is a missing dependency', () => {
  const lookup = graph({ 'a/app': ['a/l', 'a/r', 'a/gone'], 'a/l': ['a/base'], 'a/r': ['a/base'], 'a/base': [] });
  assert.equal(findCycle(lookup('a', 'app')!, lookup), undefined);
});

test('a cycle that does not pass through the start is not this Stack\'s cycle', () => {
  const lookup = graph({ 'a/app': ['a/x'], 'a/x': ['a/y'], 'a/y': ['a/x'] });
  assert.equal(findCycle(lookup('a', 'app')!, lookup), undefined);
});

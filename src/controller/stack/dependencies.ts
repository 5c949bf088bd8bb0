import type { Dependency } from '../../api/index.ts';

export interface DependencyNode {
  namespace: string;
  name: string;
  dependsOn?: Dependency[];
}

export type DependencyVerdict =
  | { ok: true }
  | { ok: false; kind: 'cycle'; message: string }
  | { ok: false; kind: 'missing'; message: string }
  | { ok: false; kind: 'not-ready'; message: string };

const key = (ns: string, name: string) => `${ns}/${name}`;

/**
 * Finds a dependency cycle through `start`, walking dependsOn across namespaces.
 * Returns the cycle spelled out (`a/x -> a/y -> a/x`) or undefined.
 */
export function findCycle(start: DependencyNode, lookup: (namespace: string, name: string) => DependencyNode | undefined): string | undefined {
  const startKey = key(start.namespace, start.name);
  const path: string[] = [startKey];
  const onPath = new Set<string>(path);
  const done = new Set<string>();
  const visit = (node: DependencyNode): string | undefined => {
    for (const d of node.dependsOn ?? []) {
      const ns = d.namespace ?? node.namespace;
      const k = key(ns, d.name);
      if (k === startKey) return [...path, k].join(' -> ');
      if (onPath.has(k) || done.has(k)) continue;
      const next = lookup(ns, d.name);
      if (!next) continue;
      path.push(k);
      onPath.add(k);
      const found = visit(next);
      if (found) return found;
      path.pop();
      onPath.delete(k);
      done.add(k);
    }
    return undefined;
  };
  return visit(start);
}

import { API_VERSION, type Dependency, type GitRepository, type Stack, type StackSpec } from '../../api/index.ts';
import { ErrorCodes } from '../../errors.ts';
import { isReady } from '../conditions.ts';
import { stackRef, type Outcome } from './outcome.ts';
import type { StackDeps } from './reconciler.ts';

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

export async function checkDependencies(stack: Stack, spec: StackSpec, deps: StackDeps): Promise<Outcome | undefined> {
  if (!spec.dependsOn?.length) return undefined;
  const ns = stack.metadata.namespace!;
  // Gather the dependency graph reachable from this Stack, then look for a cycle through it.
  const graph = new Map<string, DependencyNode>();
  const self: DependencyNode = { namespace: ns, name: stack.metadata.name, dependsOn: spec.dependsOn };
  graph.set(`${ns}/${stack.metadata.name}`, self);
  const fetched = new Map<string, Stack | undefined>();
  const queue: DependencyNode[] = [self];
  while (queue.length) {
    const node = queue.shift()!;
    for (const d of node.dependsOn ?? []) {
      const dns = d.namespace ?? node.namespace;
      const k = `${dns}/${d.name}`;
      if (graph.has(k) || fetched.has(k)) continue;
      const dep = await deps.api.find<Stack>(stackRef(dns, d.name));
      fetched.set(k, dep);
      if (!dep) continue;
      const n: DependencyNode = { namespace: dns, name: d.name, dependsOn: dep.spec?.dependsOn };
      graph.set(k, n);
      queue.push(n);
    }
  }
  const cycle = findCycle(self, (n, m) => graph.get(`${n}/${m}`));
  if (cycle) return { ready: 'False', reason: ErrorCodes.DependencyCycle, message: `dependency cycle: ${cycle}`, stalled: true };

  for (const d of spec.dependsOn) {
    const dns = d.namespace ?? ns;
    const dep = fetched.get(`${dns}/${d.name}`);
    if (!dep) return { ready: 'False', reason: ErrorCodes.DependencyNotFound, message: `dependency Stack ${dns}/${d.name} does not exist` };
    if (!isReady(dep)) return { ready: 'False', reason: ErrorCodes.DependencyNotReady, message: `dependency Stack ${dns}/${d.name} is not ready` };
    const src = await deps.api.find<GitRepository>({
      apiVersion: API_VERSION,
      kind: 'GitRepository',
      namespace: dep.spec.sourceRef.namespace ?? dns,
      name: dep.spec.sourceRef.name,
    });
    const latest = src?.status?.artifact?.revision;
    if (latest && dep.status?.lastAppliedRevision !== latest) {
      return {
        ready: 'False',
        reason: ErrorCodes.DependencyNotReady,
        message: `dependency Stack ${dns}/${d.name} has not applied the latest revision ${latest} yet`,
      };
    }
  }
  return undefined;
}

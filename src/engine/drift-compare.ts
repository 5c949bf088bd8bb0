/**
 * Flux's drift test: the result of a server-side dry-run apply against the live object. Both come
 * from the API server in the same canonical form (defaults filled in, other managers' fields
 * kept), so any difference is something our apply would really change. Metadata other than labels
 * and annotations, and status, change without anyone applying (resourceVersion, managedFields,
 * controllers' status writes) and are not drift.
 */
import type { KubeObject } from '../kube/types.ts';

type Json = unknown;

function comparable(obj: KubeObject): Record<string, Json> {
  const { metadata, status: _status, ...rest } = obj;
  return {
    ...rest,
    // An absent map and an empty one are the same to the API server.
    metadata: { labels: metadata.labels ?? {}, annotations: metadata.annotations ?? {} },
  };
}

function isRecord(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function collect(a: Json, b: Json, path: string, out: string[], limit: number): void {
  if (out.length >= limit) return;
  if (isRecord(a) && isRecord(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of [...keys].sort()) collect(a[k], b[k], path ? `${path}.${k}` : k, out, limit);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    for (let i = 0; i < a.length; i++) collect(a[i], b[i], `${path}[${i}]`, out, limit);
    return;
  }
  if (a === b) return;
  out.push(path || '.');
}

/**
 * Dotted paths (at most `limit`) where applying would change the live object; empty when it
 * would not. Map key order never counts, list order does (it is meaningful in Kubernetes).
 */
export function driftPaths(dryRun: KubeObject, live: KubeObject, limit = 20): string[] {
  const out: string[] = [];
  collect(comparable(dryRun), comparable(live), '', out, limit);
  return out;
}

export function hasDrifted(dryRun: KubeObject, live: KubeObject): boolean {
  return driftPaths(dryRun, live, 1).length > 0;
}

import type { KubeApi } from '../kube/api.ts';
import type { KubeObject } from '../kube/types.ts';

/**
 * Writes the whole status through the status subresource. A JSON merge patch replaces arrays
 * (conditions, inventory) as a whole, which is what a single status writer per reconcile wants.
 */
export async function patchStatus(api: KubeApi, obj: KubeObject, status: object): Promise<void> {
  await api.mergePatch(
    { apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name },
    { status },
    'status',
  );
}

/** Deep equality of JSON values, ignoring key order and treating absent and undefined alike. */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const keys = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

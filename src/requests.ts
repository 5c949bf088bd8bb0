/**
 * What a user asks of a Governor object by writing to it, shared by the CLI and the dashboard so
 * both ask in exactly the same way (the controller only knows the annotation and spec.suspend).
 */
import { API_VERSION, Annotations } from './api/index.ts';
import type { KubeApi } from './kube/api.ts';

export type RequestableKind = 'Stack' | 'GitRepository' | 'Provider' | 'Alert' | 'Receiver';

/**
 * Sets the reconcile-requested-at annotation to now (plus any extra merge patch, e.g. resume's
 * `spec.suspend: false`, so the controller never sees one without the other) and returns the
 * value the controller will echo in `status.lastHandledReconcileAt` once it has handled it.
 */
export async function requestReconcile(api: KubeApi, kind: RequestableKind, namespace: string, name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const value = new Date().toISOString();
  const patch = { ...extra, metadata: { annotations: { [Annotations.ReconcileRequestedAt]: value } } };
  await api.mergePatch({ apiVersion: API_VERSION, kind, namespace, name }, patch);
  return value;
}

/** Suspends (spec.suspend: true) without a reconcile request: a suspended object is not reconciled. */
export async function requestSuspend(api: KubeApi, kind: RequestableKind, namespace: string, name: string): Promise<void> {
  await api.mergePatch({ apiVersion: API_VERSION, kind, namespace, name }, { spec: { suspend: true } });
}

/** Resumes and reconciles at once, in one patch; returns the reconcile request's value. */
export function requestResume(api: KubeApi, kind: RequestableKind, namespace: string, name: string): Promise<string> {
  return requestReconcile(api, kind, namespace, name, { spec: { suspend: false } });
}

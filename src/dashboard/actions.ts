/**
 * Reconcile, suspend and resume, written as the signed-in user: Kubernetes RBAC decides, and a
 * refusal comes back as Kubernetes worded it. The outcome arrives later on the live stream.
 */
import type { KubeApi } from '../kube/api.ts';
import { requestReconcile, requestResume, requestSuspend, type RequestableKind } from '../requests.ts';
import type { ActionResult } from './model.ts';

export const ACTIONS = ['reconcile', 'suspend', 'resume'] as const;
export type Action = (typeof ACTIONS)[number];

export function isAction(s: string): s is Action {
  return (ACTIONS as readonly string[]).includes(s);
}

export async function performAction(api: KubeApi, kind: RequestableKind, namespace: string, name: string, action: Action): Promise<ActionResult> {
  const what = `${kind} ${namespace}/${name}`;
  switch (action) {
    case 'reconcile': {
      const requestedAt = await requestReconcile(api, kind, namespace, name);
      return { accepted: true, requestedAt, message: `reconcile requested for ${what}` };
    }
    case 'suspend':
      await requestSuspend(api, kind, namespace, name);
      return { accepted: true, message: `${what} suspended` };
    case 'resume': {
      const requestedAt = await requestResume(api, kind, namespace, name);
      return { accepted: true, requestedAt, message: `${what} resumed; reconcile requested` };
    }
  }
}

import { apiGroup } from './objects.ts';
import type { KubeObject } from './types.ts';

/** Tells whether a kind is cluster-scoped; `undefined` when the caller does not know (then the built-in list decides). */
export type IsClusterScoped = (apiVersion: string, kind: string) => boolean | undefined;

/**
 * Well-known cluster-scoped kinds, by group and kind so that a custom resource that happens to be
 * called `Node` in another group is not mistaken for one. Anything else, custom resources
 * included, needs the caller's answer (from the cluster's discovery) to be treated as cluster-scoped.
 */
const WELL_KNOWN_CLUSTER_SCOPED = new Set([
  '/Namespace',
  '/Node',
  '/PersistentVolume',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'storage.k8s.io/StorageClass',
  'scheduling.k8s.io/PriorityClass',
  'networking.k8s.io/IngressClass',
  'node.k8s.io/RuntimeClass',
  'apiregistration.k8s.io/APIService',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
]);

export function isWellKnownClusterScoped(apiVersion: string, kind: string): boolean {
  return WELL_KNOWN_CLUSTER_SCOPED.has(`${apiGroup(apiVersion)}/${kind}`);
}

/**
 * Puts a namespaced object into `targetNamespace`, replacing any namespace it names, as Flux's
 * `targetNamespace` (kustomize's `namespace:`) does. Returns the object itself when unchanged.
 */
export function applyTargetNamespace(obj: KubeObject, targetNamespace: string, isClusterScoped?: IsClusterScoped): KubeObject {
  const clusterScoped = isClusterScoped?.(obj.apiVersion, obj.kind) ?? isWellKnownClusterScoped(obj.apiVersion, obj.kind);
  if (clusterScoped || obj.metadata.namespace === targetNamespace) return obj;
  return { ...obj, metadata: { ...obj.metadata, namespace: targetNamespace } };
}

/**
 * The order objects are applied in, and its reverse for deletion, as Flux and kustomize do it:
 * what other objects need (CRDs, Namespaces, cluster roles, classes) goes first, in stages the
 * applier waits between, then a fixed order of kinds, webhooks last so they cannot reject the
 * very objects they depend on.
 */
import { refOf } from './objects.ts';
import { parseId } from './object-id.ts';
import type { Obj, ObjRef } from './types.ts';

export type Stage = 1 | 2 | 3;

/** Cluster-scoped prerequisites, by `group/Kind`: applied and waited for before anything else. */
const clusterDefinitions: ReadonlySet<string> = new Set([
  'apiextensions.k8s.io/CustomResourceDefinition',
  '/Namespace',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'scheduling.k8s.io/PriorityClass',
  'storage.k8s.io/StorageClass',
  'networking.k8s.io/IngressClass',
  'node.k8s.io/RuntimeClass',
]);

/** kustomize's legacy kind order (api/resid/gvk.go orderFirst). */
const orderFirst = [
  'Namespace',
  'ResourceQuota',
  'StorageClass',
  'CustomResourceDefinition',
  'ServiceAccount',
  'PodSecurityPolicy',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'ConfigMap',
  'Secret',
  'Endpoints',
  'Service',
  'LimitRange',
  'PriorityClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'Deployment',
  'StatefulSet',
  'CronJob',
  'PodDisruptionBudget',
] as const;

const orderLast = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'] as const;

/**
 * 1: cluster definitions; 2: other `…Class` kinds (GatewayClass, VolumeSnapshotClass, …), which
 * their controllers must accept before objects name them; 3: everything else.
 */
export function stageOf(ref: Pick<ObjRef, 'group' | 'kind'>): Stage {
  if (clusterDefinitions.has(`${ref.group}/${ref.kind}`)) return 1;
  if (ref.kind.endsWith('Class')) return 2;
  return 3;
}

function kindRank(kind: string): number {
  const first = (orderFirst as readonly string[]).indexOf(kind);
  if (first !== -1) return first;
  const last = (orderLast as readonly string[]).indexOf(kind);
  if (last !== -1) return orderFirst.length + 1 + last;
  return orderFirst.length;
}

function compareText(a: string, b: string): number {
  // Code-point order, not locale order: the same on every machine.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Apply order over object identities; unknown kinds sort among themselves by name. */
export function compareApplyOrder(a: ObjRef, b: ObjRef): number {
  return (
    stageOf(a) - stageOf(b) ||
    kindRank(a.kind) - kindRank(b.kind) ||
    compareText(a.kind, b.kind) ||
    compareText(a.group, b.group) ||
    compareText(a.namespace, b.namespace) ||
    compareText(a.name, b.name)
  );
}

export type InventoryEntryLike = { id: string; v: string };

function refOfItem(item: Obj | InventoryEntryLike): ObjRef {
  return 'apiVersion' in item ? refOf(item) : parseId(item.id);
}

/** Sorted for applying; the input is not modified and equal objects keep their order. */
export function applyOrder<T extends Obj | InventoryEntryLike>(items: readonly T[]): T[] {
  return items
    .map((item) => ({ item, ref: refOfItem(item) }))
    .sort((a, b) => compareApplyOrder(a.ref, b.ref))
    .map(({ item }) => item);
}

/** The objects in apply order, split into the stages an applier waits between. Empty stages are left out. */
export function applyStages(objects: readonly Obj[]): Obj[][] {
  const stages: Obj[][] = [[], [], []];
  for (const obj of applyOrder(objects)) stages[stageOf(refOf(obj)) - 1]?.push(obj);
  return stages.filter((s) => s.length > 0);
}

/** Exactly the reverse of the apply order: dependents go before what they depend on. */
export function deletionOrder<T extends Obj | InventoryEntryLike>(items: readonly T[]): T[] {
  return applyOrder(items).reverse();
}

/**
 * The names Governor writes into clusters. They are part of the public contract: users select on
 * the labels, set the annotations by hand, and old objects still carry them after an upgrade, so
 * a value here never changes once released.
 */

export const GROUP = 'governor.dev';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}` as const;

/** Labels on every object a Stack applies; prune deletes only objects that still carry both. */
export const Labels = {
  StackName: 'governor.dev/stack-name',
  StackNamespace: 'governor.dev/stack-namespace',
} as const;

export const Annotations = {
  /** Any new value (conventionally a timestamp) asks for a reconcile now. */
  ReconcileRequestedAt: 'governor.dev/reconcile-requested-at',
  /** Per object: `if-not-present` creates it once and then leaves it alone; `ignore` never applies it. */
  Apply: 'governor.dev/apply',
  /** Per object: `disabled` keeps it when it leaves the Stack (and when the Stack is deleted). */
  Prune: 'governor.dev/prune',
} as const;

export const ApplyPolicies = {
  IfNotPresent: 'if-not-present',
  Ignore: 'ignore',
} as const;

export const PrunePolicies = {
  Disabled: 'disabled',
} as const;

/** Holds a Stack until what it applied is deleted (unless `spec.prune` is false). */
export const FINALIZER = 'governor.dev/finalizer';

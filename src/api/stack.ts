import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { API_VERSION } from './constants.ts';
import { ConditionsSchema } from './condition.ts';
import type { KindDefinition } from './kind-definition.ts';
import { ObjectMetaSchema } from './object-meta.ts';
import { Defaulted, Duration, NamespaceName, ObjectName, Strict, StringEnum, Timestamp } from './schema-kit.ts';
import type { Input } from './schema-kit.ts';

export const SourceReferenceSchema = Strict(
  {
    kind: Defaulted(StringEnum(['GitRepository'], { description: 'The kind of the source.' }), 'GitRepository'),
    name: ObjectName({ description: 'The name of the source.' }),
    namespace: Type.Optional(NamespaceName({ description: "The source's namespace; defaults to the Stack's." })),
  },
  { description: 'The source whose revision is rendered.' },
);

export const HealthCheckSchema = Strict(
  {
    apiVersion: Type.String({ minLength: 1 }),
    kind: Type.String({ minLength: 1 }),
    name: ObjectName(),
    namespace: Type.Optional(NamespaceName()),
  },
  { description: 'An object whose health to wait for.' },
);

export const HealthCheckExprSchema = Strict(
  {
    apiVersion: Type.String({ minLength: 1 }),
    kind: Type.String({ minLength: 1 }),
    current: Type.String({ minLength: 1, description: 'CEL over `self`: true when the object is healthy.' }),
    inProgress: Type.Optional(Type.String({ minLength: 1, description: 'CEL over `self`: true while the object is getting there.' })),
    failed: Type.Optional(Type.String({ minLength: 1, description: 'CEL over `self`: true when the object has failed.' })),
  },
  { description: 'CEL health expressions for one kind.' },
);

export const DependencySchema = Strict(
  {
    name: ObjectName(),
    namespace: Type.Optional(NamespaceName({ description: "Defaults to this Stack's namespace." })),
  },
  { description: 'A Stack this one depends on.' },
);

export const SubstituteReferenceSchema = Strict(
  {
    kind: StringEnum(['ConfigMap', 'Secret']),
    name: ObjectName(),
    optional: Defaulted(Type.Boolean({ description: 'Carry on without it when it does not exist.' }), false),
  },
  { description: 'A ConfigMap or Secret to read variables from.' },
);

export const DriftIgnoreTargetSchema = Strict(
  {
    kind: Type.Optional(Type.String({ minLength: 1 })),
    name: Type.Optional(Type.String({ minLength: 1 })),
    namespace: Type.Optional(Type.String({ minLength: 1 })),
    labelSelector: Type.Optional(Type.String({ minLength: 1, description: 'A label selector, as kubectl -l takes.' })),
  },
  { description: 'The objects the rule applies to; every field set must match. Empty means all.' },
);

export const DriftIgnoreRuleSchema = Strict(
  {
    paths: Type.Array(
      Type.String({
        pattern: '^(/([^~/]|~[01])*)+$',
        errorMessage: 'must be a JSON pointer such as /spec/replicas',
      }),
      { minItems: 1, description: 'JSON pointers (RFC 6901) of fields whose changes are not drift.' },
    ),
    target: Type.Optional(DriftIgnoreTargetSchema),
  },
  { description: 'Fields whose changes are not drift, on the objects that match.' },
);

export const DriftModes = {
  Correct: 'correct',
  Warn: 'warn',
  Ignore: 'ignore',
} as const;

export const DriftSpecSchema = Strict(
  {
    mode: Defaulted(
      StringEnum(['correct', 'warn', 'ignore'], {
        description: 'correct: report drift and put it back; warn: only report it; ignore: do not watch for it.',
      }),
      'correct',
    ),
    ignore: Type.Optional(
      Type.Array(DriftIgnoreRuleSchema, { description: 'Fields to leave alone, such as replicas that an autoscaler sets.' }),
    ),
  },
  { description: 'What to do when live objects drift from Git.' },
);

export const StackSpecSchema = Strict(
  {
    sourceRef: SourceReferenceSchema,
    path: Type.String({
      minLength: 1,
      description: 'The directory inside the source to render, relative to its root; "./" is the root.',
    }),
    interval: Duration({ description: 'How often to reconcile even when nothing changed, such as 10m.' }),
    retryInterval: Type.Optional(Duration({ description: 'How soon to retry after a failure; defaults to the interval.' })),
    timeout: Type.Optional(Duration({ description: 'How long apply and health checks may take; defaults to the interval.' })),
    prune: Defaulted(Type.Boolean({ description: 'Delete objects that left the Stack, and everything when the Stack is deleted.' }), true),
    wait: Defaulted(Type.Boolean({ description: 'Wait until every applied object is healthy.' }), false),
    healthChecks: Type.Optional(
      Type.Array(HealthCheckSchema, { description: 'More objects to wait for, whether or not this Stack applies them.' }),
    ),
    healthCheckExprs: Type.Optional(
      Type.Array(HealthCheckExprSchema, { description: 'How to tell the health of custom kinds that kstatus cannot read, in CEL.' }),
    ),
    dependsOn: Type.Optional(
      Type.Array(DependencySchema, { description: 'Stacks that must be Ready at their latest revision before this one applies.' }),
    ),
    suspend: Defaulted(Type.Boolean({ description: 'Stop reconciling; what was applied stays.' }), false),
    targetNamespace: Type.Optional(
      NamespaceName({ description: 'The namespace of every namespaced object that does not set one.' }),
    ),
    substitute: Type.Optional(
      Type.Record(Type.String(), Type.String(), { description: 'Variables for ${VAR} substitution in the rendered objects.' }),
    ),
    substituteFrom: Type.Optional(
      Type.Array(SubstituteReferenceSchema, {
        description: "ConfigMaps and Secrets in the Stack's namespace whose keys become variables; later ones win, substitute wins over all.",
      }),
    ),
    serviceAccountName: Type.Optional(
      ObjectName({ description: "A ServiceAccount in the Stack's namespace to impersonate when applying." }),
    ),
    force: Defaulted(
      Type.Boolean({ description: 'Delete and recreate objects whose immutable fields changed.' }),
      false,
    ),
    drift: Defaulted(DriftSpecSchema, { mode: 'correct' }),
    clusterRef: Type.Optional(
      Strict({ name: ObjectName() }, { description: "The Cluster to apply to; the controller's own cluster when unset." }),
    ),
  },
  { description: 'Which path of which source to render and apply, and how.' },
);

export const InventoryEntrySchema = Type.Object({
  id: Type.String({ description: 'The object as <namespace>_<name>_<group>_<kind>; namespace and group may be empty.' }),
  v: Type.String({ description: 'The API version it was applied with.' }),
});

export const InventorySchema = Type.Object(
  { entries: Type.Array(InventoryEntrySchema, { description: 'One entry per object.' }) },
  { description: 'Every object the last successful apply wrote, in apply order.' },
);

export const DriftStatusSchema = Type.Object(
  {
    count: Type.Integer({ format: 'int64', minimum: 0, description: 'How many applied objects differ from Git now.' }),
    lastDriftTime: Type.Optional(Timestamp({ description: 'When drift was last seen.' })),
  },
  { description: 'Drift of the applied objects from Git.' },
);

export const StackStatusSchema = Type.Object(
  {
    observedGeneration: Type.Optional(Type.Integer({ format: 'int64', description: 'The .metadata.generation last reconciled.' })),
    conditions: Type.Optional(ConditionsSchema),
    lastAppliedRevision: Type.Optional(Type.String({ description: 'The source revision last applied successfully.' })),
    lastAttemptedRevision: Type.Optional(Type.String({ description: 'The source revision last tried.' })),
    lastHandledReconcileAt: Type.Optional(
      Type.String({ description: 'The value of the governor.dev/reconcile-requested-at annotation last handled.' }),
    ),
    inventory: Type.Optional(InventorySchema),
    drift: Type.Optional(DriftStatusSchema),
    lastApplyDuration: Type.Optional(
      Type.String({ description: 'How long the last reconcile that rendered and applied took (render, apply, prune and health), such as 1.25s.' }),
    ),
  },
  { description: 'What the controller last observed.' },
);

export const StackSchema = Type.Object({
  apiVersion: Type.Literal(API_VERSION),
  kind: Type.Literal('Stack'),
  metadata: ObjectMetaSchema,
  spec: StackSpecSchema,
  status: Type.Optional(StackStatusSchema),
});

export type SourceReference = Static<typeof SourceReferenceSchema>;
export type HealthCheck = Static<typeof HealthCheckSchema>;
export type HealthCheckExpr = Static<typeof HealthCheckExprSchema>;
export type Dependency = Static<typeof DependencySchema>;
export type SubstituteReference = Static<typeof SubstituteReferenceSchema>;
export type DriftIgnoreRule = Static<typeof DriftIgnoreRuleSchema>;
export type DriftMode = Static<typeof DriftSpecSchema>['mode'];
export type DriftSpec = Static<typeof DriftSpecSchema>;
export type StackSpec = Static<typeof StackSpecSchema>;
export type StackSpecInput = Input<typeof StackSpecSchema>;
export type InventoryEntry = Static<typeof InventoryEntrySchema>;
export type Inventory = Static<typeof InventorySchema>;
export type DriftStatus = Static<typeof DriftStatusSchema>;
export type StackStatus = Static<typeof StackStatusSchema>;
export type Stack = Static<typeof StackSchema>;
export type StackInput = Input<typeof StackSchema>;

export const StackDefinition: KindDefinition = {
  kind: 'Stack',
  plural: 'stacks',
  singular: 'stack',
  shortNames: ['stk'],
  description: 'A path of a source, rendered and applied to a cluster, pruned and kept free of drift.',
  spec: StackSpecSchema,
  status: StackStatusSchema,
  revisionColumn: '.status.lastAppliedRevision',
};

/**
 * Status conditions in the shape of metav1.Condition, with the kstatus condition types, so that
 * kubectl wait, kstatus-based tools and our own health checks read Governor objects like any other.
 */
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { StringEnum, Timestamp } from './schema-kit.ts';

export const ConditionTypes = {
  /** The object is fully reconciled at its latest revision. */
  Ready: 'Ready',
  /** Work is under way; absent (or False) once it is done. */
  Reconciling: 'Reconciling',
  /** Progress is blocked until something outside changes (bad spec, dependency cycle …). */
  Stalled: 'Stalled',
} as const;

export type ConditionType = (typeof ConditionTypes)[keyof typeof ConditionTypes];

export const ConditionStatuses = {
  True: 'True',
  False: 'False',
  Unknown: 'Unknown',
} as const;

export type ConditionStatusValue = (typeof ConditionStatuses)[keyof typeof ConditionStatuses];

export const ConditionSchema = Type.Object(
  {
    type: Type.String({
      description: 'Type of condition in CamelCase, such as Ready, Reconciling or Stalled.',
      maxLength: 316,
      pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
    }),
    status: StringEnum(['True', 'False', 'Unknown'], { description: 'Status of the condition: True, False or Unknown.' }),
    observedGeneration: Type.Optional(
      Type.Integer({ format: 'int64', minimum: 0, description: 'The .metadata.generation the condition was set from.' }),
    ),
    lastTransitionTime: Timestamp({ description: 'When the condition last changed from one status to another.' }),
    reason: Type.String({
      description: 'A stable, machine-readable CamelCase reason for the last transition.',
      minLength: 1,
      maxLength: 1024,
      pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
    }),
    message: Type.String({ description: 'A human-readable message about the transition.', maxLength: 32768 }),
  },
  { description: 'One aspect of the current state of the object, as metav1.Condition.' },
);

export type Condition = Static<typeof ConditionSchema>;

export const ConditionsSchema = Type.Array(ConditionSchema, {
  description: 'The latest observations of the object state: Ready, Reconciling and Stalled.',
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['type'],
});

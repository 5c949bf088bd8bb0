import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { API_VERSION } from './constants.ts';
import { ConditionsSchema } from './condition.ts';
import type { KindDefinition } from './kind-definition.ts';
import { ObjectMetaSchema } from './object-meta.ts';
import { Defaulted, ObjectName, Strict, StringEnum } from './schema-kit.ts';
import type { Input } from './schema-kit.ts';

export const RECEIVER_TYPES = ['github', 'gitlab', 'generic-hmac'] as const;

export const ReceiverResourceSchema = Strict(
  {
    kind: StringEnum(['GitRepository', 'Stack']),
    name: Defaulted(Type.String({ minLength: 1, description: 'The name; * matches any, and a * inside a name matches any run of characters.' }), '*'),
    namespace: Type.Optional(Type.String({ minLength: 1, description: "Defaults to the Receiver's namespace." })),
    matchLabels: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'Labels the objects must carry.' })),
  },
  { description: 'Objects to reconcile when a valid call arrives.' },
);

export const ReceiverSpecSchema = Strict(
  {
    type: StringEnum(RECEIVER_TYPES, {
      description:
        'github (X-Hub-Signature-256), gitlab (X-Gitlab-Token), generic-hmac (X-Signature: sha256=<hex HMAC of the body>).',
    }),
    events: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description: 'Event types to act on, such as push (GitHub X-GitHub-Event, GitLab X-Gitlab-Event "Push Hook"); empty acts on all.',
      }),
    ),
    secretRef: Strict(
      { name: ObjectName() },
      { description: 'A Secret in the same namespace whose `token` key signs the calls and derives the webhook path.' },
    ),
    resources: Type.Array(ReceiverResourceSchema, { minItems: 1, description: 'What to reconcile at once on a valid call.' }),
    suspend: Defaulted(Type.Boolean({ description: 'Refuse calls (404) while set.' }), false),
  },
  { description: 'An incoming webhook that asks for an immediate reconcile.' },
);

export const ReceiverStatusSchema = Type.Object(
  {
    observedGeneration: Type.Optional(Type.Integer({ format: 'int64', description: 'The .metadata.generation last reconciled.' })),
    conditions: Type.Optional(ConditionsSchema),
    webhookPath: Type.Optional(Type.String({ description: 'The path to call on the controller\'s webhook address: /hook/<sha256 of token, name and namespace>.' })),
  },
  { description: 'What the controller last observed.' },
);

export const ReceiverSchema = Type.Object({
  apiVersion: Type.Literal(API_VERSION),
  kind: Type.Literal('Receiver'),
  metadata: ObjectMetaSchema,
  spec: ReceiverSpecSchema,
  status: Type.Optional(ReceiverStatusSchema),
});

export type ReceiverType = (typeof RECEIVER_TYPES)[number];
export type ReceiverResource = Static<typeof ReceiverResourceSchema>;
export type ReceiverSpec = Static<typeof ReceiverSpecSchema>;
export type ReceiverStatus = Static<typeof ReceiverStatusSchema>;
export type Receiver = Static<typeof ReceiverSchema>;
export type ReceiverInput = Input<typeof ReceiverSchema>;

export const ReceiverDefinition: KindDefinition = {
  kind: 'Receiver',
  plural: 'receivers',
  singular: 'receiver',
  shortNames: [],
  description: 'An incoming webhook (GitHub, GitLab, generic HMAC) that reconciles its targets at once.',
  spec: ReceiverSpecSchema,
  status: ReceiverStatusSchema,
};

import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { API_VERSION } from './constants.ts';
import { ConditionsSchema } from './condition.ts';
import type { KindDefinition } from './kind-definition.ts';
import { ObjectMetaSchema } from './object-meta.ts';
import { Defaulted, Duration, ObjectName, Strict, StringEnum } from './schema-kit.ts';
import type { Input } from './schema-kit.ts';

/** Chat and webhook providers take a message; the Git providers post a commit status. */
export const PROVIDER_TYPES = ['slack', 'msteams', 'discord', 'generic', 'generic-hmac', 'github', 'gitlab', 'gitea'] as const;
export const COMMIT_STATUS_PROVIDER_TYPES = ['github', 'gitlab', 'gitea'] as const;

export const ProviderSpecSchema = Strict(
  {
    type: StringEnum(PROVIDER_TYPES, {
      description:
        'slack, msteams, discord (incoming webhooks), generic (a JSON POST), generic-hmac (the same, signed with HMAC-SHA256 in X-Signature), or github, gitlab, gitea (commit status).',
    }),
    address: Type.Optional(
      Type.String({
        pattern: '^https?://[^\\s]+$',
        errorMessage: 'must be an http:// or https:// URL',
        description:
          "The webhook URL; for github, gitlab and gitea the API's base URL (default: derived from the source URL's host). The Secret's `address` key wins over this.",
      }),
    ),
    channel: Type.Optional(Type.String({ minLength: 1, description: 'The channel to post to, where the provider takes one (slack).' })),
    username: Type.Optional(Type.String({ minLength: 1, description: 'The name to post as, where the provider takes one (slack, discord).' })),
    secretRef: Type.Optional(
      Strict(
        { name: ObjectName() },
        {
          description:
            'A Secret in the same namespace: `address` (a webhook URL kept secret), `token` (the API token of github, gitlab and gitea; the HMAC key of generic-hmac).',
        },
      ),
    ),
    timeout: Defaulted(Duration({ description: 'How long one delivery attempt may take.' }), '15s'),
    suspend: Defaulted(Type.Boolean({ description: 'Send nothing through this provider.' }), false),
  },
  { description: 'Where notifications go and how.' },
);

export const ProviderStatusSchema = Type.Object(
  {
    observedGeneration: Type.Optional(Type.Integer({ format: 'int64', description: 'The .metadata.generation last reconciled.' })),
    conditions: Type.Optional(ConditionsSchema),
  },
  { description: 'What the controller last observed.' },
);

export const EventSourceSchema = Strict(
  {
    kind: StringEnum(['Stack', 'GitRepository', '*'], { description: 'The kind of the objects; * for both.' }),
    name: Defaulted(Type.String({ minLength: 1, description: 'The name of the objects; * matches any, and a * inside a name matches any run of characters.' }), '*'),
    namespace: Type.Optional(Type.String({ minLength: 1, description: "The namespace; defaults to the Alert's, * for any." })),
    matchLabels: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'Labels the objects must carry.' })),
  },
  { description: 'Objects whose events the Alert sends.' },
);

export const AlertSpecSchema = Strict(
  {
    providerRef: Strict({ name: ObjectName() }, { description: 'The Provider in the same namespace.' }),
    eventSeverity: Defaulted(StringEnum(['info', 'error'], { description: 'info sends everything; error only failures.' }), 'info'),
    eventSources: Type.Array(EventSourceSchema, { minItems: 1, description: 'Which objects to tell about.' }),
    inclusionList: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), { description: 'Regular expressions; when set, only messages matching one are sent.' }),
    ),
    exclusionList: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), { description: 'Regular expressions; messages matching one are not sent.' }),
    ),
    summary: Type.Optional(Type.String({ maxLength: 255, description: 'A line added to every message, such as the cluster name.' })),
    repeatWindow: Defaulted(
      Duration({ description: 'The same message about the same object is sent once within this window.' }),
      '5m',
    ),
    suspend: Defaulted(Type.Boolean({ description: 'Send nothing for this Alert.' }), false),
  },
  { description: 'Which events to send through which Provider.' },
);

export const AlertStatusSchema = ProviderStatusSchema;

export const ProviderSchema = Type.Object({
  apiVersion: Type.Literal(API_VERSION),
  kind: Type.Literal('Provider'),
  metadata: ObjectMetaSchema,
  spec: ProviderSpecSchema,
  status: Type.Optional(ProviderStatusSchema),
});

export const AlertSchema = Type.Object({
  apiVersion: Type.Literal(API_VERSION),
  kind: Type.Literal('Alert'),
  metadata: ObjectMetaSchema,
  spec: AlertSpecSchema,
  status: Type.Optional(AlertStatusSchema),
});

export type ProviderType = (typeof PROVIDER_TYPES)[number];
export type ProviderSpec = Static<typeof ProviderSpecSchema>;
export type ProviderStatus = Static<typeof ProviderStatusSchema>;
export type Provider = Static<typeof ProviderSchema>;
export type ProviderInput = Input<typeof ProviderSchema>;
export type EventSource = Static<typeof EventSourceSchema>;
export type AlertSpec = Static<typeof AlertSpecSchema>;
export type AlertStatus = Static<typeof AlertStatusSchema>;
export type Alert = Static<typeof AlertSchema>;
export type AlertInput = Input<typeof AlertSchema>;

export const ProviderDefinition: KindDefinition = {
  kind: 'Provider',
  plural: 'providers',
  singular: 'provider',
  shortNames: [],
  description: 'Where notifications go: a chat webhook, a generic webhook, or a Git host taking commit statuses.',
  spec: ProviderSpecSchema,
  status: ProviderStatusSchema,
};

export const AlertDefinition: KindDefinition = {
  kind: 'Alert',
  plural: 'alerts',
  singular: 'alert',
  shortNames: [],
  description: 'Which events of which Stacks and sources to send through a Provider.',
  spec: AlertSpecSchema,
  status: AlertStatusSchema,
};

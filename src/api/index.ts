/**
 * Governor's API, group governor.dev version v1alpha1: one TypeBox definition per kind, from
 * which come the TypeScript types (`Static` is the stored form with defaults filled in, `Input`
 * what a user may write), the CRDs under config/crd/ and runtime validation.
 */
export { API_VERSION, Annotations, ApplyPolicies, FINALIZER, GROUP, Labels, PrunePolicies, VERSION } from './constants.ts';
export { ConditionSchema, ConditionStatuses, ConditionTypes, ConditionsSchema } from './condition.ts';
export type { Condition, ConditionStatusValue, ConditionType } from './condition.ts';
export { ObjectMetaSchema, OwnerReferenceSchema } from './object-meta.ts';
export type { ObjectMeta, OwnerReference } from './object-meta.ts';
export { DURATION_PATTERN } from './schema-kit.ts';
export type { Input } from './schema-kit.ts';
export {
  GIT_URL_PATTERN,
  GitArtifactSchema,
  GitCommitSchema,
  GitRepositoryRefSchema,
  GitRepositorySchema,
  GitRepositorySpecSchema,
  GitRepositoryStatusSchema,
} from './git-repository.ts';
export type {
  GitArtifact,
  GitCommit,
  GitRepository,
  GitRepositoryInput,
  GitRepositoryRef,
  GitRepositorySpec,
  GitRepositorySpecInput,
  GitRepositoryStatus,
} from './git-repository.ts';
export {
  DependencySchema,
  DriftIgnoreRuleSchema,
  DriftModes,
  DriftSpecSchema,
  DriftStatusSchema,
  HealthCheckExprSchema,
  HealthCheckSchema,
  InventoryEntrySchema,
  InventorySchema,
  SourceReferenceSchema,
  StackSchema,
  StackSpecSchema,
  StackStatusSchema,
  SubstituteReferenceSchema,
} from './stack.ts';
export type {
  Dependency,
  DriftIgnoreRule,
  DriftMode,
  DriftSpec,
  DriftStatus,
  HealthCheck,
  HealthCheckExpr,
  Inventory,
  InventoryEntry,
  SourceReference,
  Stack,
  StackInput,
  StackSpec,
  StackSpecInput,
  StackStatus,
  SubstituteReference,
} from './stack.ts';
export { KINDS, isKindName } from './kinds.ts';
export type { KindName, SpecByKind } from './kinds.ts';
export type { KindDefinition } from './kind-definition.ts';
export { allCrds, crdFor } from './crd.ts';
export type { CustomResourceDefinition } from './crd.ts';
export type { JSONSchemaProps } from './openapi.ts';
export { parseSpec, validateSpec } from './validate.ts';
export type { FieldError, ValidationResult } from './validate.ts';
export {
  AlertSchema,
  AlertSpecSchema,
  COMMIT_STATUS_PROVIDER_TYPES,
  EventSourceSchema,
  PROVIDER_TYPES,
  ProviderSchema,
  ProviderSpecSchema,
} from './notification.ts';
export type {
  Alert,
  AlertInput,
  AlertSpec,
  AlertStatus,
  EventSource,
  Provider,
  ProviderInput,
  ProviderSpec,
  ProviderStatus,
  ProviderType,
} from './notification.ts';
export { RECEIVER_TYPES, ReceiverResourceSchema, ReceiverSchema, ReceiverSpecSchema } from './receiver.ts';
export type { Receiver, ReceiverInput, ReceiverResource, ReceiverSpec, ReceiverStatus, ReceiverType } from './receiver.ts';

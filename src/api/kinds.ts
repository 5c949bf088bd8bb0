import { GitRepositoryDefinition } from './git-repository.ts';
import type { GitRepositorySpec } from './git-repository.ts';
import type { KindDefinition } from './kind-definition.ts';
import { AlertDefinition, ProviderDefinition } from './notification.ts';
import type { AlertSpec, ProviderSpec } from './notification.ts';
import { ReceiverDefinition } from './receiver.ts';
import type { ReceiverSpec } from './receiver.ts';
import { StackDefinition } from './stack.ts';
import type { StackSpec } from './stack.ts';

/** Every kind of the API, in the order their CRDs are installed. */
export const KINDS = {
  GitRepository: GitRepositoryDefinition,
  Stack: StackDefinition,
  Provider: ProviderDefinition,
  Alert: AlertDefinition,
  Receiver: ReceiverDefinition,
} as const satisfies Record<string, KindDefinition>;

export type KindName = keyof typeof KINDS;

export interface SpecByKind {
  GitRepository: GitRepositorySpec;
  Stack: StackSpec;
  Provider: ProviderSpec;
  Alert: AlertSpec;
  Receiver: ReceiverSpec;
}

export function isKindName(value: unknown): value is KindName {
  return typeof value === 'string' && Object.hasOwn(KINDS, value);
}

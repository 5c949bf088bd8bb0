import { GitRepositoryDefinition } from './git-repository.ts';
import type { GitRepositorySpec } from './git-repository.ts';
import type { KindDefinition } from './kind-definition.ts';
import { StackDefinition } from './stack.ts';
import type { StackSpec } from './stack.ts';

/** Every kind of the API, in the order their CRDs are installed. */
export const KINDS = {
  GitRepository: GitRepositoryDefinition,
  Stack: StackDefinition,
} as const satisfies Record<string, KindDefinition>;

export type KindName = keyof typeof KINDS;

export interface SpecByKind {
  GitRepository: GitRepositorySpec;
  Stack: StackSpec;
}

export function isKindName(value: unknown): value is KindName {
  return typeof value === 'string' && Object.hasOwn(KINDS, value);
}

import type { TObject } from '@sinclair/typebox';

/** Everything that makes one kind's CRD besides the shared conventions crd.ts adds. */
export interface KindDefinition {
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly description: string;
  readonly spec: TObject;
  readonly status: TObject;
  /** JSONPath of the revision shown in `kubectl get`; kinds without one have no such column. */
  readonly revisionColumn?: string;
}

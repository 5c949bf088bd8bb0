/**
 * The CustomResourceDefinition of each kind, as the plain object `kubectl apply` would send.
 * config/crd/ holds these rendered as YAML (crd-files.ts); a test keeps the two equal.
 */
import { GROUP, VERSION } from './constants.ts';
import { KINDS } from './kinds.ts';
import type { KindName } from './kinds.ts';
import { toStructural } from './openapi.ts';
import type { JSONSchemaProps } from './openapi.ts';

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string };
  spec: {
    group: string;
    names: { kind: string; listKind: string; plural: string; singular: string; shortNames: string[]; categories: string[] };
    scope: 'Namespaced';
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      subresources: { status: Record<string, never> };
      additionalPrinterColumns: { name: string; type: string; jsonPath: string; description?: string }[];
      schema: { openAPIV3Schema: JSONSchemaProps };
    }[];
  };
}

const READY = '.status.conditions[?(@.type=="Ready")]';

export function crdFor(kind: KindName): CustomResourceDefinition {
  const def = KINDS[kind];
  const spec = toStructural(def.spec, '.spec');
  const status = toStructural(def.status, '.status');
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${def.plural}.${GROUP}` },
    spec: {
      group: GROUP,
      names: {
        kind: def.kind,
        listKind: `${def.kind}List`,
        plural: def.plural,
        singular: def.singular,
        shortNames: [...def.shortNames],
        categories: ['governor'],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            { name: 'Ready', type: 'string', jsonPath: `${READY}.status` },
            { name: 'Status', type: 'string', jsonPath: `${READY}.message` },
            ...(def.revisionColumn ? [{ name: 'Revision', type: 'string', jsonPath: def.revisionColumn }] : []),
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: {
            openAPIV3Schema: {
              description: def.description,
              properties: {
                apiVersion: { description: 'The versioned schema of this representation of the object.', type: 'string' },
                kind: { description: 'The REST resource this object represents.', type: 'string' },
                metadata: { type: 'object' },
                spec,
                status,
              },
              required: ['spec'],
              type: 'object',
            },
          },
        },
      ],
    },
  };
}

export function allCrds(): CustomResourceDefinition[] {
  return (Object.keys(KINDS) as KindName[]).map(crdFor);
}

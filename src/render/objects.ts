import { GovernorError, ErrorCodes } from '../errors.ts';
import { describeSource } from './types.ts';
import type { KubeObject, RenderedObject, Source, SourceDocument } from './types.ts';

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOfValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (isMapping(value)) return 'a mapping';
  return `a ${typeof value}`;
}

function invalid(source: Source, message: string): GovernorError {
  return new GovernorError(ErrorCodes.InvalidObject, `${describeSource(source)}: ${message}`, {
    details: { ...source },
  });
}

function checkStringMap(source: Source, meta: Record<string, unknown>, field: 'labels' | 'annotations'): void {
  const map = meta[field];
  if (map === undefined) return;
  // `labels:` with nothing after it is null in YAML; kubectl treats it as absent.
  if (map === null) {
    delete meta[field];
    return;
  }
  if (!isMapping(map)) throw invalid(source, `metadata.${field} must be a mapping, got ${kindOfValue(map)}`);
  for (const [key, value] of Object.entries(map)) {
    if (typeof value !== 'string') {
      // The usual cause is an unquoted `version: 1.0` or `enabled: yes`, which YAML types.
      throw invalid(source, `metadata.${field}.${key} must be a string, got ${kindOfValue(value)} (quote the value)`);
    }
  }
}

/**
 * Checks that a parsed document is a Kubernetes object Governor can apply and identify. The
 * document is narrowed in place (null namespace/labels/annotations are dropped), not copied.
 */
export function toKubeObject(doc: SourceDocument): RenderedObject {
  const { value, source } = doc;
  if (!isMapping(value)) throw invalid(source, `expected a mapping (a Kubernetes object), got ${kindOfValue(value)}`);
  const { apiVersion, kind, metadata } = value;
  if (typeof apiVersion !== 'string' || apiVersion === '') throw invalid(source, 'missing apiVersion');
  if (!/^([^/\s]+\/)?[^/\s]+$/.test(apiVersion)) throw invalid(source, `apiVersion "${apiVersion}" is not <group>/<version> or <version>`);
  if (typeof kind !== 'string' || kind === '') throw invalid(source, 'missing kind');
  if (!isMapping(metadata)) throw invalid(source, `${kind}: missing metadata`);
  // A generated name is a new object on every apply: it can be neither diffed nor pruned.
  if (metadata.generateName !== undefined && metadata.name === undefined) {
    throw invalid(source, `${kind}: metadata.generateName is not supported, set metadata.name`);
  }
  if (typeof metadata.name !== 'string' || metadata.name === '') throw invalid(source, `${kind}: missing metadata.name`);
  if (metadata.namespace === null || metadata.namespace === '') delete metadata.namespace;
  if (metadata.namespace !== undefined && typeof metadata.namespace !== 'string') {
    throw invalid(source, `${kind} ${metadata.name}: metadata.namespace must be a string, got ${kindOfValue(metadata.namespace)}`);
  }
  checkStringMap(source, metadata, 'labels');
  checkStringMap(source, metadata, 'annotations');
  return { object: value as KubeObject, source };
}

/** The API group of an apiVersion: `apps/v1` → `apps`, `v1` → `` (core). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

/** `<namespace>_<name>_<group>_<kind>`, the Flux inventory id (empty namespace when cluster-scoped, empty group for core). */
export function objectId(obj: KubeObject): string {
  return `${obj.metadata.namespace ?? ''}_${obj.metadata.name}_${apiGroup(obj.apiVersion)}_${obj.kind}`;
}

/** A readable name for messages: `Deployment web/api`, `Namespace web`. */
export function describeObject(obj: KubeObject): string {
  const ns = obj.metadata.namespace;
  return `${obj.kind} ${ns ? `${ns}/` : ''}${obj.metadata.name}`;
}

/**
 * Two documents for one object would be applied in turn, the second silently winning; the
 * version is not part of the identity because `apps/v1` and `apps/v1beta1` are the same object.
 */
export function assertNoDuplicates(objects: readonly RenderedObject[]): void {
  const seen = new Map<string, Source>();
  for (const { object, source } of objects) {
    const id = objectId(object);
    const first = seen.get(id);
    if (first) {
      throw new GovernorError(
        ErrorCodes.DuplicateObject,
        `${describeObject(object)} (${object.apiVersion}) is defined twice: in ${describeSource(first)} and in ${describeSource(source)}`,
        { details: { id, files: [first.file, source.file], sources: [first, source] } },
      );
    }
    seen.set(id, source);
  }
}

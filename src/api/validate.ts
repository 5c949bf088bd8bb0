/**
 * Runtime validation of a spec, with the API server's semantics so that `governor check` on a
 * laptop and the controller in the cluster agree with what `kubectl apply` would say: nulls are
 * dropped, defaults fill in only what is absent, unknown fields are refused (strict field
 * validation, kubectl's default).
 */
import { Kind } from '@sinclair/typebox';
import type { TSchema } from '@sinclair/typebox';
import { Value, ValueErrorType } from '@sinclair/typebox/value';
import type { ValueError } from '@sinclair/typebox/value';
import { ErrorCodes, GovernorError } from '../errors.ts';
import { KINDS, isKindName } from './kinds.ts';
import type { KindName, SpecByKind } from './kinds.ts';

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; error: GovernorError };

/** One failing field, for callers that show them apart (the CLI, the dashboard). */
export interface FieldError {
  /** Human form: `spec.drift.ignore[0].paths[1]`. */
  path: string;
  message: string;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A deep copy without null object members, which the API server prunes as if never written. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = withoutNulls(v);
  return out;
}

/**
 * Kubernetes defaulting: a default fills a field only when the field is absent, and defaults
 * nested in it apply after it. (TypeBox's Value.Default also merges an object default into a
 * present object, which would turn `ref: {tag: v1}` into `{branch: main, tag: v1}`.)
 * Mutates `value`, which is always our own copy.
 */
function applyDefaults(schema: TSchema, value: unknown): unknown {
  switch (schema[Kind]) {
    case 'Object': {
      if (!isPlainObject(value)) return value;
      for (const [key, prop] of Object.entries(schema.properties as Record<string, TSchema>)) {
        if (value[key] === undefined && 'default' in prop) value[key] = structuredClone(prop.default as unknown);
        if (value[key] !== undefined) value[key] = applyDefaults(prop, value[key]);
      }
      return value;
    }
    case 'Record': {
      if (!isPlainObject(value)) return value;
      const [valueSchema] = Object.values(schema.patternProperties as Record<string, TSchema>);
      if (valueSchema) for (const key of Object.keys(value)) value[key] = applyDefaults(valueSchema, value[key]);
      return value;
    }
    case 'Array':
      return Array.isArray(value) ? value.map((item) => applyDefaults(schema.items as TSchema, item)) : value;
    default:
      return value;
  }
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `/drift/ignore/0/paths` → `spec.drift.ignore[0].paths`, walking the value to tell list indexes from map keys. */
function humanPath(root: string, pointer: string, value: unknown): string {
  let out = root;
  let at: unknown = value;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(at) && /^\d+$/.test(key)) {
      out += `[${key}]`;
      at = at[Number(key)];
    } else {
      out += IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
      at = isPlainObject(at) ? at[key] : undefined;
    }
  }
  return out;
}

function literalsOf(schema: TSchema): string[] {
  if (schema[Kind] === 'Literal') return [String(schema.const)];
  if (schema[Kind] === 'Union') return (schema.anyOf as TSchema[]).flatMap(literalsOf);
  return [];
}

function describe(error: ValueError): string {
  const s = error.schema as Record<string, unknown>;
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return 'is required';
    case ValueErrorType.ObjectAdditionalProperties:
      return 'is not a known field';
    case ValueErrorType.String:
      return 'must be a string';
    case ValueErrorType.Boolean:
      return 'must be true or false';
    case ValueErrorType.Integer:
      return 'must be a whole number';
    case ValueErrorType.Number:
      return 'must be a number';
    case ValueErrorType.Object:
      return 'must be an object';
    case ValueErrorType.Array:
      return 'must be a list';
    case ValueErrorType.StringPattern:
      return typeof s.errorMessage === 'string' ? s.errorMessage : `must match ${String(s.pattern)}`;
    case ValueErrorType.StringMinLength:
      return s.minLength === 1 ? 'must not be empty' : `must be at least ${String(s.minLength)} characters long`;
    case ValueErrorType.StringMaxLength:
      return `must be at most ${String(s.maxLength)} characters long`;
    case ValueErrorType.ArrayMinItems:
      return s.minItems === 1 ? 'must not be empty' : `must have at least ${String(s.minItems)} items`;
    case ValueErrorType.ArrayMaxItems:
      return `must have at most ${String(s.maxItems)} items`;
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.NumberMinimum:
      return `must be at least ${String(s.minimum)}`;
    case ValueErrorType.IntegerMaximum:
    case ValueErrorType.NumberMaximum:
      return `must be at most ${String(s.maximum)}`;
    case ValueErrorType.Literal:
    case ValueErrorType.Union: {
      const allowed = literalsOf(error.schema);
      if (allowed.length > 0) return `must be ${allowed.length === 1 ? '' : 'one of '}${allowed.join(', ')}`;
      return error.message;
    }
    default:
      return error.message.charAt(0).toLowerCase() + error.message.slice(1);
  }
}

/** Every failing field once, the first (most basic) complaint about each. */
export function fieldErrors(schema: TSchema, value: unknown, root: string): FieldError[] {
  const byPath = new Map<string, string>();
  for (const error of Value.Errors(schema, value)) {
    const path = humanPath(root, error.path, value);
    if (!byPath.has(path)) byPath.set(path, describe(error));
  }
  return [...byPath].map(([path, message]) => ({ path, message }));
}

/**
 * Checks a spec of `kind` and returns a copy with defaults applied; the input is not touched.
 * The error message names every failing field, like `spec.interval: must look like 1m30s`.
 */
export function validateSpec<K extends KindName>(kind: K, spec: unknown): ValidationResult<SpecByKind[K]> {
  if (!isKindName(kind)) {
    return { ok: false, error: new GovernorError(ErrorCodes.InvalidSpec, `unknown kind ${String(kind)}`, { details: { kind } }) };
  }
  const schema = KINDS[kind].spec;
  const value = spec === null || spec === undefined ? spec : applyDefaults(schema, withoutNulls(spec));
  if (Value.Check(schema, value)) return { ok: true, value: value as SpecByKind[K] };
  const fields = spec === null || spec === undefined ? [{ path: 'spec', message: 'is required' }] : fieldErrors(schema, value, 'spec');
  const message = `invalid ${kind}: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`;
  return { ok: false, error: new GovernorError(ErrorCodes.InvalidSpec, message, { details: { kind, fields } }) };
}

/** validateSpec for callers that would rather throw: the GovernorError(InvalidSpec) it returns. */
export function parseSpec<K extends KindName>(kind: K, spec: unknown): SpecByKind[K] {
  const result = validateSpec(kind, spec);
  if (!result.ok) throw result.error;
  return result.value;
}

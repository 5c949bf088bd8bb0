/**
 * Building blocks for the API schemas. Each definition here must stay expressible as a
 * Kubernetes structural schema (see openapi.ts), so only the TypeBox kinds that file converts are
 * used: Object, Record of strings, Array, String, Integer, Boolean, Literal and unions of string
 * literals.
 */
import { CloneType, Type } from '@sinclair/typebox';
import type { SchemaOptions, Static, StringOptions, TArray, TLiteral, TObject, TOptional, TProperties, TRecord, TSchema, TString, TUnion } from '@sinclair/typebox';

declare const defaulted: unique symbol;

/**
 * A property the API server fills in when it is absent. It is required in the stored type
 * (`Static`), because every object read back from the cluster has it, and optional in the
 * written type (`Input`), because a user may leave it out.
 */
export type TDefaulted<T extends TSchema> = T & { readonly [defaulted]: true };

export function Defaulted<T extends TSchema>(schema: T, value: Static<T>): TDefaulted<T> {
  return CloneType(schema, { default: value }) as TDefaulted<T>;
}

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type Omittable<S> = S extends TOptional<TSchema> ? true : S extends { readonly [defaulted]: true } ? true : false;

type InputProperties<P extends TProperties> = Simplify<
  { [K in keyof P as Omittable<P[K]> extends true ? K : never]?: Input<P[K]> } & {
    [K in keyof P as Omittable<P[K]> extends true ? never : K]: Input<P[K]>;
  }
>;

/** What a user may write: like `Static<T>`, but every defaulted property may be left out. */
export type Input<T extends TSchema> =
  T extends TObject<infer P> ? InputProperties<P>
  : T extends TArray<infer I> ? Input<I>[]
  : T extends TRecord<TString, infer V> ? Record<string, Input<V>>
  : Static<T>;

/**
 * A closed set of strings. A union of literals rather than `enum` keeps the TypeScript type
 * precise; openapi.ts turns it into the plain `enum` Kubernetes wants.
 */
export function StringEnum<const V extends readonly [string, ...string[]]>(
  values: V,
  options: SchemaOptions = {},
): TUnion<{ -readonly [I in keyof V]: TLiteral<V[I]> }> {
  return Type.Union(
    values.map((v) => Type.Literal(v)),
    options,
  ) as unknown as TUnion<{ -readonly [I in keyof V]: TLiteral<V[I]> }>;
}

/** An object that refuses unknown fields, as the API server does under strict field validation. */
export function Strict<P extends TProperties>(properties: P, options: SchemaOptions = {}): TObject<P> {
  return Type.Object(properties, { ...options, additionalProperties: false });
}

/** Go's time.Duration syntax, which is what Flux users already write. */
export const DURATION_PATTERN = '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$';

export function Duration(options: StringOptions = {}): TString {
  return Type.String({ pattern: DURATION_PATTERN, errorMessage: 'must look like 1m30s (a number and ms, s, m or h, repeated)', ...options });
}

/** A name of an object in a namespace (RFC 1123 subdomain). */
export function ObjectName(options: StringOptions = {}): TString {
  return Type.String({
    minLength: 1,
    maxLength: 253,
    pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
    errorMessage: 'must be a Kubernetes object name (lower case letters, digits, "-" and ".")',
    ...options,
  });
}

/** A namespace name (RFC 1123 label). */
export function NamespaceName(options: StringOptions = {}): TString {
  return Type.String({
    minLength: 1,
    maxLength: 63,
    pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
    errorMessage: 'must be a namespace name (lower case letters, digits and "-", at most 63)',
    ...options,
  });
}

/** RFC 3339, as Kubernetes writes metav1.Time. */
export function Timestamp(options: StringOptions = {}): TString {
  return Type.String({ format: 'date-time', ...options });
}

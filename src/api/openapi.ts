/**
 * TypeBox schema → Kubernetes structural OpenAPI v3 schema (apiextensions.k8s.io/v1
 * JSONSchemaProps). Kubernetes accepts a narrow dialect: every node has a `type`, maps are
 * `additionalProperties`, no `anyOf` of types, no `additionalProperties: false` next to
 * `properties`. So this converts only the TypeBox kinds the API uses and copies only the keywords
 * Kubernetes understands; anything else is an error at generation time, not at apply time.
 */
import { Kind, KindGuard } from '@sinclair/typebox';
import type { TSchema } from '@sinclair/typebox';

export type JSONSchemaProps = { [keyword: string]: unknown };

/** Keywords copied as they are (TypeBox and Kubernetes spell them the same). */
const PASSED_THROUGH = new Set([
  'description',
  'default',
  'pattern',
  'format',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'nullable',
]);

/**
 * Keywords this converter handles itself, or that only TypeBox reads ($id for references,
 * errorMessage for validate.ts); none of them is copied.
 */
const HANDLED = new Set([
  'type',
  'properties',
  'required',
  'items',
  'additionalProperties',
  'patternProperties',
  'anyOf',
  'const',
  '$id',
  'errorMessage',
]);

function stringLiterals(schema: TSchema, at: string): string[] {
  if (schema[Kind] === 'Literal' && typeof schema.const === 'string') return [schema.const];
  if (schema[Kind] === 'Union') return (schema.anyOf as TSchema[]).flatMap((s) => stringLiterals(s, at));
  throw new Error(`${at}: only unions of string literals can become a CRD enum`);
}

function keywords(schema: TSchema, at: string): JSONSchemaProps {
  const out: JSONSchemaProps = {};
  for (const key of Object.keys(schema)) {
    if (PASSED_THROUGH.has(key) || key.startsWith('x-kubernetes-')) out[key] = structuredClone(schema[key] as unknown);
    else if (!HANDLED.has(key)) throw new Error(`${at}: keyword "${key}" has no place in a structural CRD schema`);
  }
  return out;
}

function sorted(props: JSONSchemaProps): JSONSchemaProps {
  return Object.fromEntries(Object.entries(props).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** `at` names the node in error messages, as a path from the schema root. */
export function toStructural(schema: TSchema, at = '.'): JSONSchemaProps {
  const out = keywords(schema, at);
  switch (schema[Kind]) {
    case 'Object': {
      const properties = schema.properties as Record<string, TSchema>;
      const required: string[] = [];
      const props: Record<string, JSONSchemaProps> = {};
      for (const [name, prop] of Object.entries(properties)) {
        props[name] = toStructural(prop, `${at === '.' ? '' : at}.${name}`);
        // A defaulted field is filled in before validation, so requiring it would only make
        // `kubectl explain` claim the user must write it.
        if (!KindGuard.IsOptional(prop) && !('default' in prop)) required.push(name);
      }
      out.type = 'object';
      if (Object.keys(props).length > 0) out.properties = props;
      if (required.length > 0) out.required = required;
      break;
    }
    case 'Record': {
      const valueSchemas = Object.values(schema.patternProperties as Record<string, TSchema>);
      const valueSchema = valueSchemas[0];
      if (valueSchemas.length !== 1 || valueSchema === undefined) throw new Error(`${at}: a record needs exactly one value schema`);
      out.type = 'object';
      out.additionalProperties = toStructural(valueSchema, `${at}.*`);
      break;
    }
    case 'Array':
      out.type = 'array';
      out.items = toStructural(schema.items as TSchema, `${at}[*]`);
      break;
    case 'Literal':
    case 'Union':
      out.type = 'string';
      out.enum = stringLiterals(schema, at);
      break;
    case 'String':
      out.type = 'string';
      break;
    case 'Integer':
      out.type = 'integer';
      break;
    case 'Number':
      out.type = 'number';
      break;
    case 'Boolean':
      out.type = 'boolean';
      break;
    default:
      throw new Error(`${at}: TypeBox kind ${String(schema[Kind])} has no structural CRD form`);
  }
  return sorted(out);
}

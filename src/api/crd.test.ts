import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import { Kind } from '@sinclair/typebox';
import { parse } from 'yaml';
import { packageRoot } from '../paths.ts';
import { CRD_DIR, isGeneratedCrdFile, renderCrdFiles } from './crd-files.ts';
import { allCrds, crdFor } from './crd.ts';
import { KINDS } from './kinds.ts';
import type { JSONSchemaProps } from './openapi.ts';

const dir = join(packageRoot(), CRD_DIR);

/** The JSONSchemaProps fields apiextensions.k8s.io/v1 has and a structural schema may use. */
const K8S_KEYWORDS = new Set([
  'description', 'type', 'format', 'title', 'default', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum',
  'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'multipleOf', 'enum', 'maxProperties',
  'minProperties', 'required', 'items', 'properties', 'additionalProperties', 'nullable',
  'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-embedded-resource', 'x-kubernetes-int-or-string',
  'x-kubernetes-list-map-keys', 'x-kubernetes-list-type', 'x-kubernetes-map-type', 'x-kubernetes-validations',
]);

/** Where `schema` breaks the rules of a structural schema (k8s.io/apiextensions-apiserver …/schema). */
function structuralProblems(schema: JSONSchemaProps, at: string): string[] {
  const problems: string[] = [];
  const typed = typeof schema.type === 'string';
  if (!typed && schema['x-kubernetes-preserve-unknown-fields'] !== true && schema['x-kubernetes-int-or-string'] !== true) {
    problems.push(`${at}: no type`);
  }
  for (const key of Object.keys(schema)) if (!K8S_KEYWORDS.has(key)) problems.push(`${at}: keyword ${key} is not allowed`);
  if (schema.properties !== undefined && schema.additionalProperties !== undefined) {
    problems.push(`${at}: properties and additionalProperties together`);
  }
  if (schema.additionalProperties === false) problems.push(`${at}: additionalProperties: false`);
  if ((schema.properties !== undefined || schema.additionalProperties !== undefined) && schema.type !== 'object') {
    problems.push(`${at}: properties on a non-object`);
  }
  if (schema.type === 'array' && (typeof schema.items !== 'object' || schema.items === null || Array.isArray(schema.items))) {
    problems.push(`${at}: an array needs one items schema`);
  }
  if (schema.enum !== undefined) {
    const values = schema.enum as unknown[];
    if (!values.every((v) => typeof v === schema.type)) problems.push(`${at}: enum values of another type`);
  }
  if (Array.isArray(schema.required)) {
    const props = (schema.properties ?? {}) as Record<string, unknown>;
    for (const name of schema.required as string[]) if (!(name in props)) problems.push(`${at}: required ${name} is not a property`);
  }
  if (schema['x-kubernetes-list-type'] === 'map') {
    const item = schema.items as JSONSchemaProps;
    const required = (item.required ?? []) as string[];
    for (const key of schema['x-kubernetes-list-map-keys'] as string[]) {
      const keyProp = (item.properties as Record<string, JSONSchemaProps>)[key];
      if (!keyProp || (!required.includes(key) && keyProp.default === undefined)) problems.push(`${at}: list map key ${key} must be required`);
    }
  }
  for (const [name, prop] of Object.entries((schema.properties ?? {}) as Record<string, JSONSchemaProps>)) {
    problems.push(...structuralProblems(prop, `${at}.${name}`));
  }
  if (typeof schema.additionalProperties === 'object' && schema.additionalProperties !== null) {
    problems.push(...structuralProblems(schema.additionalProperties as JSONSchemaProps, `${at}.*`));
  }
  if (schema.type === 'array' && typeof schema.items === 'object') problems.push(...structuralProblems(schema.items as JSONSchemaProps, `${at}[*]`));
  return problems;
}

/** Every TypeBox node that carries a default, with where it is. */
function* defaulted(schema: TSchema, at: string): Generator<[string, TSchema]> {
  if ('default' in schema) yield [at, schema];
  if (schema[Kind] === 'Object') {
    for (const [name, prop] of Object.entries(schema.properties as Record<string, TSchema>)) yield* defaulted(prop, `${at}.${name}`);
  }
  if (schema[Kind] === 'Array') yield* defaulted(schema.items as TSchema, `${at}[*]`);
}

describe('CRDs', () => {
  it('config/crd/ holds exactly what the definitions generate', async () => {
    const expected = renderCrdFiles();
    for (const [name, content] of expected) {
      const committed = await readFile(join(dir, name), 'utf8').catch(() => undefined);
      assert.ok(committed !== undefined, `${CRD_DIR}/${name} is missing: run \`npm run generate\``);
      assert.ok(committed === content, `${CRD_DIR}/${name} differs from the definitions in src/api: run \`npm run generate\``);
    }
    const stale = (await readdir(dir)).filter((name) => isGeneratedCrdFile(name) && !expected.has(name));
    assert.deepEqual(stale, [], `stale CRD files in ${CRD_DIR}: run \`npm run generate\``);
  });

  it('the committed YAML parses back to the CRD objects', async () => {
    for (const crd of allCrds()) {
      const text = await readFile(join(dir, `governor.dev_${crd.spec.names.plural}.yaml`), 'utf8');
      assert.deepEqual(parse(text, { version: '1.1' }), crd);
    }
  });

  for (const crd of allCrds()) {
    const version = crd.spec.versions[0]!;
    const schema = version.schema.openAPIV3Schema;

    it(`${crd.metadata.name} has a structural schema`, () => {
      assert.deepEqual(structuralProblems(schema, ''), []);
      // The API server owns metadata: a CRD may say no more than that it is an object.
      assert.deepEqual((schema.properties as Record<string, unknown>).metadata, { type: 'object' });
    });
  }

  it('every default is valid for its own field, as the API server requires', () => {
    for (const def of Object.values(KINDS)) {
      for (const [at, schema] of defaulted(def.spec, `${def.kind}.spec`)) {
        assert.ok(Value.Check(schema, schema.default), `${at}: default ${JSON.stringify(schema.default)} fails its own schema`);
      }
    }
  });

  it('detects what a kube-apiserver would refuse', () => {
    const bad: JSONSchemaProps = {
      type: 'object',
      properties: { a: { anyOf: [{ type: 'string' }, { type: 'integer' }] }, b: { type: 'object', properties: {}, additionalProperties: false } },
    };
    const problems = structuralProblems(bad, '');
    assert.ok(problems.includes('.a: no type'));
    assert.ok(problems.includes('.a: keyword anyOf is not allowed'));
    assert.ok(problems.includes('.b: properties and additionalProperties together'));
  });

  it('names, scope, status subresource and printer columns', () => {
    const git = crdFor('GitRepository');
    const stack = crdFor('Stack');
    assert.equal(git.metadata.name, 'gitrepositories.governor.dev');
    assert.equal(stack.metadata.name, 'stacks.governor.dev');
    assert.deepEqual(git.spec.names.shortNames, ['gitrepo']);
    assert.deepEqual(stack.spec.names.shortNames, ['stk']);
    for (const crd of [git, stack]) {
      assert.equal(crd.spec.group, 'governor.dev');
      assert.equal(crd.spec.scope, 'Namespaced');
      assert.deepEqual(crd.spec.names.categories, ['governor']);
      const [version] = crd.spec.versions;
      assert.equal(crd.spec.versions.length, 1);
      assert.equal(version?.name, 'v1alpha1');
      assert.deepEqual(version?.subresources, { status: {} });
      assert.deepEqual(version?.additionalPrinterColumns.map((c) => c.name), ['Ready', 'Status', 'Revision', 'Age']);
      assert.equal(version?.additionalPrinterColumns[0]?.jsonPath, '.status.conditions[?(@.type=="Ready")].status');
    }
    assert.equal(git.spec.versions[0]?.additionalPrinterColumns[2]?.jsonPath, '.status.artifact.revision');
    assert.equal(stack.spec.versions[0]?.additionalPrinterColumns[2]?.jsonPath, '.status.lastAppliedRevision');
  });
});

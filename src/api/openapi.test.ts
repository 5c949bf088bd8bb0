import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import { toStructural } from './openapi.ts';
import { Defaulted, StringEnum } from './schema-kit.ts';

describe('toStructural', () => {
  it('turns optional, required and defaulted properties into the right required list', () => {
    const schema = Type.Object({
      a: Type.String(),
      b: Type.Optional(Type.String()),
      c: Defaulted(Type.Boolean(), true),
    });
    assert.deepEqual(toStructural(schema), {
      properties: { a: { type: 'string' }, b: { type: 'string' }, c: { default: true, type: 'boolean' } },
      required: ['a'],
      type: 'object',
    });
  });

  it('makes a map of strings additionalProperties, not patternProperties', () => {
    assert.deepEqual(toStructural(Type.Record(Type.String(), Type.String())), {
      additionalProperties: { type: 'string' },
      type: 'object',
    });
  });

  it('makes unions of string literals a typed enum', () => {
    assert.deepEqual(toStructural(StringEnum(['a', 'b'])), { enum: ['a', 'b'], type: 'string' });
    assert.deepEqual(toStructural(StringEnum(['only'])), { enum: ['only'], type: 'string' });
  });

  it('drops additionalProperties: false and validation-only keywords, keeps x-kubernetes-*', () => {
    const schema = Type.Object(
      { s: Type.String({ $id: 'S', pattern: '^a$', errorMessage: 'must be a' }) },
      { additionalProperties: false, 'x-kubernetes-map-type': 'atomic' },
    );
    assert.deepEqual(toStructural(schema), {
      properties: { s: { pattern: '^a$', type: 'string' } },
      required: ['s'],
      type: 'object',
      'x-kubernetes-map-type': 'atomic',
    });
  });

  it('refuses what Kubernetes would refuse, naming where', () => {
    assert.throws(() => toStructural(Type.Object({ u: Type.Union([Type.String(), Type.Integer()]) })), /\.u: only unions of string literals/);
    assert.throws(() => toStructural(Type.Object({ x: Type.Any() })), /\.x: TypeBox kind Any/);
    assert.throws(() => toStructural(Type.Object({ n: Type.String({ uniqueItems: true }) })), /\.n: keyword "uniqueItems"/);
  });
});

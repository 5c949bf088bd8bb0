import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isGovernorError, ErrorCodes } from '../errors.ts';
import { parseManifests } from './yaml.ts';

test('YAML 1.1 scalars resolve as kubectl reads them', () => {
  const [doc] = parseManifests(
    [
      'mode: 0644',
      'hex: 0x1F',
      'a: yes',
      'b: on',
      'c: "yes"',
      'd: off',
      'e: 1_000',
      'f: 1.5',
      'date: 2024-01-31',
      'port: 22:22',
      'bin: !!binary aGVsbG8=',
      'nothing: ~',
      'version: "1.10"',
    ].join('\n'),
    'x.yaml',
  );
  assert.deepEqual(doc?.value, {
    mode: 420,
    hex: 31,
    a: true,
    b: true,
    c: 'yes',
    d: false,
    e: 1000,
    f: 1.5,
    // go-yaml v2 keeps timestamps and sexagesimal-looking values as strings when decoding untyped data.
    date: '2024-01-31',
    port: '22:22',
    bin: 'aGVsbG8=',
    nothing: null,
    version: '1.10',
  });
});

test('multiple documents: empty and null ones are skipped, positions are kept', () => {
  const docs = parseManifests('---\na: 1\n---\n---\nnull\n---\n# only a comment\n---\nb: 2\n...\n', 'm.yaml');
  assert.deepEqual(
    docs.map((d) => [d.value, d.source.document]),
    [
      [{ a: 1 }, 1],
      [{ b: 2 }, 5],
    ],
  );
  assert.deepEqual(parseManifests('', 'e.yaml'), []);
  assert.deepEqual(parseManifests('# nothing\n', 'e.yaml'), []);
});

test('merge keys and anchors work', () => {
  const [doc] = parseManifests('base: &b {x: 1}\nmerged:\n  <<: *b\n  z: 2\n', 'm.yaml');
  assert.deepEqual(doc?.value, { base: { x: 1 }, merged: { x: 1, z: 2 } });
});

test('invalid YAML names the file, line and column', () => {
  const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: 1\n   b: 2\n';
  assert.throws(
    () => parseManifests(text, 'apps/web.yaml'),
    (err: unknown) => {
      assert.ok(isGovernorError(err, ErrorCodes.InvalidYaml));
      assert.match(err.message, /^apps\/web\.yaml:6:\d+: /);
      assert.equal(err.details.file, 'apps/web.yaml');
      assert.equal(err.details.line, 6);
      return true;
    },
  );
});

test('an error in a later document points at its line in the file', () => {
  assert.throws(() => parseManifests('a: 1\n---\nb: c: d\n', 'two.yaml'), /two\.yaml:3:4: Nested mappings/);
});

test('duplicate keys are refused', () => {
  assert.throws(
    () => parseManifests('metadata:\n  name: a\n  name: b\n', 'dup.yaml'),
    (err: unknown) => isGovernorError(err, ErrorCodes.InvalidYaml) && /^dup\.yaml:3:3: .*unique/.test(err.message),
  );
});

test('.inf and .nan are refused: JSON cannot carry them', () => {
  assert.throws(() => parseManifests('a: 1\nb: .inf\n', 'n.yaml'), /n\.yaml:2:4: \.inf/);
});

test('kind: List and *List documents are expanded into their items', () => {
  const text = [
    'apiVersion: v1',
    'kind: List',
    'items:',
    '- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}',
    '- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}',
    '---',
    'apiVersion: v1',
    'kind: ConfigMapList',
    'items:',
    '- {apiVersion: v1, kind: ConfigMap, metadata: {name: c}}',
  ].join('\n');
  const docs = parseManifests(text, 'list.yaml');
  assert.deepEqual(
    docs.map((d) => [(d.value as { metadata: { name: string } }).metadata.name, d.source]),
    [
      ['a', { file: 'list.yaml', document: 1, item: 1 }],
      ['b', { file: 'list.yaml', document: 1, item: 2 }],
      ['c', { file: 'list.yaml', document: 2, item: 1 }],
    ],
  );
});

test('JSON files parse too', () => {
  const [doc] = parseManifests('{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "j"}, "data": {"m": "0644"}}', 'j.json');
  assert.deepEqual(doc?.value, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'j' }, data: { m: '0644' } });
});

test('an alias bomb is refused', () => {
  const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
  for (let i = 0; i < 8; i++) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`);
  assert.throws(() => parseManifests(lines.join('\n'), 'bomb.yaml'), /bomb\.yaml:1:1: .*alias/i);
});

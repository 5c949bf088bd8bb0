import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isGovernorError, ErrorCodes } from '../errors.ts';
import { render } from './index.ts';
import { apiGroup, objectId, toKubeObject } from './objects.ts';
import { configMap, tempTree } from './testing.ts';
import type { Source } from './types.ts';

const source: Source = { file: 'apps/web.yaml', document: 2 };

function rejects(value: unknown, pattern: RegExp): void {
  assert.throws(
    () => toKubeObject({ value, source }),
    (err: unknown) => {
      assert.ok(isGovernorError(err, ErrorCodes.InvalidObject), String(err));
      assert.match(err.message, pattern);
      assert.equal(err.details.file, 'apps/web.yaml');
      assert.equal(err.details.document, 2);
      return true;
    },
  );
}

test('a document without kind or apiVersion is refused, naming file and document', () => {
  rejects({ apiVersion: 'v1', metadata: { name: 'a' } }, /^apps\/web\.yaml \(document 2\): missing kind$/);
  rejects({ kind: 'ConfigMap', metadata: { name: 'a' } }, /^apps\/web\.yaml \(document 2\): missing apiVersion$/);
  rejects({ apiVersion: 1, kind: 'ConfigMap', metadata: { name: 'a' } }, /missing apiVersion/);
  rejects({ apiVersion: 'a/b/c', kind: 'X', metadata: { name: 'a' } }, /apiVersion "a\/b\/c"/);
});

test('a document that is not an object, or lacks a name, is refused', () => {
  rejects(['a', 'b'], /expected a mapping .*, got a list/);
  rejects('just text', /got a string/);
  rejects({ apiVersion: 'v1', kind: 'ConfigMap' }, /ConfigMap: missing metadata$/);
  rejects({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }, /missing metadata\.name/);
  rejects({ apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'p-' } }, /generateName is not supported/);
  rejects({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 3 } }, /namespace must be a string/);
});

test('label and annotation values must be strings', () => {
  rejects({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { version: 1.1 } } }, /metadata\.labels\.version must be a string, got a number/);
  rejects({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', annotations: { on: true } } }, /metadata\.annotations\.on must be a string/);
});

test('null namespace, labels and annotations count as absent', () => {
  const { object } = toKubeObject({
    value: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: null, labels: null, annotations: null } },
    source,
  });
  assert.deepEqual(object.metadata, { name: 'p' });
});

test('objectId is the Flux inventory id', () => {
  assert.equal(objectId({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' } }), 'shop_web_apps_Deployment');
  assert.equal(objectId({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }), '_shop__Namespace');
  assert.equal(apiGroup('rbac.authorization.k8s.io/v1'), 'rbac.authorization.k8s.io');
});

test('the same object twice is refused, naming both files', async (t) => {
  const dir = await tempTree(t, {
    'apps/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\n',
    'apps/b.yaml': `${configMap('other')}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\n`,
  });
  await assert.rejects(render({ checkoutDir: dir, path: 'apps' }), (err: unknown) => {
    assert.ok(isGovernorError(err, ErrorCodes.DuplicateObject), String(err));
    assert.match(err.message, /ConfigMap shop\/settings .*apps\/a\.yaml \(document 1\).*apps\/b\.yaml \(document 2\)/);
    assert.deepEqual(err.details.files, ['apps/a.yaml', 'apps/b.yaml']);
    return true;
  });
});

test('duplicates are judged after targetNamespace: two namespaces folded into one collide', async (t) => {
  const dir = await tempTree(t, {
    'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: one}\n',
    'b.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: two}\n',
  });
  assert.equal((await render({ checkoutDir: dir, path: '.' })).objects.length, 2);
  await assert.rejects(render({ checkoutDir: dir, path: '.', targetNamespace: 'shop' }), (err: unknown) =>
    isGovernorError(err, ErrorCodes.DuplicateObject),
  );
});

test('the same name in different kinds, groups or namespaces is not a duplicate', async (t) => {
  const dir = await tempTree(t, {
    'a.yaml': [
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: a}',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: b}',
      'apiVersion: v1\nkind: Secret\nmetadata: {name: x, namespace: a}',
      'apiVersion: example.com/v1\nkind: ConfigMap\nmetadata: {name: x, namespace: a}',
    ].join('\n---\n'),
  });
  assert.equal((await render({ checkoutDir: dir, path: '.' })).objects.length, 4);
});

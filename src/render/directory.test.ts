import assert from 'node:assert/strict';
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { render } from './index.ts';
import { renderDirectory } from './directory.ts';
import { configMap, tempTree } from './testing.ts';

test('a directory renders recursively, in a fixed order, skipping hidden and non-manifest files', async (t) => {
  const dir = await tempTree(t, {
    'b.yaml': configMap('b'),
    'a.yaml': configMap('a') + '---\n' + configMap('a2'),
    'a/z.yml': configMap('a-z'),
    'a/deeper/x.json': JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a-deeper-x' } }),
    'Z.yaml': configMap('upper-z'),
    'c/.hidden.yaml': configMap('hidden-file'),
    '.github/workflow.yaml': 'on: push\n',
    'README.md': '# not a manifest\n',
    'notes.txt': 'kind: nothing',
    'upper.YAML': configMap('case-sensitive-extension'),
  });
  const names = async (): Promise<string[]> => (await render({ checkoutDir: dir, path: '.' })).objects.map((o) => o.metadata.name);
  const expected = ['upper-z', 'a-deeper-x', 'a-z', 'a', 'a2', 'b'];
  assert.deepEqual(await names(), expected);
  assert.deepEqual(await names(), expected);
});

test('each document keeps its file and position', async (t) => {
  const dir = await tempTree(t, { 'apps/one.yaml': `${configMap('x')}---\n${configMap('y')}` });
  const docs = await renderDirectory({ root: dir, dir: join(dir, 'apps') });
  assert.deepEqual(
    docs.map((d) => d.source),
    [
      { file: 'apps/one.yaml', document: 1 },
      { file: 'apps/one.yaml', document: 2 },
    ],
  );
});

test('symlinked directories are not followed (as kubectl -R), symlinked files are', async (t) => {
  const dir = await tempTree(t, { 'real/a.yaml': configMap('a'), 'apps/b.yaml': configMap('b') });
  await symlink('../real', join(dir, 'apps', 'linked-dir'));
  await symlink('../real/a.yaml', join(dir, 'apps', 'linked.yaml'));
  const { objects } = await render({ checkoutDir: dir, path: 'apps' });
  assert.deepEqual(
    objects.map((o) => o.metadata.name),
    ['b', 'a'],
  );
});

test('an empty directory renders no objects', async (t) => {
  const dir = await tempTree(t, { 'apps/README.md': 'nothing here' });
  assert.deepEqual((await render({ checkoutDir: dir, path: 'apps' })).objects, []);
});

test('a path to a single file renders that file', async (t) => {
  const dir = await tempTree(t, { 'apps/one.yaml': configMap('one') });
  assert.deepEqual((await render({ checkoutDir: dir, path: 'apps/one.yaml' })).objects.map((o) => o.metadata.name), ['one']);
});

test('invalid YAML anywhere fails the whole render, naming the file relative to the checkout', async (t) => {
  const dir = await tempTree(t, { 'apps/good.yaml': configMap('good'), 'apps/sub/bad.yaml': 'a: b: c\n' });
  await assert.rejects(render({ checkoutDir: dir, path: 'apps' }), /apps\/sub\/bad\.yaml:1:4: /);
});

test('targetNamespace sets the namespace of namespaced objects and leaves cluster-scoped ones alone', async (t) => {
  const dir = await tempTree(t, {
    'all.yaml': [
      configMap('no-ns'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other-ns, namespace: elsewhere}',
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}',
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}',
      'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}',
      'apiVersion: example.com/v1\nkind: GlobalWidget\nmetadata: {name: g}',
    ].join('\n---\n'),
  });
  const { objects } = await render({
    checkoutDir: dir,
    path: '.',
    targetNamespace: 'shop',
    isClusterScoped: (apiVersion, kind) => (apiVersion === 'example.com/v1' ? kind === 'GlobalWidget' : undefined),
  });
  assert.deepEqual(
    objects.map((o) => [o.kind, o.metadata.name, o.metadata.namespace]),
    [
      ['ConfigMap', 'no-ns', 'shop'],
      ['ConfigMap', 'other-ns', 'shop'],
      ['Namespace', 'shop', undefined],
      ['ClusterRole', 'reader', undefined],
      ['Widget', 'w', 'shop'],
      ['GlobalWidget', 'g', undefined],
    ],
  );
});

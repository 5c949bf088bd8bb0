import assert from 'node:assert/strict';
import { chmod, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { isGovernorError, ErrorCodes } from '../errors.ts';
import type { ErrorCode } from '../errors.ts';
import { render } from './index.ts';
import { looksRemote } from './kustomization-refs.ts';
import { configMap, tempTree } from './testing.ts';

let kustomize = '';
before(async () => {
  const { ensureBinaries } = await import('../../test/cluster/bins.ts');
  kustomize = (await ensureBinaries()).kustomize;
});

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        env:
        - {name: MODE, value: "0644"}
`;

const base = {
  'base/kustomization.yaml': 'resources:\n- deployment.yaml\n- config.yaml\n',
  'base/deployment.yaml': deployment,
  'base/config.yaml': configMap('settings', 'data:\n  on: "yes"\n'),
};

async function fails(promise: Promise<unknown>, code: ErrorCode, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isGovernorError(err, code), String(err));
    assert.match(err.message, pattern);
    return true;
  });
}

test('an overlay with a base and a patch renders through the real kustomize', async (t) => {
  const dir = await tempTree(t, {
    ...base,
    'overlays/prod/kustomization.yaml': [
      'resources:',
      '- ../../base',
      'namePrefix: prod-',
      'labels:',
      '- pairs: {env: prod}',
      'patches:',
      '- path: replicas.yaml',
    ].join('\n'),
    'overlays/prod/replicas.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n',
  });
  const { objects } = await render({ checkoutDir: dir, path: 'overlays/prod', kustomizeBinary: kustomize, targetNamespace: 'shop' });
  const byKind = Object.fromEntries(objects.map((o) => [o.kind, o]));
  assert.equal(objects.length, 2);
  assert.equal(byKind.Deployment?.metadata.name, 'prod-web');
  assert.equal(byKind.Deployment?.metadata.namespace, 'shop');
  assert.deepEqual(byKind.Deployment?.metadata.labels, { env: 'prod' });
  assert.equal((byKind.Deployment?.spec as { replicas: number }).replicas, 3);
  // Strings that YAML 1.1 would retype survive kustomize's output quoted.
  const env = (byKind.Deployment?.spec as { template: { spec: { containers: { env: unknown[] }[] } } }).template.spec.containers[0]?.env;
  assert.deepEqual(env, [{ name: 'MODE', value: '0644' }]);
  assert.deepEqual(byKind.ConfigMap?.data, { on: 'yes' });
});

test('a kustomization in a subdirectory of a plain directory is built, not read as manifests', async (t) => {
  const sub = Object.fromEntries(Object.entries(base).map(([k, v]) => [k.replace(/^base\//, 'apps/sub/'), v]));
  const dir = await tempTree(t, { ...sub, 'apps/a.yaml': configMap('plain'), 'apps/z.yaml': configMap('after') });
  const { objects } = await render({ checkoutDir: dir, path: 'apps', kustomizeBinary: kustomize });
  // In walk order; inside the kustomize output, kustomize's own order (ConfigMaps before Deployments).
  assert.deepEqual(
    objects.map((o) => `${o.kind}/${o.metadata.name}`),
    ['ConfigMap/plain', 'ConfigMap/settings', 'Deployment/web', 'ConfigMap/after'],
  );
});

test('remote bases are refused before kustomize runs, naming the file and the entry', async (t) => {
  for (const entry of [
    'https://github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v5.0.0',
    'github.com/org/repo//deploy?ref=main',
    'git::https://example.com/org/repo.git',
    'ssh://git@example.com/org/repo.git',
    'git@github.com:org/repo.git',
    'example.com/org/repo/deploy',
  ]) {
    const dir = await tempTree(t, {
      ...base,
      'overlay/kustomization.yaml': `resources:\n- ../base\n`,
      'base/kustomization.yaml': `resources:\n- deployment.yaml\n- ${JSON.stringify(entry)}\n`,
    });
    await fails(
      render({ checkoutDir: dir, path: 'overlay', kustomizeBinary: kustomize }),
      ErrorCodes.RemoteBaseRefused,
      new RegExp(`^base/kustomization\\.yaml: resources entry "${entry.replace(/[.?*+^$()[\]{}|\\/]/g, '\\$&')}" is remote`),
    );
  }
});

test('remote helm charts and components are refused too', async (t) => {
  const dir = await tempTree(t, {
    'a/kustomization.yaml': 'helmCharts:\n- name: nginx\n  repo: https://charts.example.com\n',
    'b/kustomization.yaml': 'components:\n- https://example.com/comp.yaml\n',
  });
  await fails(render({ checkoutDir: dir, path: 'a', kustomizeBinary: kustomize }), ErrorCodes.RemoteBaseRefused, /helmCharts\.repo/);
  await fails(render({ checkoutDir: dir, path: 'b', kustomizeBinary: kustomize }), ErrorCodes.RemoteBaseRefused, /components entry/);
});

test('looksRemote leaves local paths alone', () => {
  for (const local of ['../base', 'deployment.yaml', './a/b', 'configs.d/x.yaml', 'my@file.yaml']) assert.equal(looksRemote(local), false, local);
});

test('a kustomization reaching outside the checkout is refused', async (t) => {
  const top = await tempTree(t, {
    'outside/kustomization.yaml': 'resources:\n- cm.yaml\n',
    'outside/cm.yaml': configMap('stolen'),
    'checkout/up/kustomization.yaml': 'resources:\n- ../../outside\n',
    'checkout/link/kustomization.yaml': 'resources:\n- cm.yaml\n',
  });
  const checkout = join(top, 'checkout');
  await fails(render({ checkoutDir: checkout, path: 'up', kustomizeBinary: kustomize }), ErrorCodes.PathEscapesCheckout, /^up\/kustomization\.yaml: resources entry "..\/..\/outside" leads outside/);
  await symlink(join(top, 'outside', 'cm.yaml'), join(checkout, 'link', 'cm.yaml'));
  await fails(render({ checkoutDir: checkout, path: 'link', kustomizeBinary: kustomize }), ErrorCodes.PathEscapesCheckout, /^link\/cm\.yaml: is a symlink/);
});

test('a broken kustomization fails with kustomize\'s own message', async (t) => {
  const dir = await tempTree(t, {
    'unknown-field/kustomization.yaml': 'resourcez:\n- a.yaml\n',
    'missing/kustomization.yaml': 'resources:\n- nothere.yaml\n',
  });
  await fails(render({ checkoutDir: dir, path: 'unknown-field', kustomizeBinary: kustomize }), ErrorCodes.KustomizeFailed, /^kustomize build unknown-field: .*resourcez/s);
  await assert.rejects(render({ checkoutDir: dir, path: 'missing', kustomizeBinary: kustomize }), (err: unknown) => {
    assert.ok(isGovernorError(err, ErrorCodes.KustomizeFailed), String(err));
    assert.match(err.message, /nothere\.yaml/);
    // Paths are shown relative to the checkout, not as the controller's temp directories.
    assert.ok(!err.message.includes(dir), err.message);
    return true;
  });
});

test('a kustomization without a configured binary is an explicit error', async (t) => {
  const dir = await tempTree(t, { ...base });
  await fails(render({ checkoutDir: dir, path: 'base' }), ErrorCodes.KustomizeFailed, /no kustomize binary is configured/);
});

test('kustomize runs without our environment and is killed at the timeout', async (t) => {
  const dir = await tempTree(t, { 'k/kustomization.yaml': 'resources: []\n' });
  const fake = join(dir, 'fake-kustomize');
  // Prints its environment and arguments as a ConfigMap.
  await writeFile(
    fake,
    '#!/bin/sh\n' +
      'printf "apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: env\\ndata:\\n  home: \\"%s\\"\\n  path: \\"%s\\"\\n  secret: \\"%s\\"\\n  args: \\"%s\\"\\n" "$HOME" "$PATH" "$GOVERNOR_TEST_SECRET" "$*"\n',
  );
  await chmod(fake, 0o755);
  process.env.GOVERNOR_TEST_SECRET = 'leaked';
  t.after(() => delete process.env.GOVERNOR_TEST_SECRET);
  const { objects } = await render({ checkoutDir: dir, path: 'k', kustomizeBinary: fake });
  const data = objects[0]?.data as Record<string, string>;
  assert.notEqual(data.home, process.env.HOME);
  assert.match(data.home ?? '', /governor-kustomize-/);
  assert.equal(data.path, '');
  assert.equal(data.secret, '');
  assert.equal(data.args, `build --load-restrictor LoadRestrictionsRootOnly ${join(dir, 'k')}`);

  const hang = join(dir, 'hanging-kustomize');
  await writeFile(hang, '#!/bin/sh\nexec /bin/sleep 30\n');
  await chmod(hang, 0o755);
  const started = Date.now();
  await fails(render({ checkoutDir: dir, path: 'k', kustomizeBinary: hang, timeoutMs: 300 }), ErrorCodes.KustomizeFailed, /timed out after 300 ms/);
  assert.ok(Date.now() - started < 5000);
});

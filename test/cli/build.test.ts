import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { installCrds } from '../../src/controller/crds.ts';
import { ensureBinaries } from '../cluster/bins.ts';
import { testCluster, testKubeApi, testNamespace } from '../support/cluster.ts';
import { stack } from '../support/controller.ts';
import { governor } from './action-support.ts';

async function dir(t: { after(fn: () => Promise<void>): void }, files: Record<string, string>): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'governor-build-'));
  t.after(() => rm(d, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(d, name, '..'), { recursive: true });
    await writeFile(join(d, name), text);
  }
  return d;
}

const docs = (text: string) => parseAllDocuments(text).map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace?: string }; data?: Record<string, unknown> });

const web = `apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
  namespace: apps
data:
  mode: \${MODE:=blue}
  enabled: "yes"
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: apps
spec:
  ports: [{port: 80}]
`;

test('governor build stack --path: renders like the controller without a cluster', async (t) => {
  const d = await dir(t, { 'web.yaml': web, 'nested/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n', '.hidden/x.yaml': 'not: [valid' });
  // No kubeconfig at all: nothing may try to reach a cluster.
  const r = await governor(['build', 'stack', '--path', d], { env: { KUBECONFIG: '/nonexistent' } });
  assert.equal(r.code, 0, r.err);
  const objs = docs(r.out);
  assert.deepEqual(objs.map((o) => `${o.kind}/${o.metadata.name}`).sort(), ['ConfigMap/web-config', 'Namespace/apps', 'Service/web']);
  const cm = objs.find((o) => o.kind === 'ConfigMap')!;
  // Without substitution settings the text stays as it is; "yes" stays a string.
  assert.equal(cm.data?.mode, '${MODE:=blue}');
  assert.equal(cm.data?.enabled, 'yes');
  assert.match(r.out, /enabled: "yes"/);

  const sub = await governor(['build', 'stack', '--path', d, '--substitute', 'MODE=green'], { env: { KUBECONFIG: '/nonexistent' } });
  assert.equal(sub.code, 0, sub.err);
  assert.equal(docs(sub.out).find((o) => o.kind === 'ConfigMap')!.data?.mode, 'green');
});

test('governor build stack: invalid YAML exits 1 naming the file and line', async (t) => {
  const d = await dir(t, { 'good.yaml': web, 'apps/bad.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b: c\n' });
  const r = await governor(['build', 'stack', '--path', d]);
  assert.equal(r.code, 1, r.out + r.err);
  assert.equal(r.out, '');
  assert.match(r.err, /InvalidYaml: .*apps\/bad\.yaml:6:\d+: /);

  const missing = await governor(['build', 'stack', '--path', join(d, 'nope')]);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /no such file or directory/);
});

test('governor build stack: a kustomization is built with the given kustomize', async (t) => {
  const d = await dir(t, {
    'base/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: apps\ndata:\n  a: "1"\n',
    'base/kustomization.yaml': 'resources: [cm.yaml]\n',
    'overlay/kustomization.yaml': 'resources: [../base]\nnamePrefix: prod-\n',
  });
  // The directory is its own checkout here, so ../base is outside it: run in a Git work tree instead.
  await mkdir(join(d, '.git'));
  const { kustomize } = await ensureBinaries();
  const r = await governor(['build', 'stack', '--path', join(d, 'overlay'), '--kustomize', kustomize]);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(docs(r.out).map((o) => o.metadata.name), ['prod-cm']);
});

test('governor build stack NAME: the Stack\'s targetNamespace and substitutions from the cluster', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'cli-build');
  const api = await testKubeApi(t, info);
  await installCrds(api);
  await api.apply(stack(ns, 'web', { sourceRef: { name: 'platform' }, path: '.', interval: '1h', targetNamespace: ns, substitute: { MODE: 'red' } }));
  const d = await dir(t, { 'web.yaml': web });
  const r = await governor(['build', 'stack', 'web', '--path', d, '--kubeconfig', info.kubeconfigPath, '-n', ns]);
  assert.equal(r.code, 0, r.err);
  const objs = docs(r.out);
  assert.ok(objs.every((o) => o.metadata.namespace === ns), r.out);
  assert.equal(objs.find((o) => o.kind === 'ConfigMap')!.data?.mode, 'red');
  // --substitute wins over the Stack's own.
  const over = await governor(['build', 'stack', 'web', '--path', d, '--substitute', 'MODE=pink', '--kubeconfig', info.kubeconfigPath, '-n', ns]);
  assert.equal(docs(over.out).find((o) => o.kind === 'ConfigMap')!.data?.mode, 'pink');
});

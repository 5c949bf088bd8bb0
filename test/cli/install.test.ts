import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../src/kube/types.ts';
import { versionInfo } from '../../src/version.ts';
import { testCluster, testKubeApi } from '../support/cluster.ts';
import { governor, transcript } from './install-support.ts';

const NS = 'governor-system';

test('install --export prints the installation as multi-document YAML and needs no cluster', async () => {
  const r = await governor(['install', '--export', '--kubeconfig', '/nonexistent/kubeconfig']);
  assert.equal(r.code, 0, transcript(r));
  const docs = parseAllDocuments(r.out, { version: '1.1' });
  for (const d of docs) assert.deepEqual(d.errors, [], 'valid YAML');
  const objects = docs.map((d) => d.toJS() as KubeObject);
  const names = objects.map((o) => `${o.kind}/${o.metadata.name}`);
  assert.deepEqual(names.slice(0, 3), ['Namespace/governor-system', 'CustomResourceDefinition/gitrepositories.governor.dev', 'CustomResourceDefinition/stacks.governor.dev']);
  for (const kind of ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Service', 'Deployment']) assert.ok(names.includes(`${kind}/governor-controller`), kind);
  const deployment = objects.find((o) => o.kind === 'Deployment') as KubeObject & { spec: { replicas: number; template: { spec: { containers: { image: string; args: string[] }[]; securityContext: { runAsNonRoot: boolean } } } } };
  assert.equal(deployment.metadata.namespace, NS);
  assert.equal(deployment.spec.replicas, 1);
  const container = deployment.spec.template.spec.containers[0]!;
  assert.equal(container.image, `governor/controller:${versionInfo().governor}`);
  assert.deepEqual(container.args.slice(0, 4), ['controller', '--leader-elect', '--leader-election-namespace', NS]);
  assert.equal(deployment.spec.template.spec.securityContext.runAsNonRoot, true);
  // Nothing printed about applying: --export touches nothing.
  assert.doesNotMatch(r.out, /created|configured/);

  const other = await governor(['install', '--export', '-n', 'gov-other']);
  assert.equal(other.code, 0, transcript(other));
  assert.match(other.out, /name: gov-other/);
  assert.doesNotMatch(other.out, /namespace: governor-system/);
});

test('install applies the CRDs (Established), RBAC and the controller Deployment; a second run changes nothing', async (t) => {
  const info = await testCluster(t);
  const kc = ['--kubeconfig', info.kubeconfigPath];
  const first = await governor(['install', ...kc]);
  assert.equal(first.code, 0, transcript(first));
  assert.match(first.out, /Deployment\/governor-system\/governor-controller (created|configured|unchanged)/);

  const api = await testKubeApi(t, info);
  for (const name of ['gitrepositories.governor.dev', 'stacks.governor.dev']) {
    const crd = await api.get<KubeObject & { status: { conditions: { type: string; status: string }[] } }>({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name });
    assert.ok(crd.status.conditions.some((c) => c.type === 'Established' && c.status === 'True'), `${name} Established`);
  }
  const deployment = await api.get<KubeObject & { spec: { template: { spec: { serviceAccountName: string } } } }>({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: 'governor-controller' });
  assert.equal(deployment.spec.template.spec.serviceAccountName, 'governor-controller');
  assert.equal(deployment.metadata.labels?.['app.kubernetes.io/component'], 'controller');
  const binding = await api.get<KubeObject & { subjects: { name: string; namespace: string }[] }>({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', name: 'governor-controller' });
  assert.deepEqual(binding.subjects.map((s) => `${s.namespace}/${s.name}`), [`${NS}/governor-controller`]);
  assert.ok(await api.find({ apiVersion: 'v1', kind: 'ServiceAccount', namespace: NS, name: 'governor-controller' }));

  const second = await governor(['install', ...kc]);
  assert.equal(second.code, 0, transcript(second));
  assert.match(second.out, /already installed; nothing changed/, transcript(second));
  assert.doesNotMatch(second.out, / (created|configured)$/m);
});

test('bootstrap git refuses bad flags before touching the cluster or the repository (exit 2)', async () => {
  const r = await governor(['bootstrap', 'git', '--url', 'file:///tmp/nowhere.git', '--path', 'clusters/x', '--kubeconfig', '/nonexistent']);
  assert.equal(r.code, 2, transcript(r));
  assert.match(r.err, /file:\/\/ URLs are disabled/);
  assert.match(r.err, /hint: pass --allow-file-urls/);
  const both = await governor(['bootstrap', 'git', '--url', 'https://example.com/x.git', '--path', 'p', '--password-stdin', '--token-stdin'], { stdin: 'x\n' });
  assert.equal(both.code, 2, transcript(both));
  assert.match(both.err, /cannot be used together/);
  const noPath = await governor(['bootstrap', 'git', '--url', 'https://example.com/x.git']);
  assert.equal(noPath.code, 2, transcript(noPath));
});

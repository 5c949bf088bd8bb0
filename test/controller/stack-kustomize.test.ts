import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testCluster, testNamespace } from '../support/cluster.ts';
import { getRepo, gitFixture, gitRepository, readyAt, readyCondition, stack, startController, waitForStack } from '../support/controller.ts';
import { waitFor } from '../cluster/http.ts';
import type { KubeObject } from '../../src/kube/types.ts';

type Deployment = KubeObject & {
  spec: { replicas: number; template: { spec: { volumes: { configMap: { name: string } }[]; containers: { image: string }[] } } };
};

const base = {
  'base/kustomization.yaml': 'resources:\n  - deployment.yaml\n  - config.yaml\n',
  'base/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
      volumes:
        - name: config
          configMap: {name: web-config}
`,
  'base/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\ndata:\n  mode: base\n',
};

test('a kustomize overlay (base, patch, namePrefix) is rendered by kustomize and applied; a remote base is refused', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'kustomize');
  const git = await gitFixture(t);
  const sha = await git.work.commit('base, overlay and a remote base', {
    ...base,
    'overlays/prod/kustomization.yaml': `namespace: ${ns}
namePrefix: prod-
resources:
  - ../../base
patches:
  - path: replicas.yaml
configMapGenerator:
  - name: web-config
    behavior: merge
    literals: [mode=prod]
images:
  - name: nginx
    newTag: "1.28"
`,
    'overlays/prod/replicas.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n',
    'remote/kustomization.yaml': `namespace: ${ns}
resources:
  - local.yaml
  - github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v3.3.1
`,
    'remote/local.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: local-config\ndata:\n  a: b\n',
  });
  const { api } = await startController(t, info, { namespaces: [ns] });
  await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1h', ref: { branch: 'main' } }));
  await waitFor('the source fetched', async () => (await getRepo(api, ns, 'platform'))?.status?.artifact?.revision === `main@sha1:${sha}`, 30_000);
  await api.apply(stack(ns, 'prod', { sourceRef: { name: 'platform' }, path: './overlays/prod', interval: '1h' }));
  await api.apply(stack(ns, 'remote', { sourceRef: { name: 'platform' }, path: './remote', interval: '1h' }));

  const prod = await waitForStack(api, ns, 'prod', 'Ready', readyAt(sha));
  const entries = prod.status?.inventory?.entries.map((e) => e.id) ?? [];
  assert.deepEqual(entries.sort(), [`${ns}_prod-web-config__ConfigMap`, `${ns}_prod-web_apps_Deployment`].sort());
  const deploy = await api.get<Deployment>({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'prod-web' });
  assert.equal(deploy.spec.replicas, 3, 'the patch is applied');
  assert.equal(deploy.spec.template.spec.containers[0]!.image, 'nginx:1.28');
  assert.equal(deploy.spec.template.spec.volumes[0]!.configMap.name, 'prod-web-config', 'kustomize rewrites the reference with the prefix');
  assert.equal(deploy.metadata.labels?.['governor.dev/stack-name'], 'prod');
  const cm = await api.get<KubeObject & { data: Record<string, string> }>({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'prod-web-config' });
  assert.deepEqual(cm.data, { mode: 'prod' });
  assert.equal(await api.find({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'web' }), undefined);

  const remote = await waitForStack(api, ns, 'remote', 'refused', (s) => readyCondition(s)?.reason === 'RemoteBaseRefused');
  assert.equal(readyCondition(remote)?.status, 'False');
  assert.match(readyCondition(remote)!.message, /remote\/kustomization\.yaml/);
  assert.match(readyCondition(remote)!.message, /github\.com\/kubernetes-sigs\/kustomize/);
  assert.equal(await api.find({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'local-config' }), undefined, 'nothing applied');
  assert.equal(remote.status?.lastAppliedRevision, undefined);
  assert.deepEqual(remote.status?.inventory?.entries ?? [], []);
});

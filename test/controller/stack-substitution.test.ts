import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testCluster, testNamespace } from '../support/cluster.ts';
import { getRepo, gitFixture, gitRepository, readyAt, readyCondition, stack, startController, waitForStack } from '../support/controller.ts';
import { waitFor } from '../cluster/http.ts';
import type { KubeObject } from '../../src/kube/types.ts';

type ConfigMap = KubeObject & { data: Record<string, string> };

test('substitute and substituteFrom fill ${VAR} and ${VAR:=default}; targetNamespace places namespaced objects', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'subst');
  const target = await testNamespace(t, info, 'subst-target');
  const clusterRole = `${ns}-reader`;
  const git = await gitFixture(t);
  const sha = await git.work.commit('templated manifests', {
    'app/settings.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: somewhere-else
data:
  fromConfigMap: \${ONLY_CM}
  fromSecret: \${ONLY_SECRET}
  secretOverConfigMap: \${CM_AND_SECRET}
  specOverAll: \${EVERYWHERE}
  defaulted: \${UNSET:=fallback}
  defaultIgnored: \${ONLY_CM:=unused}
  embedded: "cluster-\${ONLY_CM}-eu"
  literal: $\${NOT_A_VARIABLE}
`,
    'app/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: \${REPLICAS}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:\${TAG:=1.27}
`,
    'app/cluster-role.yaml': `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: ${clusterRole}
rules:
  - apiGroups: [""]
    resources: [configmaps]
    verbs: [get]
`,
  });
  const { api } = await startController(t, info, { namespaces: [ns] });
  t.after(() => api.delete({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: clusterRole }).catch(() => undefined));
  await api.apply({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'vars', namespace: ns },
    data: { ONLY_CM: 'cm', CM_AND_SECRET: 'cm', EVERYWHERE: 'cm' },
  } as KubeObject);
  await api.apply({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'secret-vars', namespace: ns },
    stringData: { ONLY_SECRET: 'secret', CM_AND_SECRET: 'secret', EVERYWHERE: 'secret' },
  } as KubeObject);
  await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1h', ref: { branch: 'main' } }));
  await waitFor('the source fetched', async () => (await getRepo(api, ns, 'platform'))?.status?.artifact?.revision === `main@sha1:${sha}`, 30_000);
  await api.apply(
    stack(ns, 'app', {
      sourceRef: { name: 'platform' },
      path: './app',
      interval: '1h',
      targetNamespace: target,
      substitute: { EVERYWHERE: 'spec', REPLICAS: '2' },
      substituteFrom: [
        { kind: 'ConfigMap', name: 'vars' },
        { kind: 'Secret', name: 'secret-vars' },
        { kind: 'ConfigMap', name: 'no-such-vars', optional: true },
      ],
    }),
  );

  const s = await waitForStack(api, ns, 'app', 'Ready', readyAt(sha));
  assert.deepEqual(
    s.status?.inventory?.entries.map((e) => e.id).sort(),
    [`${target}_settings__ConfigMap`, `${target}_web_apps_Deployment`, `_${clusterRole}_rbac.authorization.k8s.io_ClusterRole`].sort(),
  );

  const cm = await api.get<ConfigMap>({ apiVersion: 'v1', kind: 'ConfigMap', namespace: target, name: 'settings' });
  assert.deepEqual(cm.data, {
    fromConfigMap: 'cm',
    fromSecret: 'secret',
    secretOverConfigMap: 'secret',
    specOverAll: 'spec',
    defaulted: 'fallback',
    defaultIgnored: 'cm',
    embedded: 'cluster-cm-eu',
    literal: '${NOT_A_VARIABLE}',
  });
  const deploy = await api.get<KubeObject & { spec: { replicas: unknown; template: { spec: { containers: { image: string }[] } } } }>({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    namespace: target,
    name: 'web',
  });
  assert.equal(deploy.spec.replicas, 2, 'replicas: ${REPLICAS} becomes an integer');
  assert.equal(deploy.spec.template.spec.containers[0]!.image, 'nginx:1.27');
  const role = await api.get({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: clusterRole });
  assert.equal(role.metadata.namespace, undefined, 'cluster-scoped objects stay cluster-scoped');
  assert.equal(await api.find({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'settings' }), undefined);

  // A required source of variables that does not exist stops the reconcile before anything is applied.
  await api.mergePatch(
    { apiVersion: 'governor.dev/v1alpha1', kind: 'Stack', namespace: ns, name: 'app' },
    { spec: { substitute: { EVERYWHERE: 'spec', REPLICAS: '5' }, substituteFrom: [{ kind: 'Secret', name: 'missing-vars' }] } },
  );
  const failed = await waitForStack(api, ns, 'app', 'failing', (x) => readyCondition(x)?.reason === 'SecretNotFound' && x.status?.observedGeneration === x.metadata.generation);
  assert.match(readyCondition(failed)!.message, new RegExp(`Secret ${ns}/missing-vars`));
  const after = await api.get<KubeObject & { spec: { replicas: unknown } }>({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: target, name: 'web' });
  assert.equal(after.spec.replicas, 2);
});

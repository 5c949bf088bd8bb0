import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testCluster, testNamespace } from '../support/cluster.ts';
import { eventsFor, getRepo, gitFixture, gitRepository, readyAt, readyCondition, stack, startController, waitForStack } from '../support/controller.ts';
import { waitFor } from '../cluster/http.ts';
import type { KubeObject } from '../../src/kube/types.ts';

const deployment = (ns: string, replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${ns}
spec:
  replicas: ${replicas}
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
          configMap:
            name: web-config
            defaultMode: 0644
`;

test('a commit is fetched, applied and rolled out; the Stack becomes Ready with status, inventory and events', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'apply');
  const git = await gitFixture(t);
  const sha = await git.work.commit('web app', {
    'apps/web/deployment.yaml': deployment(ns, 2),
    'apps/web/config.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\n  namespace: ${ns}\ndata:\n  mode: "0644"\n  enabled: "yes"\n`,
  });
  const ctrl = await startController(t, info, { namespaces: [ns] });
  const { api } = ctrl;
  await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1m', ref: { branch: 'main' } }));
  await api.apply(stack(ns, 'web', { sourceRef: { name: 'platform' }, path: './apps/web', interval: '5m', wait: true, timeout: '1m' }));

  const s = await waitForStack(api, ns, 'web', 'Ready', readyAt(sha));
  assert.equal(s.status?.lastAppliedRevision, `main@sha1:${sha}`);
  assert.equal(s.status?.lastAttemptedRevision, `main@sha1:${sha}`);
  assert.deepEqual(
    s.status?.inventory?.entries.map((e) => e.id).sort(),
    [`${ns}_web-config__ConfigMap`, `${ns}_web_apps_Deployment`].sort(),
  );
  assert.match(readyCondition(s)!.message, new RegExp(sha));

  const repo = await getRepo(api, ns, 'platform');
  assert.equal(repo?.status?.artifact?.revision, `main@sha1:${sha}`);
  assert.equal(repo?.status?.artifact?.commit.message, 'web app');
  assert.match(repo?.status?.artifact?.commit.author ?? '', /Governor Test/);

  const deploy = await api.get<{ status?: { availableReplicas?: number }; spec: { template: { spec: { volumes: { configMap: { defaultMode: number } }[] } } } } & KubeObject>({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    namespace: ns,
    name: 'web',
  });
  assert.equal(deploy.status?.availableReplicas, 2, 'wait: true means the rollout finished');
  assert.equal(deploy.metadata.labels?.['governor.dev/stack-name'], 'web');
  assert.equal(deploy.metadata.labels?.['governor.dev/stack-namespace'], ns);
  const cm = await api.get<{ data: Record<string, string> } & KubeObject>({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'web-config' });
  assert.deepEqual(cm.data, { mode: '0644', enabled: 'yes' });
  assert.equal(deploy.spec.template.spec.volumes[0]!.configMap.defaultMode, 420, 'YAML 1.1 as kubectl reads it: 0644 is octal');

  const events = await eventsFor(api, ns, 'web');
  assert.ok(events.some((e) => e.reason === 'Applied' && /2 created/.test(e.message)), JSON.stringify(events));
  assert.ok(events.some((e) => e.reason === 'ReconciliationSucceeded'), JSON.stringify(events));

  // A new commit is picked up (here at once through the reconcile annotation) and rolled out.
  const sha2 = await git.work.commit('scale web', { 'apps/web/deployment.yaml': deployment(ns, 3) });
  await api.mergePatch(
    { apiVersion: 'governor.dev/v1alpha1', kind: 'GitRepository', namespace: ns, name: 'platform' },
    { metadata: { annotations: { 'governor.dev/reconcile-requested-at': new Date().toISOString() } } },
  );
  await waitForStack(api, ns, 'web', 'Ready at the new commit', readyAt(sha2));
  await waitFor('3 replicas available', async () => {
    const d = await api.get<{ status?: { availableReplicas?: number } } & KubeObject>({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'web' });
    return d.status?.availableReplicas === 3;
  }, 30_000);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testCluster, testNamespace } from '../support/cluster.ts';
import { getRepo, gitFixture, gitRepository, readyAt, readyCondition, stack, startController, waitForStack } from '../support/controller.ts';
import { waitFor } from '../cluster/http.ts';
import { parseAllDocuments } from 'yaml';
import type { KubeApi } from '../../src/kube/api.ts';
import type { KubeObject } from '../../src/kube/types.ts';

const deployment = (ns: string, name: string, schedulable: boolean) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  replicas: 1
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
${schedulable ? '' : '      nodeSelector: {governor.dev/test-no-such-node: "true"}\n'}      containers:
        - name: app
          image: nginx:1.27
`;

const parse = (text: string) => parseAllDocuments(text)[0]!.toJS() as KubeObject;

async function sourceReady(api: KubeApi, ns: string, sha: string): Promise<void> {
  await waitFor('the source fetched', async () => (await getRepo(api, ns, 'platform'))?.status?.artifact?.revision === `main@sha1:${sha}`, 30_000);
}

test('wait: a Deployment that never becomes available times out with HealthCheckTimeout naming it', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'health-wait');
  const git = await gitFixture(t);
  const sha = await git.work.commit('unschedulable', { 'app/deploy.yaml': deployment(ns, 'stuck', false) });
  const { api } = await startController(t, info, { namespaces: [ns] });
  await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1h', ref: { branch: 'main' } }));
  await sourceReady(api, ns, sha);
  await api.apply(stack(ns, 'app', { sourceRef: { name: 'platform' }, path: './app', interval: '1h', wait: true, timeout: '4s' }));

  const s = await waitForStack(api, ns, 'app', 'timed out', (x) => readyCondition(x)?.reason === 'HealthCheckTimeout');
  const ready = readyCondition(s)!;
  assert.equal(ready.status, 'False');
  assert.match(ready.message, new RegExp(`Deployment/${ns}/stuck`));
  assert.equal(s.status?.lastAttemptedRevision, `main@sha1:${sha}`);
  assert.equal(s.status?.lastAppliedRevision, undefined, 'an unhealthy revision is not recorded as applied');
  assert.ok(await api.find({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'stuck' }), 'the Deployment was applied');
});

test('healthCheckExprs: a custom resource is healthy when its CEL expression holds', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'health-cel');
  const group = `${ns}.test.governor.dev`;
  const crdName = `databases.${group}`;
  const ctrl = await startController(t, info, { namespaces: [ns] });
  const { api } = ctrl;
  t.after(() => api.delete({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: crdName }).catch(() => undefined));
  await api.apply({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: crdName },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural: 'databases', singular: 'database', kind: 'Database', listKind: 'DatabaseList' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: { type: 'object', properties: { engine: { type: 'string' } } },
                status: { type: 'object', properties: { phase: { type: 'string' } } },
              },
            },
          },
        },
      ],
    },
  } as KubeObject);
  await waitFor('the CRD served', async () => (await api.mapper.tryMapping(`${group}/v1`, 'Database')) !== undefined, 30_000);

  const git = await gitFixture(t);
  const sha = await git.work.commit('a database', {
    'db/database.yaml': `apiVersion: ${group}/v1\nkind: Database\nmetadata:\n  name: main\n  namespace: ${ns}\nspec:\n  engine: postgres\n`,
  });
  await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1h', ref: { branch: 'main' } }));
  await sourceReady(api, ns, sha);
  await api.apply(
    stack(ns, 'db', {
      sourceRef: { name: 'platform' },
      path: './db',
      interval: '1h',
      retryInterval: '2s',
      wait: true,
      timeout: '3s',
      healthCheckExprs: [{ apiVersion: `${group}/v1`, kind: 'Database', current: "status.phase == 'Ready'", failed: "status.phase == 'Failed'" }],
    }),
  );

  // No status yet: the expression does not hold and the Stack is not Ready.
  const waiting = await waitForStack(api, ns, 'db', 'not healthy', (x) => readyCondition(x)?.reason === 'HealthCheckTimeout');
  assert.match(readyCondition(waiting)!.message, new RegExp(`Database/${ns}/main`));
  assert.match(readyCondition(waiting)!.message, /status\.phase == 'Ready'/);
  const ref = { apiVersion: `${group}/v1`, kind: 'Database', namespace: ns, name: 'main' };
  assert.equal(readyCondition(waiting)?.status, 'False');
  assert.equal(waiting.status?.lastAppliedRevision, undefined);

  await api.mergePatch(ref, { status: { phase: 'Ready' } }, 'status');
  const s = await waitForStack(api, ns, 'db', 'Ready', readyAt(sha));
  assert.equal(s.status?.lastAppliedRevision, `main@sha1:${sha}`);

  // A failed expression fails the Stack at once, without waiting for the timeout. The object fails
  // first: a status change is not drift and wakes no Stack, the spec change does.
  await api.mergePatch(ref, { status: { phase: 'Failed' } }, 'status');
  await api.mergePatch({ apiVersion: 'governor.dev/v1alpha1', kind: 'Stack', namespace: ns, name: 'db' }, { spec: { timeout: '1m' } });
  const failed = await waitForStack(api, ns, 'db', 'failed', (x) => readyCondition(x)?.reason === 'HealthCheckFailed', 20_000);
  assert.match(readyCondition(failed)!.message, new RegExp(`Database/${ns}/main`));
});

test('healthChecks: the Stack waits for an object it does not apply', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'health-ext');
  const git = await gitFixture(t);
  const sha = await git.work.commit('config', {
    'app/config.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\n  namespace: ${ns}\ndata:\n  a: b\n`,
  });
  const { api } = await startController(t, info, { namespaces: [ns] });
  // Someone else's Deployment, not schedulable at first.
  await api.apply(parse(deployment(ns, 'database', false)));
  await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1h', ref: { branch: 'main' } }));
  await sourceReady(api, ns, sha);
  await api.apply(
    stack(ns, 'app', {
      sourceRef: { name: 'platform' },
      path: './app',
      interval: '1h',
      retryInterval: '2s',
      timeout: '3s',
      healthChecks: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'database', namespace: ns }],
    }),
  );

  const waiting = await waitForStack(api, ns, 'app', 'waiting for the database', (x) => readyCondition(x)?.reason === 'HealthCheckTimeout');
  assert.match(readyCondition(waiting)!.message, new RegExp(`Deployment/${ns}/database`));
  assert.ok(await api.find({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'app-config' }), 'its own objects are applied');
  assert.deepEqual(waiting.status?.inventory?.entries.map((e) => e.id), [`${ns}_app-config__ConfigMap`], 'the checked object is not the Stack\'s');

  await api.mergePatch({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'database' }, { spec: { template: { spec: { nodeSelector: null } } } });
  await waitForStack(api, ns, 'app', 'Ready', readyAt(sha));
  const db = await api.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'database' });
  assert.equal(db.metadata.labels?.['governor.dev/stack-name'], undefined, 'the checked object is left alone');
});

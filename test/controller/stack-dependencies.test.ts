import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testCluster, testNamespace } from '../support/cluster.ts';
import { eventsFor, getStack, gitFixture, gitRepository, readyAt, readyCondition, stack, startController, waitForStack } from '../support/controller.ts';
import { waitFor } from '../cluster/http.ts';
import type { Stack } from '../../src/api/index.ts';
import type { KubeApi } from '../../src/kube/api.ts';
import type { KubeObject } from '../../src/kube/types.ts';

/** A Deployment that becomes available, or, with `blocked`, never (no node matches its selector). */
const gateDeployment = (ns: string, blocked: boolean) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: gate
  namespace: ${ns}
spec:
  replicas: 1
  selector:
    matchLabels: {app: gate}
  template:
    metadata:
      labels: {app: gate}
    spec:
${blocked ? '      nodeSelector: {governor.dev/test-no-such-node: "true"}\n' : ''}      containers:
        - name: gate
          image: registry.k8s.io/pause:3.10
`;

const configMap = (ns: string, name: string, version: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\ndata:\n  version: "${version}"\n`;

async function fetchNow(api: KubeApi, namespace: string, name: string): Promise<void> {
  await api.mergePatch(
    { apiVersion: 'governor.dev/v1alpha1', kind: 'GitRepository', namespace, name },
    { metadata: { annotations: { 'governor.dev/reconcile-requested-at': new Date().toISOString() } } },
  );
}

async function configMapVersion(api: KubeApi, namespace: string, name: string): Promise<string | undefined> {
  const cm = await api.find<KubeObject & { data?: Record<string, string> }>({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name });
  return cm?.data?.version;
}

const reason = (s: Stack) => readyCondition(s)?.reason;

test('a Stack in another namespace waits until its dependency is Ready at the latest revision, then applies', async (t) => {
  const info = await testCluster(t);
  const infraNs = await testNamespace(t, info, 'deps-infra');
  const appsNs = await testNamespace(t, info, 'deps-apps');
  const git = await gitFixture(t);
  // infra cannot become healthy at first: its Deployment can be scheduled on no node.
  await git.work.commit('infra blocked, apps v1', {
    'infra/gate.yaml': gateDeployment(infraNs, true),
    'apps/config.yaml': configMap(appsNs, 'app-config', '1'),
  });
  const { api } = await startController(t, info, { namespaces: [infraNs, appsNs] });
  await api.apply(gitRepository(infraNs, 'platform', { url: git.url, interval: '1h', ref: { branch: 'main' } }));
  await api.apply(stack(infraNs, 'infra', { sourceRef: { name: 'platform' }, path: './infra', interval: '1h', retryInterval: '2s', wait: true, timeout: '4s' }));
  await api.apply(
    stack(appsNs, 'apps', {
      sourceRef: { name: 'platform', namespace: infraNs },
      path: './apps',
      interval: '1h',
      dependsOn: [{ name: 'infra', namespace: infraNs }],
    }),
  );

  const waiting = await waitForStack(api, appsNs, 'apps', 'waiting for infra', (s) => reason(s) === 'DependencyNotReady');
  assert.equal(readyCondition(waiting)?.status, 'False');
  assert.match(readyCondition(waiting)!.message, new RegExp(`${infraNs}/infra`));
  await waitForStack(api, infraNs, 'infra', 'failing its health check', (s) => reason(s) === 'HealthCheckTimeout');
  assert.equal(reason((await getStack(api, appsNs, 'apps'))!), 'DependencyNotReady', 'apps still waits while infra is not Ready');
  assert.equal(await configMapVersion(api, appsNs, 'app-config'), undefined, 'nothing of apps is applied before infra is Ready');
  assert.equal((await getStack(api, appsNs, 'apps'))?.status?.lastAppliedRevision, undefined);

  // infra becomes healthy: apps follows at the same revision.
  const sha2 = await git.work.commit('infra fixed, apps v2', {
    'infra/gate.yaml': gateDeployment(infraNs, false),
    'apps/config.yaml': configMap(appsNs, 'app-config', '2'),
  });
  await fetchNow(api, infraNs, 'platform');
  await waitForStack(api, infraNs, 'infra', 'Ready', readyAt(sha2));
  await waitForStack(api, appsNs, 'apps', 'Ready after infra', readyAt(sha2));
  assert.equal(await configMapVersion(api, appsNs, 'app-config'), '2');

  // A new revision that infra has not applied yet (it is still waiting for its rollout) holds apps
  // back, although infra is still Ready at the previous one.
  const sha3 = await git.work.commit('infra blocked again, apps v3', {
    'infra/gate.yaml': gateDeployment(infraNs, true),
    'apps/config.yaml': configMap(appsNs, 'app-config', '3'),
  });
  await fetchNow(api, infraNs, 'platform');
  const stale = await waitForStack(api, appsNs, 'apps', 'waiting for infra to apply the new revision', (s) =>
    reason(s) === 'DependencyNotReady' && /latest revision/.test(readyCondition(s)!.message),
  );
  assert.match(readyCondition(stale)!.message, new RegExp(`${infraNs}/infra has not applied the latest revision main@sha1:${sha3}`));
  await waitForStack(api, infraNs, 'infra', 'failing at the new revision', (s) => reason(s) === 'HealthCheckTimeout');
  const held = await waitForStack(api, appsNs, 'apps', 'still waiting', (s) => reason(s) === 'DependencyNotReady');
  assert.ok(held.status?.lastAppliedRevision?.endsWith(sha2), 'apps stays at the revision it applied');
  assert.equal(await configMapVersion(api, appsNs, 'app-config'), '2', 'apps did not apply the new revision');
  const events = await eventsFor(api, appsNs, 'apps');
  assert.ok(events.some((e) => e.reason === 'DependencyNotReady'), JSON.stringify(events));
});

test('a dependency cycle is reported as Stalled with the cycle spelled out, and nothing is applied', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'deps-cycle');
  const git = await gitFixture(t);
  await git.work.commit('two stacks', {
    'a/config.yaml': configMap(ns, 'a-config', '1'),
    'b/config.yaml': configMap(ns, 'b-config', '1'),
  });
  const { api } = await startController(t, info, { namespaces: [ns] });
  await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1h', ref: { branch: 'main' } }));
  await api.apply(stack(ns, 'a', { sourceRef: { name: 'platform' }, path: './a', interval: '1h', dependsOn: [{ name: 'b' }] }));
  await api.apply(stack(ns, 'b', { sourceRef: { name: 'platform' }, path: './b', interval: '1h', dependsOn: [{ name: 'a' }] }));

  for (const [self, other] of [['a', 'b'], ['b', 'a']] as const) {
    const s = await waitForStack(api, ns, self, 'Stalled', (x) => x.status?.conditions?.some((c) => c.type === 'Stalled' && c.status === 'True') ?? false);
    const stalled = s.status!.conditions!.find((c) => c.type === 'Stalled')!;
    assert.equal(stalled.reason, 'DependencyCycle');
    assert.equal(readyCondition(s)?.status, 'False');
    assert.equal(readyCondition(s)?.reason, 'DependencyCycle');
    assert.match(stalled.message, new RegExp(`${ns}/${self} -> ${ns}/${other} -> ${ns}/${self}`));
  }
  await waitFor('cycle event', async () => (await eventsFor(api, ns, 'a')).some((e) => e.reason === 'DependencyCycle'), 10_000);
  assert.equal(await configMapVersion(api, ns, 'a-config'), undefined);
  assert.equal(await configMapVersion(api, ns, 'b-config'), undefined);
});

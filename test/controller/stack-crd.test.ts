import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testCluster, testNamespace } from '../support/cluster.ts';
import { eventsFor, getRepo, gitFixture, gitRepository, readyAt, readyCondition, stack, startController, waitForStack } from '../support/controller.ts';
import { waitFor } from '../cluster/http.ts';
import type { KubeObject } from '../../src/kube/types.ts';

test('a CRD and a custom resource of it in the same commit are applied in one reconcile', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'crd');
  // CRDs are cluster-wide and the cluster is shared: a group of this test's own.
  const group = `${ns}.test.governor.dev`;
  const crdName = `widgets.${group}`;
  const git = await gitFixture(t);
  const sha = await git.work.commit('widget CRD and a widget', {
    'widgets/crd.yaml': `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${crdName}
spec:
  group: ${group}
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: {type: integer}
`,
    // The custom resource sorts before the CRD by file name: order in Git must not matter.
    'widgets/a-widget.yaml': `apiVersion: ${group}/v1\nkind: Widget\nmetadata:\n  name: big\n  namespace: ${ns}\nspec:\n  size: 3\n`,
  });
  const { api } = await startController(t, info, { namespaces: [ns] });
  t.after(() => api.delete({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: crdName }).catch(() => undefined));
  await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1h', ref: { branch: 'main' } }));
  // The source first, so that the Stack's first reconcile has a revision to apply.
  await waitFor('the source fetched', async () => (await getRepo(api, ns, 'platform'))?.status?.artifact?.revision === `main@sha1:${sha}`, 30_000);
  await api.apply(stack(ns, 'widgets', { sourceRef: { name: 'platform' }, path: './widgets', interval: '1h', wait: true, timeout: '1m' }));

  const s = await waitForStack(api, ns, 'widgets', 'Ready', readyAt(sha));
  assert.deepEqual(s.status?.inventory?.entries.map((e) => e.id).sort(), [`${ns}_big_${group}_Widget`, `_${crdName}_apiextensions.k8s.io_CustomResourceDefinition`].sort());

  const crd = await api.get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: crdName });
  assert.equal(crd.metadata.labels?.['governor.dev/stack-name'], 'widgets');
  const widget = await api.get<KubeObject & { spec: { size: number } }>({ apiVersion: `${group}/v1`, kind: 'Widget', namespace: ns, name: 'big' });
  assert.equal(widget.spec.size, 3);
  assert.equal(widget.metadata.labels?.['governor.dev/stack-namespace'], ns);

  // One reconcile: the first outcome was success, with both objects created by one apply.
  const events = await eventsFor(api, ns, 'widgets');
  assert.deepEqual(events.filter((e) => e.type === 'Warning'), [], JSON.stringify(events));
  const applied = events.filter((e) => e.reason === 'Applied');
  assert.equal(applied.length, 1, JSON.stringify(events));
  assert.match(applied[0]!.message, /2 created/);
  assert.match(readyCondition(s)!.message, new RegExp(sha));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testCluster, testKubeApi, testNamespace } from '../../../test/support/cluster.ts';
import { Labels } from '../../api/constants.ts';
import type { KubeApi } from '../../kube/api.ts';
import type { KubeObject } from '../../kube/types.ts';
import { DriftWatcher, type DriftEvent } from './watcher.ts';

const stackLabels = (stackNs: string, stack: string) => ({ [Labels.StackName]: stack, [Labels.StackNamespace]: stackNs });

function configMap(ns: string, name: string, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels }, data: { k: 'v0' } };
}

const cmRef = (namespace: string, name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name });
const cmId = (ns: string, name: string) => `${ns}_${name}__ConfigMap`;

async function waitFor(what: string, cond: () => boolean, timeoutMs = 1000): Promise<number> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return Date.now() - start;
}

function watcher(t: { after(fn: () => unknown): void }, api: KubeApi, namespaces?: string[]) {
  const events: DriftEvent[] = [];
  const errors: unknown[] = [];
  const w = new DriftWatcher({ api, namespaces, onChange: (ev) => events.push(ev), onError: (err) => errors.push(err) });
  t.after(() => w.stop());
  const seen = () => events.map((e) => `${e.type}:${e.stack.namespace}/${e.stack.name}:${e.id}`);
  return { w, events, errors, seen };
}

test('two Stacks share one ConfigMap watch; edits and deletes of tracked objects reach their Stack, nothing else does', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'drift');
  const api = await testKubeApi(t, info);

  await api.apply(configMap(ns, 'a1', stackLabels(ns, 'alpha')));
  await api.apply(configMap(ns, 'b1', stackLabels(ns, 'beta')));
  await api.apply(configMap(ns, 'ghost', stackLabels(ns, 'gamma'))); // labelled for a Stack nobody tracks
  await api.apply(configMap(ns, 'stray', stackLabels(ns, 'alpha'))); // alpha's label, but not in alpha's inventory
  await api.apply(configMap(ns, 'plain')); // no label at all

  const { w, events, errors, seen } = watcher(t, api);
  await w.track({ namespace: ns, name: 'alpha' }, [{ id: cmId(ns, 'a1'), v: 'v1' }]);
  await w.track({ namespace: ns, name: 'beta' }, [{ id: cmId(ns, 'b1'), v: 'v1' }]);
  assert.deepEqual(w.kinds(), [{ group: '', version: 'v1', kind: 'ConfigMap' }], 'one shared informer');
  assert.ok(w.synced());
  assert.equal(w.get(cmId(ns, 'a1'))?.metadata.name, 'a1', 'the cache holds the tracked object');
  assert.equal(w.get(cmId(ns, 'plain')), undefined, 'unlabelled objects are not cached');
  assert.equal(events.length, 0, 'existing objects are no drift');

  // Changes that must produce nothing, then one that must: events of one watch arrive in order,
  // so once the last is seen the others have been passed over.
  await api.mergePatch(cmRef(ns, 'ghost'), { data: { k: 'x' } });
  await api.mergePatch(cmRef(ns, 'stray'), { data: { k: 'x' } });
  await api.mergePatch(cmRef(ns, 'plain'), { data: { k: 'x' } });
  await api.mergePatch(cmRef(ns, 'a1'), { data: { k: 'edited' } });
  const ms = await waitFor('the edit of a1', () => events.length > 0);
  assert.ok(ms < 1000);
  assert.deepEqual(seen(), [`updated:${ns}/alpha:${cmId(ns, 'a1')}`]);
  assert.deepEqual((events[0]?.object as { data?: unknown }).data, { k: 'edited' });
  assert.deepEqual((w.get(cmId(ns, 'a1')) as { data?: unknown }).data, { k: 'edited' });

  await api.delete(cmRef(ns, 'b1'));
  await waitFor('the deletion of b1', () => events.length > 1);
  assert.deepEqual(seen().slice(1), [`deleted:${ns}/beta:${cmId(ns, 'b1')}`]);
  assert.equal(events[1]?.object.metadata.name, 'b1', 'the last known state of a deleted object');
  assert.equal(w.get(cmId(ns, 'b1')), undefined);

  // Re-tracking replaces the set: stray is now alpha's, a1 is not.
  await w.track({ namespace: ns, name: 'alpha' }, [{ id: cmId(ns, 'stray'), v: 'v1' }]);
  await api.mergePatch(cmRef(ns, 'a1'), { data: { k: 'again' } });
  await api.mergePatch(cmRef(ns, 'stray'), { data: { k: 'y' } });
  await waitFor('the edit of stray', () => events.length > 2);
  assert.deepEqual(seen().slice(2), [`updated:${ns}/alpha:${cmId(ns, 'stray')}`]);

  // The kind stays watched while any Stack uses it, and stops with the last.
  await w.untrack({ namespace: ns, name: 'beta' });
  assert.equal(w.kinds().length, 1);
  await w.untrack({ namespace: ns, name: 'alpha' });
  assert.deepEqual(w.kinds(), []);
  await api.mergePatch(cmRef(ns, 'stray'), { data: { k: 'z' } });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(events.length, 3, 'no events once untracked');
  assert.deepEqual(errors, []);
});

test('Deployments (apps group) and cluster-scoped kinds are watched; namespaces limit namespaced watches', async (t) => {
  const info = await testCluster(t);
  const nsIn = await testNamespace(t, info, 'drift-in');
  const nsOut = await testNamespace(t, info, 'drift-out');
  const api = await testKubeApi(t, info);
  const roleName = `drift-${nsIn}`;
  t.after(() => api.delete({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: roleName }).catch(() => undefined));

  const labels = stackLabels(nsIn, 'apps');
  const deployment = (ns: string) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: ns, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
    },
  });
  await api.apply(deployment(nsIn));
  await api.apply(deployment(nsOut));
  await api.apply(configMap(nsOut, 'cfg', labels));
  await api.apply({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: roleName, labels }, rules: [] });

  const { w, events, errors, seen } = watcher(t, api, [nsIn]);
  const depIn = `${nsIn}_web_apps_Deployment`;
  const depOut = `${nsOut}_web_apps_Deployment`;
  const roleId = `_${roleName}_rbac.authorization.k8s.io_ClusterRole`;
  await w.track({ namespace: nsIn, name: 'apps' }, [
    { id: depIn, v: 'v1' },
    { id: depOut, v: 'v1' },
    { id: cmId(nsOut, 'cfg'), v: 'v1' },
    { id: roleId, v: 'v1' },
  ]);
  assert.deepEqual(
    w.kinds().map((k) => `${k.group}/${k.version}/${k.kind}`),
    ['/v1/ConfigMap', 'apps/v1/Deployment', 'rbac.authorization.k8s.io/v1/ClusterRole'],
  );
  assert.ok(w.get(depIn));
  assert.equal(w.get(depOut), undefined, 'outside the watched namespaces');
  assert.ok(w.get(roleId), 'cluster-scoped kinds are watched cluster-wide');

  await api.mergePatch({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: nsOut, name: 'web' }, { spec: { replicas: 3 } });
  await api.mergePatch(cmRef(nsOut, 'cfg'), { data: { k: 'x' } });
  await api.mergePatch({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: nsIn, name: 'web' }, { spec: { replicas: 2 } });
  const scaledTo2 = (e: DriftEvent) => e.id === depIn && (e.object as { spec?: { replicas?: number } }).spec?.replicas === 2;
  await waitFor('the scale of the Deployment', () => events.some(scaledTo2));
  await api.mergePatch({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: roleName }, { metadata: { annotations: { edited: 'yes' } } });
  await waitFor('the edit of the ClusterRole', () => events.some((e) => e.id === roleId));
  // Unwatched namespaces had their chance while the two watched changes travelled.
  await new Promise((r) => setTimeout(r, 200));
  // (Status writes by a controller manager may add further updates of the watched Deployment.)
  assert.ok(events.every((e) => e.type === 'updated' && (e.id === depIn || e.id === roleId)), `only watched namespaces: ${seen().join(', ')}`);
  assert.deepEqual(events.find(scaledTo2)?.stack, { namespace: nsIn, name: 'apps' });

  await w.stop();
  assert.deepEqual(w.kinds(), []);
  assert.deepEqual(errors, []);
});

test('an unknown kind is reported, not fatal; malformed ids are reported', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'drift');
  const api = await testKubeApi(t, info);
  const { w, errors } = watcher(t, api);
  await w.track({ namespace: ns, name: 's' }, [
    { id: `${ns}_w_example.com_Widget`, v: 'v1' },
    { id: 'nonsense', v: 'v1' },
    { id: cmId(ns, 'c'), v: 'v1' },
  ]);
  assert.deepEqual(w.kinds(), [{ group: '', version: 'v1', kind: 'ConfigMap' }]);
  assert.equal(errors.length, 2);
  assert.ok(w.synced());
});

test('an empty namespaces list watches every namespace, as the controller does without --namespace', async (t) => {
  const info = await testCluster(t);
  const ns1 = await testNamespace(t, info, 'drift-all');
  const ns2 = await testNamespace(t, info, 'drift-all');
  const api = await testKubeApi(t, info);
  await api.apply(configMap(ns1, 'one', stackLabels(ns1, 'app')));
  await api.apply(configMap(ns2, 'two', stackLabels(ns1, 'app')));

  const { w, seen } = watcher(t, api, []);
  await w.track({ namespace: ns1, name: 'app' }, [
    { id: cmId(ns1, 'one'), v: 'v1' },
    { id: cmId(ns2, 'two'), v: 'v1' },
  ]);
  await api.mergePatch(cmRef(ns1, 'one'), { data: { k: 'x' } });
  await api.mergePatch(cmRef(ns2, 'two'), { data: { k: 'x' } });
  await waitFor('both edits', () => seen().length >= 2);
  assert.deepEqual(seen().sort(), [`updated:${ns1}/app:${cmId(ns1, 'one')}`, `updated:${ns1}/app:${cmId(ns2, 'two')}`].sort());
});

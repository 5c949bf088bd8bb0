import { test } from 'node:test';
import assert from 'node:assert/strict';
import { installCrds } from '../../src/controller/crds.ts';
import { DashboardCache, type CacheChange } from '../../src/dashboard/cache.ts';
import type { KubeObject } from '../../src/kube/types.ts';
import { createLogger } from '../../src/log.ts';
import { testCluster, testKubeApi, testNamespace } from '../support/cluster.ts';
import { bareStack, eventually, readyCondition, setStatus } from './support.ts';

function event(ns: string, i: number, at: Date): KubeObject {
  const stamp = at.toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `web.${i}`, namespace: ns },
    involvedObject: { apiVersion: 'governor.dev/v1alpha1', kind: 'Stack', name: 'web', namespace: ns },
    type: 'Normal',
    reason: 'Test',
    message: `event ${i}`,
    lastTimestamp: stamp,
    count: 1,
  };
}

test('dashboard cache: only the newest events are kept; rows change and reconciles are timed as they happen', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'dash-cache');
  const api = await testKubeApi(t, info);
  await installCrds(api);
  const cache = new DashboardCache({ client: api.client, log: createLogger({ level: 'silent' }), namespaces: [ns], maxEvents: 10 });
  const changes: CacheChange[] = [];
  cache.subscribe((c) => changes.push(c));
  t.after(() => cache.stop());
  await cache.start();

  await t.test('events: at most about maxEvents, the newest first, the oldest dropped', async () => {
    const base = Date.now() - 60_000;
    // Out of order on purpose: the cache orders by time, not by arrival.
    const order = Array.from({ length: 30 }, (_, i) => (i * 7) % 30);
    for (const i of order) await api.create(event(ns, i, new Date(base + i * 1000)));
    await eventually('every event seen', async () => changes.filter((c) => c.resource === 'events').length >= 30);
    const kept = cache.events();
    assert.ok(kept.length >= 10 && kept.length <= 21, `${kept.length} kept`);
    assert.equal(kept[0]!.view.message, 'event 29');
    const times = kept.map((e) => e.at);
    assert.deepEqual(times, [...times].sort((a, b) => b - a));
    assert.ok(!kept.some((e) => e.view.message === 'event 0'), 'the oldest is gone');
    assert.deepEqual(cache.namespaces('events'), [ns]);
  });

  await t.test('stacks: a change that alters the row is published once; the reconcile is timed', async () => {
    await api.create(bareStack(ns, 'web'));
    await eventually('the Stack', async () => cache.stackEntry(ns, 'web'));
    const requested = new Date(Date.now() - 2000).toISOString();
    await api.mergePatch({ apiVersion: 'governor.dev/v1alpha1', kind: 'Stack', namespace: ns, name: 'web' }, { metadata: { annotations: { 'governor.dev/reconcile-requested-at': requested } } });
    const before = changes.filter((c) => c.key === `stack:${ns}/web`).length;
    await setStatus(api, 'Stack', ns, 'web', { observedGeneration: 1, lastHandledReconcileAt: requested, conditions: [readyCondition('True', 'ReconciliationSucceeded', 'ok')] });
    const row = await eventually('the row ready', async () => cache.stackEntry(ns, 'web')?.row.state === 'ready' && cache.stackEntry(ns, 'web')!.row);
    assert.ok(row.durationSeconds !== undefined && row.durationSeconds >= 2 && row.durationSeconds < 30, String(row.durationSeconds));
    assert.equal(changes.filter((c) => c.key === `stack:${ns}/web`).length, before + 1);
    // A write that changes nothing the row shows publishes nothing.
    await api.mergePatch({ apiVersion: 'governor.dev/v1alpha1', kind: 'Stack', namespace: ns, name: 'web' }, { metadata: { labels: { unrelated: 'yes' } } });
    await eventually('the label seen', async () => cache.stackEntry(ns, 'web')?.stack.metadata.labels?.unrelated === 'yes');
    assert.equal(changes.filter((c) => c.key === `stack:${ns}/web`).length, before + 1);
    assert.equal((cache.stackEntry(ns, 'web')?.stack.metadata as Record<string, unknown> | undefined)?.managedFields, undefined, 'managedFields are not kept');
  });
});

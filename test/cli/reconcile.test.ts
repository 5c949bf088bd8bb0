import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API_VERSION, Annotations } from '../../src/api/index.ts';
import { testNamespace } from '../support/cluster.ts';
import { getStack, readyCondition, stack, waitForStack } from '../support/controller.ts';
import { configMap, governor, managedStack } from './action-support.ts';

test('governor reconcile: waits until Ready, fetches the source first with --with-source, fails with exit 1', async (t) => {
  const s = await managedStack(t, 'cli-reconcile', (ns) => ({ 'apps/web/config.yaml': configMap(ns, 'web-config', 'blue') }));

  await t.test('stack --with-source fetches a new commit and applies it, then exits 0', async () => {
    const sha2 = await s.work.commit('green', { 'apps/web/config.yaml': configMap(s.ns, 'web-config', 'green') });
    const r = await governor(['reconcile', 'stack', 'web', '--with-source', ...s.flags]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, new RegExp(`GitRepository ${s.ns}/platform reconciled: fetched revision main@sha1:${sha2}`));
    assert.match(r.out, new RegExp(`✔ Stack ${s.ns}/web reconciled: applied revision main@sha1:${sha2}`));
    assert.equal((await s.getConfigMap('web-config'))?.data?.mode, 'green');
    const st = await getStack(s.api, s.ns, 'web');
    assert.equal(st?.status?.lastHandledReconcileAt, st?.metadata.annotations?.[Annotations.ReconcileRequestedAt]);
    // Not a terminal: plain progress lines on stderr, no spinner control characters.
    assert.match(r.err, /waiting for Stack .*web to be reconciled/);
    assert.ok(!r.err.includes('\u001b['), 'no terminal control sequences');
  });

  await t.test('source alone, and --no-wait only sets the annotation', async () => {
    const r = await governor(['reconcile', 'source', 'platform', ...s.flags]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /fetched revision main@sha1:/);
    const before = (await getStack(s.api, s.ns, 'web'))?.metadata.annotations?.[Annotations.ReconcileRequestedAt];
    const nw = await governor(['reconcile', 'stack', 'web', '--no-wait', ...s.flags]);
    assert.equal(nw.code, 0, nw.err);
    assert.match(nw.out, /reconcile requested/);
    const after = (await getStack(s.api, s.ns, 'web'))?.metadata.annotations?.[Annotations.ReconcileRequestedAt];
    assert.ok(after && after !== before, `${before} → ${after}`);
  });

  await t.test('a failing Stack exits 1 with the reason and message', async () => {
    await s.api.apply(stack(s.ns, 'broken', { sourceRef: { name: 'platform' }, path: './does-not-exist', interval: '1h' }));
    await waitForStack(s.api, s.ns, 'broken', 'failed', (x) => readyCondition(x)?.status === 'False');
    const r = await governor(['reconcile', 'stack', 'broken', ...s.flags]);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.err, /error: Stack .*broken failed: PathNotFound: .*does-not-exist/);
  });

  await t.test('a Stack that does not exist exits 1; a Stack no controller handles times out with exit 1', async () => {
    const missing = await governor(['reconcile', 'stack', 'nope', ...s.flags]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /Stack "nope" not found/);

    const other = await testNamespace(t, s.info, 'cli-unwatched');
    await s.api.apply(stack(other, 'orphan', { sourceRef: { name: 'platform' }, path: './apps/web', interval: '1h' }));
    const started = Date.now();
    const r = await governor(['reconcile', 'stack', 'orphan', '--kubeconfig', s.info.kubeconfigPath, '-n', other, '--timeout', '2s']);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.err, /timed out after 2s waiting for Stack .*orphan/);
    assert.ok(Date.now() - started < 30_000);
    const obj = await s.api.get({ apiVersion: API_VERSION, kind: 'Stack', namespace: other, name: 'orphan' });
    assert.ok(obj.metadata.annotations?.[Annotations.ReconcileRequestedAt]);
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { LocalCluster } from '../cluster/cluster.ts';
import { waitFor } from '../cluster/http.ts';
import { auditPosition, auditSince, isWrite, type AuditEvent } from '../support/audit.ts';
import { testKubeApi, testNamespace } from '../support/cluster.ts';
import { eventsFor, gitFixture, gitRepository, readyAt, stack, startController, waitForStack } from '../support/controller.ts';

const COUNT = 20;
const CONTROLLER_AGENT = 'governor';

const configMap = (ns: string, i: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: ${ns}\ndata:\n  index: "${i}"\n`;

type ConfigMap = { data?: Record<string, string>; metadata: { uid?: string } };

test('drift made around an API server restart or while the controller is stopped is corrected once, and only once', async (t) => {
  const cluster = await new LocalCluster({ auditLog: true }).start();
  t.after(() => cluster.stop());
  const info = cluster.info();
  const ns = await testNamespace(t, info, 'faults');
  const api = await testKubeApi(t, info, { userAgent: 'governor-test' });
  const git = await gitFixture(t);
  const files: Record<string, string> = {};
  for (let i = 0; i < COUNT; i++) files[`apps/cm-${i}.yaml`] = configMap(ns, i);
  const sha = await git.work.commit('configmaps', files);

  let ctrl = await startController(t, info, { namespaces: [ns] });
  // Long intervals: no periodic reconcile comes to the rescue; only the watches (and their relists) can see drift.
  await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1h', ref: { branch: 'main' } }));
  await api.apply(stack(ns, 'apps', { sourceRef: { name: 'platform' }, path: './apps', interval: '1h', timeout: '1m' }));
  await waitForStack(api, ns, 'apps', 'Ready', readyAt(sha), 60_000);
  await sleep(1000);

  // The admin client of the harness opens a fresh connection per request: safe across a restart.
  const path = (name: string) => `/api/v1/namespaces/${ns}/configmaps/${name}`;
  const read = async (name: string) => {
    const res = await cluster.api<ConfigMap>('GET', path(name));
    return res.status === 200 ? res.body : undefined;
  };
  const edit = async (name: string) => {
    const res = await cluster.api('PATCH', path(name), { data: { index: 'changed by hand' } }, 'application/merge-patch+json');
    assert.equal(res.status, 200, JSON.stringify(res.body));
  };
  const corrected = (name: string, i: number) =>
    waitFor(`${name} corrected`, async () => (await read(name))?.data?.index === String(i), 60_000, 100);
  /** Real (not dry-run) writes by the controller to each named ConfigMap since the position. */
  const appliesSince = async (position: number): Promise<Map<string, AuditEvent[]>> => {
    const out = new Map<string, AuditEvent[]>();
    for (const e of await auditSince(cluster.auditLogPath, position, CONTROLLER_AGENT)) {
      if (e.objectRef?.resource !== 'configmaps' || !e.objectRef.name || !isWrite(e)) continue;
      out.set(e.objectRef.name, [...(out.get(e.objectRef.name) ?? []), e]);
    }
    return out;
  };
  const summary = (m: Map<string, AuditEvent[]>) => Object.fromEntries([...m].map(([k, v]) => [k, v.map((e) => e.verb)]));

  await t.test('the API server restarts; an edit and a deletion made as it comes back are still seen and corrected', async () => {
    const position = await auditPosition(cluster.auditLogPath);
    await cluster.stopComponent('kube-apiserver');
    // Long enough for the watches to fail and back off.
    await sleep(3000);
    await cluster.startComponent('kube-apiserver');
    const back = Date.now();
    await edit('cm-1');
    const gone = await read('cm-2');
    assert.equal((await cluster.api('DELETE', path('cm-2'))).status, 200);
    await corrected('cm-1', 1);
    await waitFor('cm-2 recreated', async () => {
      const cm = await read('cm-2');
      return cm !== undefined && cm.metadata.uid !== gone?.metadata.uid && cm.data?.index === '2';
    }, 60_000, 100);
    const relists = (await auditSince(cluster.auditLogPath, position, CONTROLLER_AGENT)).filter(
      (e) => e.objectRef?.resource === 'configmaps' && !e.objectRef.name && e.verb === 'list',
    );
    t.diagnostic(`corrected ${Date.now() - back} ms after the API server was back; ConfigMap relists by the controller since the restart: ${relists.length}`);
    // Anything that would apply a second time (a second event for the same change, a late relist) has time to.
    await sleep(5000);
    const applies = await appliesSince(position);
    assert.deepEqual(summary(applies), { 'cm-1': ['patch'], 'cm-2': ['patch'] }, 'one apply per changed object, no other object written');
    const events = await eventsFor(api, ns, 'apps');
    assert.ok(events.some((e) => e.reason === 'DriftDetected' && /cm-1/.test(e.message)), JSON.stringify(events));
  });

  await t.test('the watch survives a second restart: an edit after it is corrected once', async () => {
    const position = await auditPosition(cluster.auditLogPath);
    await cluster.restartComponent('kube-apiserver');
    // Once the watches are open again, an edit is an ordinary watch event.
    await sleep(2000);
    await edit('cm-3');
    await corrected('cm-3', 3);
    await sleep(3000);
    assert.deepEqual(summary(await appliesSince(position)), { 'cm-3': ['patch'] });
  });

  await t.test('drift while the controller is stopped is corrected once after it starts', async () => {
    await ctrl.stop();
    const position = await auditPosition(cluster.auditLogPath);
    await edit('cm-4');
    ctrl = await startController(t, info, { namespaces: [ns] });
    await corrected('cm-4', 4);
    await sleep(3000);
    assert.deepEqual(summary(await appliesSince(position)), { 'cm-4': ['patch'] });
  });
});

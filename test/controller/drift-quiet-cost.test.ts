import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { LocalCluster } from '../cluster/cluster.ts';
import { waitFor } from '../cluster/http.ts';
import { auditPosition, auditSince, countByVerbResource, isDryRun, isWrite, type AuditEvent } from '../support/audit.ts';
import { testKubeApi, testNamespace } from '../support/cluster.ts';
import { gitFixture, gitRepository, readyAt, stack, startController, waitForStack } from '../support/controller.ts';
import type { KubeObject } from '../../src/kube/types.ts';

const CONFIGMAPS = 150;
const SERVICES = 50;
const INTERVAL_MS = 2000;
const QUIET_INTERVALS = 10;
/** The controller's KubeClient sends this user agent; the test's own client another. */
const CONTROLLER_AGENT = 'governor';

const configMap = (ns: string, i: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: ${ns}\ndata:\n  index: "${i}"\n`;
const service = (ns: string, i: number) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i}\n  namespace: ${ns}\nspec:\n  selector: {app: app-${i}}\n  ports:\n    - port: 80\n      targetPort: 8080\n`;

type ConfigMap = KubeObject & { data?: Record<string, string> };

test('a quiet Stack of 200 objects costs no write and no dry-run over ten intervals; a correction, and a commit changing one object, touch only that object', async (t) => {
  const cluster = await new LocalCluster({ auditLog: true }).start();
  t.after(() => cluster.stop());
  const info = cluster.info();
  const ns = await testNamespace(t, info, 'quiet');
  // Everything the test itself asks goes under another user agent than the controller's.
  const api = await testKubeApi(t, info, { userAgent: 'governor-test' });
  const git = await gitFixture(t);
  const files: Record<string, string> = {};
  for (let i = 0; i < CONFIGMAPS; i++) files[`apps/cm-${i}.yaml`] = configMap(ns, i);
  for (let i = 0; i < SERVICES; i++) files[`apps/svc-${i}.yaml`] = service(ns, i);
  const sha = await git.work.commit('200 objects', files);

  await startController(t, info, { namespaces: [ns] });
  await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '2s', ref: { branch: 'main' } }));
  await api.apply(stack(ns, 'apps', { sourceRef: { name: 'platform' }, path: './apps', interval: '2s', timeout: '1m' }));
  const ready = await waitForStack(api, ns, 'apps', 'Ready', readyAt(sha), 120_000);
  assert.equal(ready.status?.inventory?.entries.length, CONFIGMAPS + SERVICES);

  // Settled: at least one quiet reconcile of the Stack and of the GitRepository has gone by.
  await sleep(3 * INTERVAL_MS);
  const start = await auditPosition(cluster.auditLogPath);
  // No request of the test's own in this window.
  await sleep(QUIET_INTERVALS * INTERVAL_MS);
  const quiet = await auditSince(cluster.auditLogPath, start, CONTROLLER_AGENT);

  const table = countByVerbResource(quiet);
  t.diagnostic(`controller requests during ${QUIET_INTERVALS} quiet intervals of ${INTERVAL_MS / 1000} s: ${quiet.length} (${(quiet.length / QUIET_INTERVALS).toFixed(1)} per interval)`);
  for (const [what, n] of table) t.diagnostic(`  ${what}: ${n} (${(n / QUIET_INTERVALS).toFixed(1)} per interval)`);
  const describe = (es: AuditEvent[]) => es.map((e) => `${e.verb} ${e.requestURI}`).join('\n');
  assert.ok(quiet.length > 0, 'the controller was seen at all (the user agent filter matches)');
  assert.ok(quiet.some((e) => e.objectRef?.resource === 'stacks' && e.verb === 'get'), `the Stack was reconciled in the window:\n${describe(quiet)}`);
  assert.deepEqual(describe(quiet.filter(isWrite)), '', 'no write request in quiet intervals');
  assert.deepEqual(describe(quiet.filter(isDryRun)), '', 'no dry-run request in quiet intervals');

  // One object changed by hand: only that object is applied again.
  const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'cm-42' };
  const before = await auditPosition(cluster.auditLogPath);
  await api.mergePatch(ref, { data: { index: 'changed by hand' } });
  await waitFor('cm-42 corrected', async () => (await api.get<ConfigMap>(ref)).data?.index === '42', 30_000, 50);
  // Room for anything that would come late (a second apply, a periodic reconcile).
  await sleep(2 * INTERVAL_MS);
  const after = await auditSince(cluster.auditLogPath, before, CONTROLLER_AGENT);
  for (const [what, n] of countByVerbResource(after)) t.diagnostic(`  after the edit: ${what}: ${n}`);
  const onObjects = after.filter((e) => (e.objectRef?.resource === 'configmaps' || e.objectRef?.resource === 'services') && e.objectRef.name);
  assert.deepEqual([...new Set(onObjects.map((e) => e.objectRef?.name))], ['cm-42'], `only the drifted object is touched:\n${describe(onObjects)}`);
  const applies = onObjects.filter(isWrite);
  assert.deepEqual(applies.map((e) => e.verb), ['patch'], `exactly one apply of the drifted object:\n${describe(onObjects)}`);
  // Other writes are only the report: the Stack's status and Events.
  const others = after.filter(isWrite).filter((e) => !applies.includes(e));
  assert.ok(
    others.every((e) => (e.objectRef?.resource === 'stacks' && e.objectRef.subresource === 'status') || e.objectRef?.resource === 'events'),
    `no other write than status and events:\n${describe(others)}`,
  );

  // A commit that changes one object of 200: only that one is dry-run and applied; the other 199
  // are known unchanged from the last apply and their watches.
  const beforeCommit = await auditPosition(cluster.auditLogPath);
  const sha2 = await git.work.commit('cm-7 changed', { 'apps/cm-7.yaml': configMap(ns, 7).replace('index: "7"', 'index: "seven"') });
  await waitForStack(api, ns, 'apps', 'Ready at the second commit', readyAt(sha2), 60_000);
  const afterCommit = await auditSince(cluster.auditLogPath, beforeCommit, CONTROLLER_AGENT);
  for (const [what, n] of countByVerbResource(afterCommit)) t.diagnostic(`  after the commit: ${what}: ${n}`);
  const touched = afterCommit.filter((e) => (e.objectRef?.resource === 'configmaps' || e.objectRef?.resource === 'services') && e.objectRef.name);
  assert.deepEqual([...new Set(touched.map((e) => e.objectRef?.name))], ['cm-7'], `only the changed object is asked about:\n${describe(touched)}`);
  assert.equal(touched.filter(isWrite).length, 1, `one apply:\n${describe(touched)}`);
  assert.equal((await api.get<ConfigMap>({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'cm-7' })).data?.index, 'seven');
});

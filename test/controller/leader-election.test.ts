import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { testCluster, testNamespace } from '../support/cluster.ts';
import { gitFixture, gitRepository, readyAt, stack, startController, waitForStack, type TestController } from '../support/controller.ts';
import { startControllerProcess } from '../support/controller-process.ts';
import { waitFor } from '../cluster/http.ts';
import type { LeaderElectionOptions } from '../../src/controller/manager.ts';
import type { KubeApi } from '../../src/kube/api.ts';
import type { Lease } from '../../src/kube/leader.ts';
import type { KubeObject } from '../../src/kube/types.ts';

const LEASE_MS = 3000;
const RETRY_MS = 500;

const configMap = (ns: string, value: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: ${ns}\ndata:\n  value: "${value}"\n`;

async function fetchNow(api: KubeApi, namespace: string, name: string): Promise<void> {
  await api.mergePatch(
    { apiVersion: 'governor.dev/v1alpha1', kind: 'GitRepository', namespace, name },
    { metadata: { annotations: { 'governor.dev/reconcile-requested-at': new Date().toISOString() } } },
  );
}

async function leaseOf(api: KubeApi, namespace: string, name: string): Promise<Lease | undefined> {
  return api.find<Lease>({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace, name });
}

async function appValue(api: KubeApi, namespace: string): Promise<string | undefined> {
  return (await api.find<KubeObject & { data?: Record<string, string> }>({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name: 'app' }))?.data?.value;
}

/** What a controller's log says it did: reconciles that fetched or applied. */
const RECONCILED = /"msg":"(new revision|applied)"/;

test('leader election: only the leader reconciles; a stopped leader hands over at once, a killed one within the lease duration', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'leader');
  const git = await gitFixture(t);
  const sha1 = await git.work.commit('v1', { 'apps/cm.yaml': configMap(ns, '1') });

  const election = (identity: string, name = 'governor-test'): LeaderElectionOptions => ({
    namespace: ns,
    name,
    identity,
    leaseDurationMs: LEASE_MS,
    renewDeadlineMs: 2000,
    retryPeriodMs: RETRY_MS,
  });
  const a = await startController(t, info, { namespaces: [ns], leaderElection: election('a') });
  const b = await startController(t, info, { namespaces: [ns], leaderElection: election('b') });
  const { api } = b;

  // Never two leaders at once, sampled throughout the in-process part.
  let overlaps = 0;
  const sampler = setInterval(() => {
    if (a.manager.isLeading() && b.manager.isLeading()) overlaps++;
  }, 20);
  t.after(() => clearInterval(sampler));

  await waitFor('a leader', async () => a.manager.isLeading() || b.manager.isLeading(), 15_000, 50);
  const [leader, follower, leaderId, followerId]: [TestController, TestController, string, string] = a.manager.isLeading() ? [a, b, 'a', 'b'] : [b, a, 'b', 'a'];
  assert.equal((await leaseOf(api, ns, 'governor-test'))?.spec?.holderIdentity, leaderId);

  await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1h', ref: { branch: 'main' } }));
  await api.apply(stack(ns, 'apps', { sourceRef: { name: 'platform' }, path: './apps', interval: '1h' }));
  await waitForStack(api, ns, 'apps', 'Ready', readyAt(sha1));
  assert.equal(await appValue(api, ns), '1');
  await waitFor('the leader logged its reconciles', async () => RECONCILED.test(await readFile(leader.logFile, 'utf8')), 10_000);
  assert.ok(!follower.manager.isLeading(), 'the follower never led');
  assert.doesNotMatch(await readFile(follower.logFile, 'utf8'), RECONCILED, 'the follower reconciled nothing');

  // Drift is corrected by the leader alone: one correction, logged by the leader only.
  await api.mergePatch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'app' }, { data: { value: 'by-hand' } });
  await waitFor('the leader to correct the drift', async () => (await appValue(api, ns)) === '1' && /"msg":"drift corrected"/.test(await readFile(leader.logFile, 'utf8')), 10_000, 50);
  assert.doesNotMatch(await readFile(follower.logFile, 'utf8'), /drift/, 'the follower neither saw nor corrected drift');

  // A leader that stops releases the lease: the follower takes over without waiting out its duration.
  const stoppedAt = Date.now();
  await leader.stop();
  await waitFor('the follower to take over', async () => follower.manager.isLeading(), LEASE_MS, 20);
  const handover = Date.now() - stoppedAt;
  t.diagnostic(`released lease taken over after ${handover} ms`);
  assert.ok(handover < LEASE_MS, `released lease taken over in ${handover} ms`);
  const lease = await leaseOf(api, ns, 'governor-test');
  assert.equal(lease?.spec?.holderIdentity, followerId);
  assert.equal(lease?.spec?.leaseTransitions, 1);
  const sha2 = await git.work.commit('v2', { 'apps/cm.yaml': configMap(ns, '2') });
  await fetchNow(api, ns, 'platform');
  await waitForStack(api, ns, 'apps', 'Ready at v2 through the new leader', readyAt(sha2));
  assert.equal(await appValue(api, ns), '2');
  await waitFor('the new leader logged its reconciles', async () => RECONCILED.test(await readFile(follower.logFile, 'utf8')), 10_000);
  await follower.stop();
  clearInterval(sampler);
  assert.equal(overlaps, 0, 'two replicas led at the same time');

  // A controller process leads; a candidate in this process waits; SIGKILL releases nothing.
  const proc = await startControllerProcess(t, info, {
    namespaces: [ns],
    args: ['--leader-elect', '--leader-election-namespace', ns, '--lease-duration', String(LEASE_MS)],
  });
  await waitFor('the process to lead', async () => (await leaseOf(api, ns, 'governor-controller'))?.spec?.holderIdentity !== undefined, 15_000, 50);
  const procId = (await leaseOf(api, ns, 'governor-controller'))!.spec!.holderIdentity!;
  const c = await startController(t, info, { namespaces: [ns], leaderElection: election('c', 'governor-controller') });
  const sha3 = await git.work.commit('v3', { 'apps/cm.yaml': configMap(ns, '3') });
  await fetchNow(api, ns, 'platform');
  await waitForStack(api, ns, 'apps', 'Ready at v3 through the process', readyAt(sha3));
  await waitFor('the process logged its reconciles', async () => RECONCILED.test(proc.log()), 10_000);
  assert.ok(!c.manager.isLeading(), 'the candidate waits while the process leads');
  assert.doesNotMatch(await readFile(c.logFile, 'utf8'), RECONCILED, 'the candidate reconciled nothing');
  assert.equal((await leaseOf(api, ns, 'governor-controller'))?.spec?.holderIdentity, procId);

  await proc.kill();
  const killedAt = Date.now();
  assert.equal((await leaseOf(api, ns, 'governor-controller'))?.spec?.holderIdentity, procId, 'a killed process releases nothing');
  const sha4 = await git.work.commit('v4', { 'apps/cm.yaml': configMap(ns, '4') });
  await fetchNow(api, ns, 'platform');
  await waitFor('the candidate to take over', async () => c.manager.isLeading(), LEASE_MS + 3000, 20);
  const takeover = Date.now() - killedAt;
  t.diagnostic(`lease of the killed process taken over after ${takeover} ms`);
  // The lease runs out LEASE_MS after the last renewal (at most one retry period before the kill);
  // the candidate notices within one of its own (jittered) retry periods.
  assert.ok(takeover <= LEASE_MS + RETRY_MS * 2.2 + 1000, `taken over ${takeover} ms after the kill`);
  assert.ok(takeover >= LEASE_MS - RETRY_MS * 2, `taken over ${takeover} ms after the kill: before the lease ran out`);
  assert.equal((await leaseOf(api, ns, 'governor-controller'))?.spec?.holderIdentity, 'c');
  await waitForStack(api, ns, 'apps', 'Ready at v4 through the candidate', readyAt(sha4));
  assert.equal(await appValue(api, ns), '4');
});

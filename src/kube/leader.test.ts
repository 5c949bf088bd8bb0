import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { testCluster, testKubeApi, testNamespace } from '../../test/support/cluster.ts';
import { KubeClient } from './client.ts';
import { LeaderElector, microTime, type Lease, type LeaderElectorOptions } from './leader.ts';

// Short durations keep the tests quick; the ratios are those of the defaults.
const TIMING = { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 500 };

async function waitFor(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<number> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - start;
}

interface Candidate {
  elector: LeaderElector;
  identity: string;
  started: number;
  stopped: number;
  signals: AbortSignal[];
  leaders: string[];
  errors: unknown[];
}

function candidate(t: TestContext, client: KubeClient, namespace: string, identity: string, extra: Partial<LeaderElectorOptions> = {}): Candidate {
  const c: Candidate = { identity, started: 0, stopped: 0, signals: [], leaders: [], errors: [] } as Omit<Candidate, 'elector'> as Candidate;
  c.elector = new LeaderElector({
    client,
    namespace,
    name: 'governor-leader',
    identity,
    ...TIMING,
    onStartedLeading: (signal) => {
      c.started++;
      c.signals.push(signal);
    },
    onStoppedLeading: () => void c.stopped++,
    onNewLeader: (id) => void c.leaders.push(id),
    onError: (err) => void c.errors.push(err),
    ...extra,
  });
  t.after(() => c.elector.stop({ release: false }));
  return c;
}

const leaseOf = (api: Awaited<ReturnType<typeof testKubeApi>>, namespace: string) =>
  api.get<Lease>({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace, name: 'governor-leader' });

test('lease times carry the six fractional digits the API server requires', () => {
  assert.equal(microTime(Date.UTC(2025, 0, 2, 3, 4, 5, 678)), '2025-01-02T03:04:05.678000Z');
});

test('durations that could let two replicas lead are refused', () => {
  const base = { client: {} as KubeClient, namespace: 'n', name: 'l', identity: 'a', onStartedLeading: () => {}, onStoppedLeading: () => {} };
  assert.throws(() => new LeaderElector({ ...base, leaseDurationMs: 2000, renewDeadlineMs: 2000 }), /leaseDurationMs/);
  assert.throws(() => new LeaderElector({ ...base, leaseDurationMs: 3000, renewDeadlineMs: 1000, retryPeriodMs: 1000 }), /renewDeadlineMs/);
});

test('of two electors only one leads; released, the lease passes to the other within about a retry period', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'leader');
  const api = await testKubeApi(t, info);
  const a = candidate(t, api.client, ns, 'replica-a');
  const b = candidate(t, api.client, ns, 'replica-b');
  a.elector.start();
  b.elector.start();
  await waitFor('a leader', () => a.elector.isLeader() || b.elector.isLeader());
  // Watch for a while: never two leaders, never a change of leader.
  const first = a.elector.isLeader() ? a : b;
  const second = first === a ? b : a;
  for (let end = Date.now() + 2000; Date.now() < end; ) {
    assert.equal(first.elector.isLeader() && !second.elector.isLeader(), true, 'exactly one leader, and the same one');
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(first.started, 1);
  assert.equal(second.started, 0);
  let lease = await leaseOf(api, ns);
  assert.equal(lease.spec?.holderIdentity, first.identity);
  assert.equal(lease.spec?.leaseDurationSeconds, 3);
  assert.equal(lease.spec?.leaseTransitions, 0);
  assert.deepEqual(second.leaders, [first.identity]);
  assert.equal(second.elector.leader(), first.identity);

  const stoppedAt = Date.now();
  await first.elector.stop();
  assert.equal(first.elector.isLeader(), false);
  assert.equal(first.stopped, 1);
  assert.equal(first.signals[0]?.aborted, true, 'the leader’s work is told to stop');
  await waitFor('the successor', () => second.elector.isLeader(), 5000);
  const handover = Date.now() - stoppedAt;
  assert.ok(handover < 2000, `handed over in ${handover} ms, well within the 3000 ms lease`);
  lease = await leaseOf(api, ns);
  assert.equal(lease.spec?.holderIdentity, second.identity);
  assert.equal(lease.spec?.leaseTransitions, 1);
  assert.deepEqual(first.errors, []);
  assert.deepEqual(second.errors, []);
});

test('a leader that just stops renewing (a crash) is replaced once the lease duration has passed', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'leader');
  const api = await testKubeApi(t, info);
  const a = candidate(t, api.client, ns, 'replica-a');
  a.elector.start();
  await waitFor('a to lead', () => a.elector.isLeader());
  const b = candidate(t, api.client, ns, 'replica-b');
  b.elector.start();
  await waitFor('b to see a lead', () => b.leaders.includes('replica-a'));
  await new Promise((r) => setTimeout(r, 1000));

  const crashedAt = Date.now();
  await a.elector.stop({ release: false });
  assert.equal((await leaseOf(api, ns)).spec?.holderIdentity, 'replica-a', 'the lease still names the crashed leader');
  const takeover = await waitFor('b to take over', () => b.elector.isLeader(), 10_000);
  // a last renewed at most one retry period before it stopped; b takes over a lease duration after it last saw a change.
  assert.ok(takeover >= TIMING.leaseDurationMs - TIMING.retryPeriodMs - 100, `not before the lease expired (${takeover} ms)`);
  assert.ok(takeover <= TIMING.leaseDurationMs + 2.2 * TIMING.retryPeriodMs + 1500, `soon after it expired (${takeover} ms)`);
  const lease = await leaseOf(api, ns);
  assert.equal(lease.spec?.holderIdentity, 'replica-b');
  assert.equal(lease.spec?.leaseTransitions, 1);
  assert.ok(Date.now() - crashedAt >= takeover);
});

test('a leader whose lease is taken by another holder steps down at once, and campaigns again', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'leader');
  const api = await testKubeApi(t, info);
  const a = candidate(t, api.client, ns, 'replica-a');
  a.elector.start();
  await waitFor('a to lead', () => a.elector.isLeader());

  const lease = await leaseOf(api, ns);
  await api.client.request('PUT', `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases/governor-leader`, {
    body: { ...lease, spec: { ...lease.spec, holderIdentity: 'intruder', renewTime: microTime(Date.now()) } },
  });
  const lost = await waitFor('a to step down', () => !a.elector.isLeader(), 5000);
  assert.ok(lost < 1500, `stepped down after ${lost} ms`);
  assert.equal(a.stopped, 1);
  assert.equal(a.signals[0]?.aborted, true);
  assert.ok(a.leaders.includes('intruder'));
  // The intruder never renews, so a takes the lease back after it expires.
  await waitFor('a to lead again', () => a.elector.isLeader(), 10_000);
  assert.equal(a.started, 2);
  assert.equal(a.signals[1]?.aborted, false);
});

test('a leader that cannot renew gives up when the renew deadline passes, before the lease could expire', async (t) => {
  let writes = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      const send = (status: number, obj: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(obj));
      };
      if (req.method === 'GET') return send(404, { kind: 'Status', code: 404, reason: 'NotFound' });
      if (req.method === 'POST' && writes++ === 0) return send(201, { ...JSON.parse(body), metadata: { ...JSON.parse(body).metadata, resourceVersion: '1' } });
      send(500, { kind: 'Status', code: 500, message: 'etcd unavailable' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const client = new KubeClient({
    server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tls: {},
    authHeaders: async () => ({}),
    namespace: 'default',
    contextName: 'fake',
  });
  t.after(async () => {
    client.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  const a = candidate(t, client, 'default', 'replica-a');
  a.elector.start();
  await waitFor('a to lead', () => a.elector.isLeader());
  const ledAt = Date.now();
  const held = await waitFor('a to give up', () => !a.elector.isLeader(), 5000);
  assert.ok(held >= TIMING.renewDeadlineMs - 200 && held < TIMING.leaseDurationMs, `led for ${Date.now() - ledAt} ms`);
  assert.equal(a.stopped, 1);
  assert.equal(a.signals[0]?.aborted, true);
  assert.ok(a.errors.some((e) => /etcd unavailable/.test(String(e))));
  assert.ok(a.errors.some((e) => /not renewed within 2000 ms/.test(String(e))));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testCluster, testNamespace, testKubeApi } from '../support/cluster.ts';
import { startControllerProcess } from '../support/controller-process.ts';
import { READ, dashboardRules, makeUser } from '../dashboard/support.ts';

test('governor controller serves probes, metrics, the webhooks and the dashboard on the addresses it is given', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'servers');
  const proc = await startControllerProcess(t, info, {
    namespaces: [ns],
    args: ['--metrics-addr', '127.0.0.1:0', '--dashboard-addr', '127.0.0.1:0'],
  });
  const started = proc
    .log()
    .split('\n')
    .filter((l) => l.includes('"controller started"'))
    .map((l) => JSON.parse(l) as { ports: Record<string, number> })[0]!;
  const { health, metrics, webhook, dashboard } = started.ports;
  assert.ok(health && metrics && webhook && dashboard, JSON.stringify(started));
  const at = (port: number, path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${port}${path}`, init);

  assert.equal((await at(health, '/healthz')).status, 200);
  assert.equal((await at(health, '/readyz')).status, 200);
  assert.match(await (await at(metrics, '/metrics')).text(), /^governor_workqueue_depth \d+$/m);
  assert.equal((await at(webhook, `/hook/${'0'.repeat(64)}`, { method: 'POST', body: '{}' })).status, 404);

  assert.equal((await at(dashboard, '/api/overview')).status, 401, 'nobody anonymous sees anything');
  const api = await testKubeApi(t, info);
  const user = await makeUser(t, api, ns, 'viewer', dashboardRules(READ), { namespaces: [ns] });
  const signin = await at(dashboard, '/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: user.token }) });
  assert.equal(signin.status, 200);
  const cookie = signin.headers.get('set-cookie')!.split(';')[0]!;
  const overview = await at(dashboard, '/api/overview', { headers: { cookie } });
  assert.equal(overview.status, 200);
  assert.equal((await at(dashboard, '/', { headers: { cookie } })).headers.get('content-type')?.split(';')[0], 'text/html');
});

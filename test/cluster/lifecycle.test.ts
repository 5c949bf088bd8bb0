import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalCluster } from './cluster.ts';
import { pidAlive } from './process.ts';
import { pinnedVersions } from './bins.ts';

// A cluster of its own: stopping the API server would disturb every other test on the shared one.
test('the control plane reports its pinned version, survives an API server restart, and leaves no process behind', async (t) => {
  const cluster = await new LocalCluster({ nodes: 1 }).start();
  t.after(() => cluster.stop());
  const pids = Object.values(cluster.pids());
  assert.equal(pids.length, 5, `all five components run: ${JSON.stringify(cluster.pids())}`);

  const version = await cluster.api<{ gitVersion: string }>('GET', '/version');
  assert.equal(version.body.gitVersion, (await pinnedVersions()).K8S_VERSION);

  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'survivor' }, data: { answer: '42' } };
  assert.equal((await cluster.api('POST', '/api/v1/namespaces/default/configmaps', cm)).status, 201);

  const oldPid = cluster.pids()['kube-apiserver']!;
  await cluster.stopComponent('kube-apiserver');
  assert.equal(pidAlive(oldPid), false, 'the stopped API server is gone');
  await assert.rejects(cluster.api('GET', '/readyz'), /ECONNREFUSED/);

  await cluster.startComponent('kube-apiserver');
  assert.notEqual(cluster.pids()['kube-apiserver'], oldPid);
  const back = await cluster.api<{ data: Record<string, string> }>('GET', '/api/v1/namespaces/default/configmaps/survivor');
  assert.equal(back.status, 200);
  assert.deepEqual(back.body.data, { answer: '42' });

  const all = Object.values(cluster.pids());
  await cluster.stop();
  for (const pid of all) assert.equal(pidAlive(pid), false, `process ${pid} is gone after stop()`);
});

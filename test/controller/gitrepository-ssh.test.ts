import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { testCluster, testNamespace } from '../support/cluster.ts';
import { eventsFor, getRepo, gitFixture, gitRepository, readyAt, readyCondition, stack, startController, waitForStack } from '../support/controller.ts';
import { waitFor } from '../cluster/http.ts';
import { GitSshServer } from '../git/ssh-server.ts';
import type { KubeObject } from '../../src/kube/types.ts';

test('a GitRepository over ssh with identity and known_hosts from a Secret becomes Ready and a Stack applies from it', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'git-ssh');
  // Pushed to over HTTP, served to the controller over SSH by a real sshd.
  const git = await gitFixture(t);
  const ssh = await new GitSshServer({ root: git.server.root }).start();
  t.after(() => ssh.stop());
  const sha = await git.work.commit('over ssh', {
    'apps/cm.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-ssh\n  namespace: ${ns}\ndata:\n  via: ssh\n`,
  });
  const url = ssh.url('platform');

  const ctrl = await startController(t, info, { namespaces: [ns] });
  const { api } = ctrl;
  await api.apply({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'git-ssh', namespace: ns },
    stringData: { identity: ssh.clientPrivateKey, known_hosts: ssh.knownHosts },
  } as KubeObject);
  await api.apply(gitRepository(ns, 'platform', { url, interval: '1h', ref: { branch: 'main' }, secretRef: { name: 'git-ssh' } }));
  await api.apply(stack(ns, 'app', { sourceRef: { name: 'platform' }, path: './apps', interval: '5m', timeout: '1m' }));

  const s = await waitForStack(api, ns, 'app', 'Ready', readyAt(sha));
  assert.equal(s.status?.lastAppliedRevision, `main@sha1:${sha}`);
  assert.deepEqual(s.status?.inventory?.entries.map((e) => e.id), [`${ns}_from-ssh__ConfigMap`]);

  const repo = await getRepo(api, ns, 'platform');
  assert.equal(readyCondition(repo)?.status, 'True');
  assert.equal(repo?.spec.url, url);
  assert.equal(repo?.status?.artifact?.revision, `main@sha1:${sha}`);
  assert.equal(repo?.status?.artifact?.commit.message, 'over ssh');
  const cm = await api.get<{ data: Record<string, string> } & KubeObject>({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'from-ssh' });
  assert.deepEqual(cm.data, { via: 'ssh' });
  assert.match(await ssh.log(), /Accepted publickey for root/, 'the controller really came in over ssh');

  // The private key is nowhere: not in status, events or the controller's log.
  await waitFor('the apply event', async () => (await eventsFor(api, ns, 'app')).some((e) => e.reason === 'ReconciliationSucceeded'), 10_000);
  const seen = [
    JSON.stringify(repo?.status),
    JSON.stringify(await eventsFor(api, ns, 'platform')),
    JSON.stringify(await eventsFor(api, ns, 'app')),
    await readFile(ctrl.logFile, 'utf8'),
  ].join('\n');
  for (const line of ssh.clientPrivateKey.split('\n').filter((l) => l !== '' && !l.startsWith('-----'))) {
    assert.ok(!seen.includes(line), 'the private key leaked into status, events or log');
  }
});

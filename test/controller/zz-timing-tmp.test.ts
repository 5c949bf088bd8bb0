import { test } from 'node:test';
import { testCluster, testNamespace } from '/work/main/test/support/cluster.ts';
import { gitFixture, gitRepository, readyAt, stack, startController, waitForStack } from '/work/main/test/support/controller.ts';
test('t', async (t) => {
  const t0 = Date.now(); const lap = (s: string) => console.log(s, Date.now() - t0);
  const info = await testCluster(t); lap('cluster');
  const ns = await testNamespace(t, info, 'x'); lap('ns');
  const git = await gitFixture(t); lap('git');
  const sha1 = await git.work.commit('c', { 'app/a.yaml': JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: ns } }) }); lap('commit');
  const { api } = await startController(t, info, { namespaces: [ns] }); lap('ctrl');
  await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1m', ref: { branch: 'main' } }));
  await api.apply(stack(ns, 'app', { sourceRef: { name: 'platform' }, path: './app', interval: '1h' })); lap('applied');
  await waitForStack(api, ns, 'app', 'Ready', readyAt(sha1)); lap('ready');
  t.after(() => lap('after'));
});
test('t2', async (t) => {
  const t0 = Date.now(); const lap = (s: string) => console.log(s, Date.now() - t0);
  const info = await testCluster(t); lap('cluster');
  const ns = await testNamespace(t, info, 'x'); lap('ns');
  const git = await gitFixture(t); lap('git');
  const sha1 = await git.work.commit('c', { 'app/a.yaml': JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: ns } }) }); lap('commit');
  const { api } = await startController(t, info, { namespaces: [ns] }); lap('ctrl');
  await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1m', ref: { branch: 'main' } }));
  await api.apply(stack(ns, 'app', { sourceRef: { name: 'platform' }, path: './app', interval: '1h' })); lap('applied');
  await waitForStack(api, ns, 'app', 'Ready', readyAt(sha1)); lap('ready');
  t.after(() => lap('after'));
});

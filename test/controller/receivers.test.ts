import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { API_VERSION, Annotations, type Receiver } from '../../src/api/index.ts';
import { startWebhooks } from '../../src/controller/assemble.ts';
import { ControllerMetrics } from '../../src/controller/metrics.ts';
import type { KubeObject } from '../../src/kube/types.ts';
import { createLogger } from '../../src/log.ts';
import { waitFor } from '../cluster/http.ts';
import { testCluster, testNamespace } from '../support/cluster.ts';
import { getRepo, gitFixture, gitRepository, readyAt, readyCondition, stack, startController, waitForStack } from '../support/controller.ts';
import { metricSample } from '../support/metrics.ts';

const TOKEN = 'receiver-token-of-the-test';

const configMap = (ns: string, level: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: ${ns}\ndata:\n  level: ${level}\n`;

function sign(body: string, key = TOKEN): string {
  return `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
}

test('receivers: a signed GitHub push applies the new commit at once; bad signatures, no signature and oversized bodies change nothing', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'receiver');
  const git = await gitFixture(t);
  const first = await git.work.commit('settings at info', { 'app/cm.yaml': configMap(ns, 'info') });
  const metrics = new ControllerMetrics();
  const { api, manager } = await startController(t, info, { namespaces: [ns], metrics });
  const webhooks = await startWebhooks({ address: '127.0.0.1:0', manager, api, log: createLogger({ level: 'silent' }), metrics, maxBodyBytes: 64 * 1024 });
  t.after(() => webhooks.close());
  const base = `http://127.0.0.1:${webhooks.port}`;

  // The interval is an hour: only the webhook can bring the second commit in time.
  await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1h' }));
  await api.apply(stack(ns, 'app', { sourceRef: { name: 'platform' }, path: './app', interval: '1h' }));
  await waitForStack(api, ns, 'app', 'Ready', readyAt(first));

  await api.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'webhook-token', namespace: ns }, stringData: { token: TOKEN } } as KubeObject);
  await api.apply({
    apiVersion: API_VERSION,
    kind: 'Receiver',
    metadata: { name: 'github', namespace: ns },
    spec: { type: 'github', events: ['push'], secretRef: { name: 'webhook-token' }, resources: [{ kind: 'GitRepository', name: 'platform' }] },
  } as KubeObject);
  let receiver: Receiver | undefined;
  await waitFor('the Receiver Ready with its path', async () => {
    receiver = await api.find<Receiver>({ apiVersion: API_VERSION, kind: 'Receiver', namespace: ns, name: 'github' });
    return readyCondition(receiver)?.status === 'True' && Boolean(receiver?.status?.webhookPath);
  }, 20_000);
  const path = receiver!.status!.webhookPath!;
  assert.match(path, /^\/hook\/[0-9a-f]{64}$/);
  assert.ok(!path.includes(TOKEN));

  const second = await git.work.commit('settings at debug', { 'app/cm.yaml': configMap(ns, 'debug') });
  const body = JSON.stringify({ ref: 'refs/heads/main', after: second, repository: { full_name: 'acme/platform' } });
  const requested = async () => (await getRepo(api, ns, 'platform'))?.metadata.annotations?.[Annotations.ReconcileRequestedAt];
  const post = (headers: Record<string, string>, payload: string | Buffer = body, to = path) =>
    fetch(`${base}${to}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload });

  const wrong = await post({ 'x-github-event': 'push', 'x-hub-signature-256': sign(body, 'not-the-token') });
  const missing = await post({ 'x-github-event': 'push' });
  assert.equal(wrong.status, 401);
  assert.equal(missing.status, 401);
  assert.equal(await wrong.text(), await missing.text(), 'a refusal does not say which part was wrong');
  const huge = Buffer.alloc(128 * 1024, 'x');
  const tooLarge = await post({ 'x-github-event': 'push', 'x-hub-signature-256': sign(huge.toString()) }, huge);
  assert.equal(tooLarge.status, 413);
  const unknown = await post({ 'x-github-event': 'push', 'x-hub-signature-256': sign(body) }, body, `/hook/${'0'.repeat(64)}`);
  assert.equal(unknown.status, 404);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(await requested(), undefined, 'nothing was triggered by a refused call');
  assert.equal((await waitForStack(api, ns, 'app', 'still at the first commit', readyAt(first))).status?.lastAppliedRevision, `main@sha1:${first}`);

  const pushedAt = Date.now();
  const ok = await post({ 'x-github-event': 'push', 'x-hub-signature-256': sign(body), 'x-github-delivery': 'abc' });
  assert.equal(ok.status, 202);
  await waitForStack(api, ns, 'app', 'Ready at the pushed commit', readyAt(second), 15_000);
  const seconds = (Date.now() - pushedAt) / 1000;
  t.diagnostic(`push to applied: ${seconds.toFixed(1)} s`);
  assert.ok(await requested(), 'the GitRepository was asked to reconcile');
  const cm = await api.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'settings' });
  assert.deepEqual(cm.data, { level: 'debug' });

  const text = await metrics.registry.metrics();
  assert.equal(metricSample(text, 'governor_receiver_requests_total', { type: 'github', result: 'accepted' }), 1);
  assert.equal(metricSample(text, 'governor_receiver_requests_total', { type: 'github', result: 'unauthorized' }), 2);
});

test('receivers: a GitLab receiver ignores events it was not asked for, and a rotated token retires the old path', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'receiver-gitlab');
  const { api, manager } = await startController(t, info, { namespaces: [ns] });
  const webhooks = await startWebhooks({ address: '127.0.0.1:0', manager, api, log: createLogger({ level: 'silent' }) });
  t.after(() => webhooks.close());
  const base = `http://127.0.0.1:${webhooks.port}`;
  const git = await gitFixture(t);
  await git.work.commit('empty', { 'app/README.md': 'nothing to apply\n' });
  await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1h' }));

  await api.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'gitlab-token', namespace: ns }, stringData: { token: 'first-token' } } as KubeObject);
  await api.apply({
    apiVersion: API_VERSION,
    kind: 'Receiver',
    metadata: { name: 'gitlab', namespace: ns },
    spec: { type: 'gitlab', events: ['push'], secretRef: { name: 'gitlab-token' }, resources: [{ kind: 'GitRepository', name: '*' }] },
  } as KubeObject);
  const pathOf = async () => (await api.find<Receiver>({ apiVersion: API_VERSION, kind: 'Receiver', namespace: ns, name: 'gitlab' }))?.status?.webhookPath;
  await waitFor('the Receiver path', async () => Boolean(await pathOf()), 20_000);
  const path = (await pathOf())!;
  const call = (token: string, event: string) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'x-gitlab-token': token, 'x-gitlab-event': event, 'content-type': 'application/json' }, body: '{}' });

  const tagPush = await call('first-token', 'Tag Push Hook');
  assert.ok(tagPush.status === 200 || tagPush.status === 202, `status ${tagPush.status}`);
  assert.equal((await getRepo(api, ns, 'platform'))?.metadata.annotations?.[Annotations.ReconcileRequestedAt], undefined, 'a tag push is not a push');
  assert.equal((await call('wrong-token', 'Push Hook')).status, 401);
  assert.equal((await call('first-token', 'Push Hook')).status, 202);
  await waitFor('the reconcile requested', async () => Boolean((await getRepo(api, ns, 'platform'))?.metadata.annotations?.[Annotations.ReconcileRequestedAt]), 5000);

  await api.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'gitlab-token', namespace: ns }, stringData: { token: 'second-token' } } as KubeObject);
  assert.equal((await call('first-token', 'Push Hook')).status, 404, 'the old path is gone as soon as the token changed');
});

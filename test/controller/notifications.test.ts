import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { API_VERSION, type Alert, type Provider } from '../../src/api/index.ts';
import { ControllerMetrics } from '../../src/controller/metrics.ts';
import type { KubeApi } from '../../src/kube/api.ts';
import type { KubeObject } from '../../src/kube/types.ts';
import { waitFor } from '../cluster/http.ts';
import { testCluster, testNamespace } from '../support/cluster.ts';
import { gitFixture, gitRepository, readyAt, readyCondition, stack, startController, waitForStack } from '../support/controller.ts';
import { httpRecorder, type RecordedRequest } from '../support/http-recorder.ts';
import { metricSample } from '../support/metrics.ts';

const configMap = (ns: string, level: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: ${ns}\ndata:\n  level: ${level}\n`;

function secret(ns: string, name: string, data: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns }, stringData: data } as KubeObject;
}

function provider(ns: string, name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: API_VERSION, kind: 'Provider', metadata: { name, namespace: ns }, spec } as KubeObject;
}

function alert(ns: string, name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: API_VERSION, kind: 'Alert', metadata: { name, namespace: ns }, spec } as KubeObject;
}

async function waitReady(api: KubeApi, ns: string, kind: 'Provider' | 'Alert', name: string): Promise<void> {
  await waitFor(`${kind} ${name} Ready`, async () => readyCondition(await api.find<Alert | Provider>({ apiVersion: API_VERSION, kind, namespace: ns, name }))?.status === 'True', 20_000);
}

const text = (r: RecordedRequest) => r.body.toString('utf8');

test('notifications: an applied commit is told to Slack and a signed webhook once, and posted as a GitHub commit status', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'notify');
  const git = await gitFixture(t, 'acme/platform');
  const sha = await git.work.commit('settings at info', { 'app/cm.yaml': configMap(ns, 'info') });
  const hooks = await httpRecorder(t, (req) => (req.path.startsWith('/api/v3') || req.path.startsWith('/repos') ? { status: 201, body: { id: 1 } } : 200));
  const metrics = new ControllerMetrics();
  const { api, notifier } = await startController(t, info, { namespaces: [ns], metrics });

  await api.apply(secret(ns, 'hmac', { token: 'a-shared-hmac-key' }));
  await api.apply(secret(ns, 'github', { token: 'ghp_not_a_real_token' }));
  await api.apply(provider(ns, 'slack', { type: 'slack', address: `${hooks.url}/slack/T000/B000/XXXX`, channel: 'deploys' }));
  await api.apply(provider(ns, 'webhook', { type: 'generic-hmac', address: `${hooks.url}/generic`, secretRef: { name: 'hmac' } }));
  await api.apply(provider(ns, 'github', { type: 'github', address: hooks.url, secretRef: { name: 'github' } }));
  for (const p of ['slack', 'webhook', 'github']) {
    await api.apply(alert(ns, p, { providerRef: { name: p }, eventSources: [{ kind: 'Stack', name: '*' }], summary: 'cluster: test' }));
  }
  for (const p of ['slack', 'webhook', 'github']) {
    await waitReady(api, ns, 'Provider', p);
    await waitReady(api, ns, 'Alert', p);
  }

  await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1h' }));
  await api.apply(stack(ns, 'app', { sourceRef: { name: 'platform' }, path: './app', interval: '1h' }));
  await waitForStack(api, ns, 'app', 'Ready', readyAt(sha));

  const slackTitle = (r: RecordedRequest) => (r.json() as { attachments: { title: string }[] }).attachments[0]!.title;
  await waitFor('Slack told of the applied revision', async () => hooks.on('/slack/').some((r) => slackTitle(r).endsWith(': Applied')), 15_000);
  const slack = hooks.on('/slack/').filter((r) => slackTitle(r).endsWith(': Applied'));
  assert.equal(slack.length, 1, 'one message for one applied commit');
  assert.equal(slack[0]!.method, 'POST');
  assert.equal(slack[0]!.headers['content-type']?.split(';')[0], 'application/json');
  const slackBody = slack[0]!.json() as { channel?: string };
  assert.equal(slackBody.channel, 'deploys');
  assert.ok(text(slack[0]!).includes(sha), 'the message names the commit');
  assert.ok(text(slack[0]!).includes(`app`), 'the message names the Stack');
  assert.ok(text(slack[0]!).includes('cluster: test'), 'the summary is included');

  await waitFor('the webhook told of the applied revision', async () => hooks.on('/generic').some((r) => text(r).includes('"Applied"')), 15_000);
  const generic = hooks.on('/generic').find((r) => text(r).includes('"Applied"'))!;
  const expected = `sha256=${createHmac('sha256', 'a-shared-hmac-key').update(generic.body).digest('hex')}`;
  assert.equal(generic.headers['x-signature'], expected, 'the body is signed with the Secret\'s key');
  const event = generic.json() as { involvedObject: { kind: string; name: string; namespace: string }; severity: string; reason: string; revision?: string };
  assert.deepEqual(
    { kind: event.involvedObject.kind, name: event.involvedObject.name, namespace: event.involvedObject.namespace, severity: event.severity, reason: event.reason },
    { kind: 'Stack', name: 'app', namespace: ns, severity: 'info', reason: 'Applied' },
  );
  assert.equal(event.revision, `main@sha1:${sha}`);

  await waitFor('a commit status posted', async () => hooks.on(`/repos/acme/platform/statuses/${sha}`).length > 0, 15_000);
  const status = hooks.on(`/repos/acme/platform/statuses/${sha}`)[0]!;
  assert.equal(status.headers.authorization, 'Bearer ghp_not_a_real_token');
  const statusBody = status.json() as { state: string; context: string };
  assert.equal(statusBody.state, 'success');
  assert.match(statusBody.context, /app/);

  // A second reconcile of the same revision changes nothing: no new message, no new status.
  // (Counted once everything the first reconcile said has been delivered: its last word is Ready.)
  await waitFor('Slack told of Ready', async () => hooks.on('/slack/').some((r) => slackTitle(r).endsWith(': ReconciliationSucceeded')), 15_000);
  await notifier.idle();
  const before = { slack: hooks.on('/slack/').length, statuses: hooks.on('/repos/').length };
  await api.mergePatch({ apiVersion: API_VERSION, kind: 'Stack', namespace: ns, name: 'app' }, { metadata: { annotations: { 'governor.dev/reconcile-requested-at': 'again' } } });
  await waitForStack(api, ns, 'app', 'handled the request', (s) => s.status?.lastHandledReconcileAt === 'again');
  await new Promise((r) => setTimeout(r, 1000));
  await notifier.idle();
  assert.equal(hooks.on('/slack/').length, before.slack);
  assert.equal(hooks.on('/repos/').length, before.statuses, 'an unchanged commit status is not posted again');
  assert.ok((metricSample(await metrics.registry.metrics(), 'governor_notification_deliveries_total', { provider_type: 'slack', result: 'sent' }) ?? 0) >= 1);
  for (const r of hooks.requests) assert.ok(!text(r).includes('a-shared-hmac-key') && !text(r).includes('ghp_not_a_real_token'), 'no secret in any body');
});

test('notifications: the same drift twice within the window is sent once; a 500 is retried; a failed health check is an error naming the object', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'notify-faults');
  const git = await gitFixture(t);
  const sha = await git.work.commit('settings', { 'app/cm.yaml': configMap(ns, 'info') });
  let failuresLeft = 1;
  const hooks = await httpRecorder(t, (req) => {
    if (req.path.startsWith('/flaky') && failuresLeft > 0) {
      failuresLeft--;
      return 500;
    }
    return 200;
  });
  const metrics = new ControllerMetrics();
  const { api } = await startController(t, info, { namespaces: [ns], metrics });
  await api.apply(provider(ns, 'chat', { type: 'generic', address: `${hooks.url}/chat` }));
  await api.apply(provider(ns, 'flaky', { type: 'discord', address: `${hooks.url}/flaky` }));
  await api.apply(provider(ns, 'errors', { type: 'msteams', address: `${hooks.url}/errors` }));
  await api.apply(alert(ns, 'chat', { providerRef: { name: 'chat' }, eventSources: [{ kind: '*', name: '*' }], inclusionList: ['changed'] }));
  await api.apply(alert(ns, 'flaky', { providerRef: { name: 'flaky' }, eventSources: [{ kind: 'Stack', name: 'app' }], eventSeverity: 'info', exclusionList: ['changed'] }));
  await api.apply(alert(ns, 'errors', { providerRef: { name: 'errors' }, eventSources: [{ kind: 'Stack', name: '*' }], eventSeverity: 'error' }));
  for (const p of ['chat', 'flaky', 'errors']) await waitReady(api, ns, 'Alert', p);

  await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1h' }));
  await api.apply(stack(ns, 'app', { sourceRef: { name: 'platform' }, path: './app', interval: '1h' }));
  await waitForStack(api, ns, 'app', 'Ready', readyAt(sha));

  // Discord answered 500 once: the one message is delivered on the retry.
  await waitFor('the flaky provider delivered after a retry', async () => hooks.on('/flaky').length >= 2, 15_000);
  assert.equal(hooks.on('/flaky')[0]!.body.toString(), hooks.on('/flaky')[1]!.body.toString(), 'the retry sends the same message');
  assert.ok((metricSample(await metrics.registry.metrics(), 'governor_notification_deliveries_total', { provider_type: 'discord', result: 'sent' }) ?? 0) >= 1);

  const cm = { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'settings' };
  const driftMessages = () => hooks.on('/chat').filter((r) => (r.json() as { reason: string }).reason === 'DriftDetected');
  for (let i = 1; i <= 2; i++) {
    await api.mergePatch(cm, { data: { level: 'debug' } });
    await waitFor(`drift ${i} corrected`, async () => {
      const text = await metrics.registry.metrics();
      return metricSample(text, 'governor_drift_corrected_total', { namespace: ns, name: 'app' }) === i;
    }, 15_000);
  }
  await waitFor('the drift told', async () => driftMessages().length >= 1, 10_000);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(driftMessages().length, 1, 'the same drift within the window is sent once');
  const drift = driftMessages()[0]!.json() as { message: string; severity: string };
  assert.match(drift.message, new RegExp(`ConfigMap/${ns}/settings changed: data.level`));
  assert.equal(drift.severity, 'error');
  assert.ok((metricSample(await metrics.registry.metrics(), 'governor_notification_deliveries_total', { provider_type: 'generic', result: 'suppressed' }) ?? 0) >= 1);
  assert.ok(!hooks.on('/flaky').some((r) => r.body.toString().includes('changed')), 'the exclusion list keeps drift out of the flaky provider');

  const unhealthy = `apiVersion: apps/v1
kind: Deployment
metadata: {name: stuck, namespace: ${ns}}
spec:
  replicas: 1
  selector: {matchLabels: {app: stuck}}
  template:
    metadata: {labels: {app: stuck}}
    spec:
      nodeSelector: {governor.dev/test-no-such-node: "true"}
      containers: [{name: app, image: nginx:1.27}]
`;
  await git.work.commit('an unschedulable deployment', { 'app/deploy.yaml': unhealthy });
  await api.mergePatch(
    { apiVersion: API_VERSION, kind: 'Stack', namespace: ns, name: 'app' },
    { spec: { wait: true, timeout: '3s' } },
  );
  await api.mergePatch({ apiVersion: API_VERSION, kind: 'GitRepository', namespace: ns, name: 'platform' }, { metadata: { annotations: { 'governor.dev/reconcile-requested-at': 'now' } } });
  await waitFor('an error alert naming the Deployment', async () => hooks.on('/errors').some((r) => r.body.toString().includes(`Deployment/${ns}/stuck`)), 30_000);
  const card = hooks.on('/errors').find((r) => r.body.toString().includes(`Deployment/${ns}/stuck`))!;
  assert.match(card.body.toString(), /HealthCheck(Timeout|Failed)/);
  assert.ok(
    hooks.on('/errors').every((r) => !r.body.toString().includes('"Applied"') && !/ReconciliationSucceeded/.test(r.body.toString())),
    'an error-only alert sends no info events',
  );
});

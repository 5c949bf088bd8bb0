import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ControllerMetrics } from '../../src/controller/metrics.ts';
import { waitFor } from '../cluster/http.ts';
import { testCluster, testNamespace } from '../support/cluster.ts';
import { gitFixture, gitRepository, readyAt, stack, startController, waitForStack } from '../support/controller.ts';

/** One sample's value from the Prometheus text format, or undefined when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{')) continue;
    const body = line.slice(name.length + 1, line.lastIndexOf('}'));
    if (Object.entries(labels).every(([k, v]) => body.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

test('metrics carry reconcile results, Ready per object, and drift detected and corrected per Stack', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'metrics');
  const git = await gitFixture(t);
  const sha = await git.work.commit('one config', {
    'app/cm.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: ${ns}\ndata:\n  level: info\n`,
  });
  const metrics = new ControllerMetrics();
  const { api } = await startController(t, info, { namespaces: [ns], metrics });
  await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1m' }));
  await api.apply(stack(ns, 'app', { sourceRef: { name: 'platform' }, path: './app', interval: '1h' }));
  await waitForStack(api, ns, 'app', 'Ready', readyAt(sha));

  await waitFor('the Ready gauge', async () => sample(await metrics.registry.metrics(), 'governor_ready', { kind: 'Stack', namespace: ns, name: 'app' }) === 1, 10_000);
  const text = await metrics.registry.metrics();
  assert.ok((sample(text, 'governor_reconcile_total', { kind: 'Stack', result: 'success' }) ?? 0) >= 1, text);
  assert.ok((sample(text, 'governor_reconcile_total', { kind: 'GitRepository', result: 'success' }) ?? 0) >= 1);
  assert.equal(sample(text, 'governor_ready', { kind: 'GitRepository', namespace: ns, name: 'platform' }), 1);
  assert.match(text, /governor_reconcile_duration_seconds_bucket\{le="[^"]+",kind="Stack"\}/);

  await api.mergePatch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'settings' }, { data: { level: 'debug' } });
  await waitFor(
    'drift counted as detected and corrected',
    async () => {
      const now = await metrics.registry.metrics();
      return sample(now, 'governor_drift_detected_total', { namespace: ns, name: 'app' }) === 1 && sample(now, 'governor_drift_corrected_total', { namespace: ns, name: 'app' }) === 1;
    },
    10_000,
  );
});

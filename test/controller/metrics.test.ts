import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API_VERSION, Annotations } from '../../src/api/index.ts';
import { ControllerMetrics } from '../../src/controller/metrics.ts';
import { startProbeServer } from '../../src/server/probes.ts';
import { metricSample as sample } from '../support/metrics.ts';
import { waitFor } from '../cluster/http.ts';
import { testCluster, testNamespace } from '../support/cluster.ts';
import { gitFixture, gitRepository, readyAt, stack, startController, waitForStack } from '../support/controller.ts';

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

  const server = await startProbeServer({ address: '127.0.0.1:0', ready: () => true, registry: metrics.registry });
  t.after(() => server.close());
  const scrape = async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    return res.text();
  };
  await waitFor('the Ready gauge', async () => sample(await scrape(), 'governor_ready', { kind: 'Stack', namespace: ns, name: 'app' }) === 1, 10_000);
  const text = await scrape();
  assert.equal(sample(text, 'governor_objects_applied_total', { namespace: ns, name: 'app', action: 'created' }), 1, 'one ConfigMap created');
  assert.ok((sample(text, 'governor_git_fetch_duration_seconds_count', { namespace: ns, name: 'platform' }) ?? 0) >= 1);
  assert.ok((sample(text, 'governor_workqueue_work_duration_seconds_count', { kind: 'Stack' }) ?? 0) >= 1);
  assert.match(text, /^governor_workqueue_depth \d+$/m);
  assert.match(text, /^governor_process_resident_memory_bytes \d+/m);
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

  // A commit that drops the ConfigMap: pruned, counted.
  const sha2 = await git.work.commit('no config', { 'app/cm.yaml': null, 'app/other.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n  namespace: ${ns}\n` });
  await api.mergePatch({ apiVersion: API_VERSION, kind: 'GitRepository', namespace: ns, name: 'platform' }, { metadata: { annotations: { [Annotations.ReconcileRequestedAt]: 'now' } } });
  await waitForStack(api, ns, 'app', 'Ready at the second commit', readyAt(sha2));
  await waitFor('the prune counted', async () => sample(await scrape(), 'governor_objects_pruned_total', { namespace: ns, name: 'app' }) === 1, 10_000);

  // A source that cannot be fetched: counted with its error code.
  await api.apply(gitRepository(ns, 'missing', { url: git.url.replace('.git', '-missing.git'), interval: '1h' }));
  await waitFor('the fetch error counted', async () => (sample(await scrape(), 'governor_git_fetch_errors_total', { namespace: ns, name: 'missing' }) ?? 0) >= 1, 20_000);
});

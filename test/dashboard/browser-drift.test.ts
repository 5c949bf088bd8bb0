/**
 * In a real browser: a Stack's page with its dependency graph and live object graph, and a
 * `kubectl edit`-style change to an object the Stack applied showing up there as drift, with the
 * diff of the changed field (Git's value against the live one), without a reload.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testCluster, testNamespace } from '../support/cluster.ts';
import { gitFixture, gitRepository, readyAt, stack, startController, waitForStack } from '../support/controller.ts';
import { browserPerFile, markPage, screenshot, signInWithToken, startWebDashboard, stillSamePage, waitForAttribute, waitForCount, waitForText } from '../support/browser.ts';
import { dashboardRules, makeUser, READ, webAndDbManifests } from './support.ts';

const browser = browserPerFile();

const manifests = (ns: string) => webAndDbManifests(ns, { mode: 'blue', replicas: '2' });

test('browser: the Stack page shows its graphs, and an edit of an applied ConfigMap as drift with its diff', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'br-drift');
  const git = await gitFixture(t);
  const sha = await git.work.commit('web and db', manifests(ns));
  const { api } = await startController(t, info, { namespaces: [ns] });
  await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1h', ref: { branch: 'main' } }));
  await api.apply(stack(ns, 'db', { sourceRef: { name: 'platform' }, path: './apps/db', interval: '1h' }));
  await api.apply(stack(ns, 'web', { sourceRef: { name: 'platform' }, path: './apps/web', interval: '1h', dependsOn: [{ name: 'db' }] }));
  const dash = await startWebDashboard(t, info);
  const user = await makeUser(t, api, ns, 'operator', dashboardRules([...READ, 'patch']), { namespaces: [ns] });
  await waitForStack(api, ns, 'web', 'Ready', readyAt(sha), 120_000);

  const page = await browser.open(t);
  await signInWithToken(page, dash.url, user.token, `/stacks/${ns}/web`);
  const stackPage = page.getByTestId('stack-page');
  await waitForAttribute(stackPage, 'data-key', `${ns}/web`);

  await t.test('the header: state, source, applied revision and commit', async () => {
    await waitForAttribute(page.getByTestId('stack-state'), 'data-state', 'ready');
    await waitForText(page.getByTestId('stack-title'), 'web');
    await waitForText(page.getByTestId('stack-source'), new RegExp(`${ns}/platform`));
    await waitForText(page.getByTestId('stack-commit'), new RegExp(`web and db.*${sha.slice(0, 12)}`));
    await waitForCount(page.getByTestId('condition-row'), (n) => n > 0, 'conditions');
    await waitForAttribute(page.locator('[data-testid="condition-row"][data-type="Ready"]'), 'data-status', 'True');
  });

  await t.test('the dependency graph: web → db, both Ready', async () => {
    const nodes = page.getByTestId('dependency-graph').getByTestId('dependency-node');
    await waitForCount(nodes, (n) => n === 2, 'two dependency nodes');
    await waitForAttribute(page.locator(`[data-testid="dependency-node"][data-key="${ns}/db"]`), 'data-state', 'ready');
  });

  await t.test('the object graph: the applied objects, and the ReplicaSet and Pods found through them', async () => {
    const graph = page.getByTestId('inventory-graph');
    await graph.getByTestId('graph-node').first().waitFor();
    for (const [kind, name] of [['ConfigMap', 'web-config'], ['Deployment', 'web'], ['Service', 'web']] as const) {
      await waitForAttribute(graph.locator(`[data-testid="graph-node"][data-kind="${kind}"]`).filter({ hasText: name }), 'data-health', 'Current');
    }
    // Pods come from the cluster's own controllers; the page polls and refetches on events.
    await waitForCount(graph.locator('[data-testid="graph-node"][data-kind="ReplicaSet"]'), (n) => n === 1, 'a ReplicaSet node', 60_000);
    await waitForCount(graph.locator('[data-testid="graph-node"][data-kind="Pod"]'), (n) => n === 2, 'two Pod nodes', 60_000);
    // Drawn with a size, not stacked at the origin: the layout worker answered.
    const boxes = await graph.getByTestId('graph-node').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => `${Math.round(r.x)},${Math.round(r.y)}`));
    assert.equal(new Set(boxes).size, boxes.length, `nodes overlap: ${boxes.join(' ')}`);
    await waitForText(page.getByTestId('drift-none'), /No drift/);
  });

  await t.test('an edit of web-config: the drift, the field, Git against live, without a reload', async () => {
    await markPage(page);
    await api.mergePatch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'web-config' }, { data: { mode: 'green' } });
    const item = page.locator('[data-testid="drift-item"]').filter({ hasText: 'web-config' });
    await item.waitFor({ timeout: 60_000 });
    assert.equal(await item.getAttribute('data-object'), `ConfigMap ${ns}/web-config`);
    await waitForText(item.getByTestId('drift-paths'), /data\.mode/);
    const diff = item.getByTestId('drift-diff');
    await waitForText(diff.locator('[data-kind="del"]'), (text) => /data\.mode: blue/.test(text));
    await waitForText(diff.locator('[data-kind="add"]'), (text) => /data\.mode: green/.test(text));
    const lines = await diff.locator('.diff-line').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-kind')} ${e.textContent?.trim()}`));
    assert.ok(lines.includes('del -data.mode: blue'), lines.join('\n'));
    assert.ok(lines.includes('add +data.mode: green'), lines.join('\n'));
    // The untouched key is not reported as changed.
    assert.ok(!lines.some((l) => /^(add|del) .*replicas/.test(l)), lines.join('\n'));
    await waitForCount(page.getByTestId('event-row').and(page.locator('[data-reason="DriftDetected"]')), (n) => n > 0, 'a DriftDetected event row');
    assert.ok(await stillSamePage(page), 'the page was reloaded');
    await screenshot(page, 'stack-drift');
  });
});

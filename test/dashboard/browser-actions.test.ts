/**
 * In a real browser: the Stack page's Suspend and Resume buttons write spec.suspend as the
 * signed-in user, the page shows the new state when the stream brings it, and the real controller
 * brings the Stack back to Ready after Resume; Reconcile waits for the controller's answer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API_VERSION, Annotations, type Stack } from '../../src/api/index.ts';
import { testCluster, testNamespace } from '../support/cluster.ts';
import { getStack, gitFixture, gitRepository, readyAt, stack, startController, waitForStack } from '../support/controller.ts';
import { browserPerFile, screenshot, signInWithToken, startWebDashboard, waitForAttribute, waitForText } from '../support/browser.ts';
import { dashboardRules, eventually, makeUser, READ } from './support.ts';

const browser = browserPerFile();

test('browser: Suspend, Resume and Reconcile through the Stack page buttons', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'br-actions');
  const git = await gitFixture(t);
  const sha = await git.work.commit('web', {
    'apps/web/config.yaml': JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', namespace: ns }, data: { mode: 'blue' } }),
  });
  const { api } = await startController(t, info, { namespaces: [ns] });
  await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1h', ref: { branch: 'main' } }));
  await api.apply(stack(ns, 'web', { sourceRef: { name: 'platform' }, path: './apps/web', interval: '1h' }));
  const dash = await startWebDashboard(t, info);
  const operator = await makeUser(t, api, ns, 'operator', dashboardRules([...READ, 'patch']), { namespaces: [ns] });
  await waitForStack(api, ns, 'web', 'Ready', readyAt(sha), 60_000);

  const page = await browser.open(t);
  await signInWithToken(page, dash.url, operator.token, `/stacks/${ns}/web`);
  const state = page.getByTestId('stack-state');
  const status = page.getByTestId('action-status');
  await waitForAttribute(state, 'data-state', 'ready');
  await waitForAttribute(page.getByTestId('live-status'), 'data-status', 'live');
  const suspended = async () => (await getStack(api, ns, 'web'))?.spec.suspend === true;

  await t.test('Suspend: spec.suspend becomes true, the page says Suspended and offers Resume', async () => {
    assert.equal(await page.getByTestId('action-resume').count(), 0);
    await page.getByTestId('action-suspend').click();
    await waitForAttribute(status, 'data-phase', 'done');
    await waitForText(status, /Suspended/);
    await eventually('spec.suspend true in the cluster', suspended);
    await waitForAttribute(state, 'data-state', 'suspended');
    await page.getByTestId('action-resume').waitFor();
    assert.equal(await page.getByTestId('action-suspend').count(), 0);
    await page.getByTestId('graph-node').first().waitFor();
    await screenshot(page, 'stack-suspended');
  });

  await t.test('the Stacks table shows it suspended too, and Back returns to the Stack', async () => {
    await page.getByTestId('nav-stacks').click();
    await waitForAttribute(page.locator(`[data-testid="stack-row"][data-key="${ns}/web"]`), 'data-state', 'suspended');
    await page.goBack();
    await waitForAttribute(state, 'data-state', 'suspended');
    await page.getByTestId('action-resume').waitFor();
  });

  await t.test('Resume: spec.suspend becomes false, the controller reconciles, the page shows Ready', async () => {
    const before = (await getStack(api, ns, 'web'))!;
    await page.getByTestId('action-resume').click();
    await eventually('spec.suspend false in the cluster', async () => !(await suspended()));
    await waitForAttribute(status, 'data-phase', 'done', 60_000);
    await waitForText(status, /Resumed\. Ready/);
    await waitForAttribute(state, 'data-state', 'ready');
    await page.getByTestId('action-suspend').waitFor();
    assert.equal(await page.getByTestId('action-resume').count(), 0);
    // Resume also asks for a reconcile, which the controller handled.
    const after = await eventually('the resume request handled', async () => {
      const s = await api.find<Stack>({ apiVersion: API_VERSION, kind: 'Stack', namespace: ns, name: 'web' });
      const requested = s?.metadata.annotations?.[Annotations.ReconcileRequestedAt];
      return requested !== undefined && s?.status?.lastHandledReconcileAt === requested ? s : undefined;
    }, 60_000);
    assert.notEqual(after.metadata.annotations?.[Annotations.ReconcileRequestedAt], before.metadata.annotations?.[Annotations.ReconcileRequestedAt]);
  });

  await t.test('Reconcile: the request is written and the page waits for the controller to answer', async () => {
    const before = (await getStack(api, ns, 'web'))!.status?.lastHandledReconcileAt;
    await page.getByTestId('action-reconcile').click();
    const handled = await eventually('the reconcile request handled', async () => {
      const s = await getStack(api, ns, 'web');
      const requested = s?.metadata.annotations?.[Annotations.ReconcileRequestedAt];
      return requested !== undefined && requested !== before && s?.status?.lastHandledReconcileAt === requested ? requested : undefined;
    }, 60_000);
    assert.ok(handled);
    await waitForAttribute(status, 'data-phase', 'done', 60_000);
    await waitForText(status, /Reconciled\. Ready/);
    await waitForAttribute(state, 'data-state', 'ready');
  });
});

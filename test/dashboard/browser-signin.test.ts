/**
 * In a real browser: signing in with a bearer token, and the overview following the cluster live
 * (over the event stream, without a reload) while a real controller brings a commit from a real
 * Git server to Ready — and fails on a Stack whose path is not in the commit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testCluster, testNamespace } from '../support/cluster.ts';
import { gitFixture, gitRepository, readyAt, stack, startController, waitForStack } from '../support/controller.ts';
import { browserPerFile, markPage, screenshot, startWebDashboard, stillSamePage, waitForAttribute, waitForCount, waitForText } from '../support/browser.ts';
import { dashboardRules, makeUser, READ } from './support.ts';

const browser = browserPerFile();

const configMap = (ns: string, name: string, data: Record<string, string>) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data });

test('browser: sign in with a token; the overview turns Ready and shows the failing Stack live', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'br-signin');
  const git = await gitFixture(t);
  const { api } = await startController(t, info, { namespaces: [ns] });
  const dash = await startWebDashboard(t, info);
  const admin = await makeUser(t, api, ns, 'admin', dashboardRules([...READ, 'create', 'update', 'patch', 'delete']), { namespaces: [ns] });
  const page = await browser.open(t);

  await page.goto(dash.url);
  await page.getByTestId('signin-token').waitFor();
  await screenshot(page, 'sign-in');

  await t.test('a token the cluster does not accept is refused on the page', async () => {
    await page.getByTestId('signin-token').fill('not-a-token');
    await page.getByTestId('signin-submit').click();
    await waitForText(page.getByTestId('signin-error'), /did not accept/);
    assert.equal(await page.getByTestId('user-name').count(), 0);
  });

  await t.test('a real token lands on the overview, signed in as its ServiceAccount, the stream live', async () => {
    await page.getByTestId('signin-token').fill(admin.token);
    await page.getByTestId('signin-submit').click();
    await waitForText(page.getByTestId('user-name'), admin.username);
    assert.equal(new URL(page.url()).pathname, '/');
    await waitForText(page.getByTestId('overview-total-stacks'), '0');
    await waitForAttribute(page.getByTestId('live-status'), 'data-status', 'live');
    await waitForText(page.getByTestId('overview-failing'), /No Stack is failing/);
  });

  await t.test('a commit, a GitRepository and two Stacks: Ready and failed appear without a reload', async () => {
    // Lost if anything reloads the page: what changes below must come over the stream.
    await markPage(page);
    const sha = await git.work.commit('web config', { 'apps/web/config.yaml': configMap(ns, 'web-config', { mode: 'blue' }) });
    await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1h', ref: { branch: 'main' } }));
    await api.apply(stack(ns, 'web', { sourceRef: { name: 'platform' }, path: './apps/web', interval: '1h' }));
    await api.apply(stack(ns, 'broken', { sourceRef: { name: 'platform' }, path: './apps/missing', interval: '1h' }));

    await waitForText(page.getByTestId('overview-total-stacks'), '2');
    await waitForText(page.getByTestId('overview-count-stacks-ready'), '1', 60_000);
    await waitForText(page.getByTestId('overview-count-stacks-failed'), '1', 60_000);
    const failing = page.getByTestId('overview-failing').getByTestId('overview-stack');
    await waitForCount(failing, (n) => n === 1, 'one failing Stack');
    await waitForText(failing, new RegExp(`${ns}/broken`));
    await waitForText(page.getByTestId('overview-count-sources-ready'), '1');
    await waitForText(page.getByTestId('overview-events'), /ReconciliationSucceeded|Progressing|Applied/);
    assert.ok(await stillSamePage(page), 'the page was reloaded');
    // The controller agrees with what the page shows.
    await waitForStack(api, ns, 'web', 'Ready', readyAt(sha));
    await screenshot(page, 'overview');
  });

  await t.test('the Stacks table and the sources, reached through the navigation', async () => {
    await page.getByTestId('nav-stacks').click();
    const rows = page.getByTestId('stack-row');
    await waitForCount(rows, (n) => n === 2, 'two Stack rows');
    await waitForAttribute(page.locator(`[data-testid="stack-row"][data-key="${ns}/web"]`), 'data-state', 'ready');
    await waitForAttribute(page.locator(`[data-testid="stack-row"][data-key="${ns}/broken"]`), 'data-state', 'failed');
    await waitForAttribute(page.getByTestId('stacks-total'), 'data-total', '2');
    await screenshot(page, 'stacks');

    await page.getByTestId('stacks-search').fill('brok');
    await waitForCount(rows, (n) => n === 1, 'one row matching "brok"');
    assert.equal(await rows.first().getAttribute('data-key'), `${ns}/broken`);
    assert.match(new URL(page.url()).search, /q=brok/);

    await page.getByTestId('nav-sources').click();
    const source = page.locator(`[data-testid="source-row"][data-key="${ns}/platform"]`);
    await waitForAttribute(source, 'data-state', 'ready');
    await waitForText(source, /branch main/);
    await screenshot(page, 'sources');
  });

  await t.test('signing out returns to the sign-in page and the session is gone', async () => {
    await page.getByTestId('signout').click();
    await waitForText(page.getByTestId('signin-notice'), /Signed out/);
    const status = await page.evaluate(() => fetch('/api/overview').then((r) => r.status));
    assert.equal(status, 401);
  });
});

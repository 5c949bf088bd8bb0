/**
 * In a real browser: what a user may do follows their RBAC. A read-only user (get/list/watch)
 * sees the Stack but no action buttons, and the action API refuses them even with a valid
 * session and CSRF token; without a session the API answers 401 and the app shows the sign-in.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiError, Session } from '../../src/dashboard/model.ts';
import { testCluster, testKubeApi, testNamespace } from '../support/cluster.ts';
import { getStack } from '../support/controller.ts';
import { browserPerFile, startWebDashboard, signInWithToken, waitForAttribute, waitForText } from '../support/browser.ts';
import { bareSource, bareStack, dashboardRules, makeUser, READ, readyCondition, setStatus } from './support.ts';

const browser = browserPerFile();

test('browser: a read-only user gets no action buttons and the action API refuses them; no session, no API', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'br-rbac');
  const api = await testKubeApi(t, info);
  const dash = await startWebDashboard(t, info);
  // No controller: the dashboard only reads the Stack, whose status the test writes.
  await api.create(bareSource(ns, 'platform'));
  await api.create(bareStack(ns, 'web'));
  await setStatus(api, 'Stack', ns, 'web', {
    observedGeneration: 1,
    conditions: [readyCondition('True', 'ReconciliationSucceeded', 'Applied revision: main@sha1:0123456789abcdef0123456789abcdef01234567')],
    lastAppliedRevision: 'main@sha1:0123456789abcdef0123456789abcdef01234567',
  });
  const viewer = await makeUser(t, api, ns, 'viewer', dashboardRules(READ), { namespaces: [ns] });

  await t.test('the read-only user sees the Stack, and instead of buttons a note why not', async () => {
    const page = await browser.open(t);
    await signInWithToken(page, dash.url, viewer.token, `/stacks/${ns}/web`);
    await waitForAttribute(page.getByTestId('stack-state'), 'data-state', 'ready');
    await waitForText(page.getByTestId('actions-none'), /permissions do not allow/);
    assert.equal(await page.locator('[data-testid^="action-"]:not([data-testid="action-status"])').count(), 0);
    assert.equal(await page.locator('.stack-actions button').count(), 0);

    // The same session and its CSRF token, from the page itself: Kubernetes says no, not the CSRF check.
    const refused = await page.evaluate(async (path) => {
      const session = (await (await fetch('/api/session')).json()) as Session;
      const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken }, body: '{}' });
      return { status: res.status, body: (await res.json()) as ApiError };
    }, `/api/stacks/${ns}/web/suspend`);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'forbidden');
    assert.ok(refused.body.error.message.includes(`"${viewer.username}" cannot patch`), refused.body.error.message);
    assert.equal((await getStack(api, ns, 'web'))?.spec.suspend, false);

    // Without the CSRF token the request stops before it reaches the cluster.
    const noCsrf = await page.evaluate(async (path) => (await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status, `/api/stacks/${ns}/web/reconcile`);
    assert.equal(noCsrf, 403);
  });

  await t.test('without a session: /api/overview is 401 and the app shows the sign-in page', async () => {
    const page = await browser.open(t);
    const res = await page.request.get(new URL('/api/overview', dash.url).href);
    assert.equal(res.status(), 401);
    assert.equal(((await res.json()) as ApiError).error.code, 'unauthorized');
    await page.goto(new URL(`/stacks/${ns}/web`, dash.url).href);
    await page.getByTestId('signin-token').waitFor();
    assert.equal(await page.getByTestId('stack-page').count(), 0);
    assert.equal(await page.evaluate(() => fetch('/api/overview').then((r) => r.status)), 401);
  });
});

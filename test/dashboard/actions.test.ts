import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API_VERSION, Annotations, type GitRepository, type Stack } from '../../src/api/index.ts';
import type { ActionResult, ApiError, StackDetail } from '../../src/dashboard/model.ts';
import { testCluster, testKubeApi, testNamespace } from '../support/cluster.ts';
import { bareSource, bareStack, dashboardRules, eventually, makeUser, READ, signedIn, startTestDashboard } from './support.ts';

test('dashboard actions: reconcile, suspend and resume as the user, allowed and refused by RBAC', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'dash-act');
  const api = await testKubeApi(t, info);
  const dash = await startTestDashboard(t, info);
  const operator = await makeUser(t, api, ns, 'operator', dashboardRules([...READ, 'patch']), { namespaces: [ns] });
  const viewer = await makeUser(t, api, ns, 'viewer', dashboardRules(READ), { namespaces: [ns] });
  await api.create(bareSource(ns, 'platform'));
  await api.create(bareStack(ns, 'web'));
  const stackNow = () => api.get<Stack>({ apiVersion: API_VERSION, kind: 'Stack', namespace: ns, name: 'web' });

  const op = await signedIn(dash.url, operator.token);
  const ro = await signedIn(dash.url, viewer.token);
  await eventually('the Stack in the cache', async () => (await op.get(`/api/stacks/${ns}/web`)).status === 200);

  await t.test('what each user may do, by SelfSubjectAccessReview', async () => {
    assert.deepEqual((await op.get<StackDetail>(`/api/stacks/${ns}/web`)).body.can, { reconcile: true, suspend: true });
    assert.deepEqual((await ro.get<StackDetail>(`/api/stacks/${ns}/web`)).body.can, { reconcile: false, suspend: false });
  });

  await t.test('without the CSRF token nothing is written', async () => {
    const r = await op.post<ApiError>(`/api/stacks/${ns}/web/suspend`, {}, { csrf: false });
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'csrf');
    assert.equal((await stackNow()).spec.suspend ?? false, false);
  });

  await t.test('reconcile writes the annotation as the user', async () => {
    const r = await op.post<ActionResult>(`/api/stacks/${ns}/web/reconcile`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.accepted, true);
    assert.ok(r.body.requestedAt);
    const s = await stackNow();
    assert.equal(s.metadata.annotations?.[Annotations.ReconcileRequestedAt], r.body.requestedAt);
    // The refusals below show whose credentials it uses; the manager shows which client wrote.
    const managers = ((s.metadata as { managedFields?: { manager?: string }[] }).managedFields ?? []).map((f) => f.manager);
    assert.ok(managers.includes('governor-dashboard'), managers.join(', '));
  });

  await t.test('suspend sets spec.suspend; resume clears it and asks for a reconcile', async () => {
    const s1 = await op.post<ActionResult>(`/api/stacks/${ns}/web/suspend`);
    assert.equal(s1.status, 200);
    assert.equal((await stackNow()).spec.suspend, true);
    const row = await eventually('the row suspended', async () => {
      const d = (await op.get<StackDetail>(`/api/stacks/${ns}/web`)).body;
      return d.stack.suspended && d.stack;
    });
    assert.equal(row.state, 'suspended');
    const r = await op.post<ActionResult>(`/api/stacks/${ns}/web/resume`);
    assert.equal(r.status, 200);
    const s = await stackNow();
    assert.equal(s.spec.suspend, false);
    assert.equal(s.metadata.annotations?.[Annotations.ReconcileRequestedAt], r.body.requestedAt);
  });

  await t.test('sources too', async () => {
    const r = await op.post<ActionResult>(`/api/sources/${ns}/platform/reconcile`);
    assert.equal(r.status, 200);
    const src = await api.get<GitRepository>({ apiVersion: API_VERSION, kind: 'GitRepository', namespace: ns, name: 'platform' });
    assert.equal(src.metadata.annotations?.[Annotations.ReconcileRequestedAt], r.body.requestedAt);
  });

  await t.test('a read-only user is refused with Kubernetes\' own words, and nothing changes', async () => {
    const before = await stackNow();
    for (const action of ['reconcile', 'suspend', 'resume']) {
      const r = await ro.post<ApiError>(`/api/stacks/${ns}/web/${action}`);
      assert.equal(r.status, 403, action);
      assert.equal(r.body.error.code, 'forbidden');
      assert.match(r.body.error.message, new RegExp(`User "${viewer.username}" cannot patch resource "stacks" in API group "governor.dev" in the namespace "${ns}"`));
    }
    assert.equal((await stackNow()).metadata.resourceVersion, before.metadata.resourceVersion);
  });

  await t.test('unknown actions and objects are 404', async () => {
    assert.equal((await op.post<ApiError>(`/api/stacks/${ns}/web/explode`)).status, 404);
    const missing = await op.post<ApiError>(`/api/stacks/${ns}/nope/reconcile`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'not_found');
    assert.equal((await op.post<ApiError>(`/api/stacks/${ns}/Bad_Name/reconcile`)).status, 404);
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testCluster, testKubeApi, testNamespace } from '../support/cluster.ts';
import type { ApiError, Session } from '../../src/dashboard/model.ts';
import { Browser, dashboardRules, makeUser, READ, signedIn, startTestDashboard } from './support.ts';

const ROUTES: [string, string][] = [
  ['GET', '/api/session'],
  ['DELETE', '/api/session'],
  ['GET', '/api/overview'],
  ['GET', '/api/stacks'],
  ['GET', '/api/stacks?page=2&sort=state'],
  ['GET', '/api/stacks/default/web'],
  ['GET', '/api/sources'],
  ['POST', '/api/stacks/default/web/reconcile'],
  ['POST', '/api/stacks/default/web/suspend'],
  ['POST', '/api/stacks/default/web/resume'],
  ['POST', '/api/sources/default/platform/reconcile'],
  ['POST', '/api/sources/default/platform/suspend'],
  ['GET', '/api/stream'],
  ['GET', '/api/no-such-route'],
  ['PUT', '/api/overview'],
];

test('dashboard sign-in: nobody anonymous sees anything; a token signs in with an HttpOnly SameSite=Strict cookie; CSRF guards writes', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'dash-auth');
  const api = await testKubeApi(t, info);
  const user = await makeUser(t, api, ns, 'viewer', dashboardRules(READ), { namespaces: [ns] });
  const dash = await startTestDashboard(t, info);

  await t.test('anonymous: 401 JSON on every /api route', async () => {
    const anon = new Browser(dash.url);
    for (const [method, path] of ROUTES) {
      const r = await anon.request<ApiError>(method, path, method === 'GET' ? {} : { body: {} });
      assert.equal(r.status, 401, `${method} ${path}`);
      assert.equal(r.body.error.code, 'unauthorized', `${method} ${path}`);
      assert.match(r.headers.get('content-type') ?? '', /application\/json/);
    }
    // A made-up cookie is no better than none.
    const forged = new Browser(dash.url);
    forged.cookie = 'governor_session=' + 'A'.repeat(43);
    assert.equal((await forged.get('/api/overview')).status, 401);
  });

  await t.test('a bad token is refused and sets no cookie', async () => {
    const b = new Browser(dash.url);
    const r = await b.post<ApiError>('/api/session', { token: 'not-a-token' });
    assert.equal(r.status, 401);
    assert.equal(r.body.error.code, 'unauthorized');
    assert.equal(r.headers.get('set-cookie'), null);
    assert.equal((await b.post<ApiError>('/api/session', { token: 42 })).status, 400);
    assert.equal((await b.post<ApiError>('/api/session', 'just text')).status, 400);
  });

  await t.test('a valid token signs in as its user; the cookie is HttpOnly, SameSite=Strict, Path=/', async () => {
    const b = new Browser(dash.url);
    const r = await b.signIn(user.token);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const cookie = r.headers.get('set-cookie') ?? '';
    assert.match(cookie, /^governor_session=[A-Za-z0-9_-]{43};/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.match(cookie, /Path=\//);
    assert.doesNotMatch(cookie, /Secure/, 'plain http: a Secure cookie would never come back');
    assert.equal(r.body.user, user.username);
    assert.ok(r.body.groups.includes('system:serviceaccounts'));
    assert.equal(r.body.mode, 'token');
    assert.ok(r.body.csrfToken.length >= 32);
    assert.ok(!JSON.stringify(r.body).includes(user.token), 'the token is never sent back');

    const me = await b.get<Session>('/api/session');
    assert.equal(me.status, 200);
    assert.deepEqual(me.body, r.body);

    // Behind a TLS proxy the cookie is Secure.
    const viaProxy = new Browser(dash.url);
    const proxied = await viaProxy.post('/api/session', { token: user.token }, { headers: { 'x-forwarded-proto': 'https' } });
    assert.match(proxied.headers.get('set-cookie') ?? '', /Secure/);
  });

  await t.test('writes need the CSRF token and, when an Origin is sent, this origin', async () => {
    const b = await signedIn(dash.url, user.token);
    const without = await b.post<ApiError>(`/api/stacks/${ns}/web/reconcile`, {}, { csrf: false });
    assert.equal(without.status, 403);
    assert.equal(without.body.error.code, 'csrf');
    const wrong = await b.post<ApiError>(`/api/stacks/${ns}/web/reconcile`, {}, { csrf: false, headers: { 'x-csrf-token': 'x'.repeat(43) } });
    assert.equal(wrong.status, 403);
    assert.equal(wrong.body.error.code, 'csrf');
    const cross = await b.post<ApiError>(`/api/stacks/${ns}/web/reconcile`, {}, { headers: { origin: 'http://evil.example.com' } });
    assert.equal(cross.status, 403);
    assert.equal(cross.body.error.code, 'csrf');
    const crossSignIn = await new Browser(dash.url).post<ApiError>('/api/session', { token: user.token }, { headers: { origin: 'http://evil.example.com' } });
    assert.equal(crossSignIn.status, 403, 'no signing in from another site either');
    // With the token and our own origin the request reaches Kubernetes (which refuses: read-only).
    const same = await b.post<ApiError>(`/api/stacks/${ns}/web/reconcile`, {}, { headers: { origin: dash.url.replace(/\/$/, '') } });
    assert.equal(same.status, 403);
    assert.equal(same.body.error.code, 'forbidden');
    assert.match(same.body.error.message, /cannot patch resource "stacks"/);
  });

  await t.test('signing out ends the session', async () => {
    const b = await signedIn(dash.url, user.token);
    const cookie = b.cookie;
    assert.equal((await b.request('DELETE', '/api/session', { csrf: false })).status, 403, 'signing out needs the CSRF token too');
    const out = await b.request('DELETE', '/api/session');
    assert.equal(out.status, 204);
    const stale = new Browser(dash.url);
    stale.cookie = cookie;
    assert.equal((await stale.get('/api/overview')).status, 401);
  });

  await t.test('login links exist only in kubeconfig mode', async () => {
    const r = await new Browser(dash.url).post<ApiError>('/api/session/login-link', { code: 'whatever' });
    assert.equal(r.status, 404);
  });

  await t.test('security headers on the API and the page; the page says how to build the app', async () => {
    const b = await signedIn(dash.url, user.token);
    const apiReply = await b.get('/api/overview');
    const page = await new Browser(dash.url).get('/stacks/x/y');
    for (const r of [apiReply, page]) {
      const csp = r.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /style-src 'self' 'unsafe-inline'/);
      assert.match(csp, /img-src 'self' data:/);
      assert.match(csp, /connect-src 'self'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
    }
    assert.equal(apiReply.headers.get('cache-control'), 'no-store');
    assert.equal(page.status, 200);
    assert.match(String(page.body), /make build/);
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, createApi, readError, type FetchLike } from './api.ts';

interface Recorded {
  url: string;
  init: RequestInit | undefined;
}

function fakeFetch(respond: (url: string, init?: RequestInit) => Response): { fetch: FetchLike; calls: Recorded[] } {
  const calls: Recorded[] = [];
  return {
    calls,
    fetch: async (url, init) => {
      calls.push({ url, init });
      return respond(url, init);
    },
  };
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

test('GETs send cookies but no CSRF token', async () => {
  const { fetch, calls } = fakeFetch(() => json({ items: [], total: 0, page: 1, pageSize: 200, facets: {} }));
  const api = createApi({ fetch, csrfToken: () => 'csrf-1', onUnauthorized: () => assert.fail('no 401') });
  await api.stacks({ page: 1, pageSize: 200, state: 'failed' });
  assert.equal(calls[0]?.url, '/api/stacks?state=failed&page=1&pageSize=200');
  assert.equal(calls[0]?.init?.credentials, 'same-origin');
  assert.equal(calls[0]?.init?.method, 'GET');
  assert.equal((calls[0]?.init?.headers as Record<string, string>)['X-CSRF-Token'], undefined);
});

test('mutations send the CSRF token and encode the object path', async () => {
  const { fetch, calls } = fakeFetch(() => json({ accepted: true, message: 'ok', requestedAt: '2026-01-01T00:00:00Z' }));
  const api = createApi({ fetch, csrfToken: () => 'csrf-1', onUnauthorized: () => {} });
  const result = await api.act('stacks', { namespace: 'team a', name: 'web/x' }, 'reconcile');
  assert.equal(result.accepted, true);
  assert.equal(calls[0]?.url, '/api/stacks/team%20a/web%2Fx/reconcile');
  assert.equal(calls[0]?.init?.method, 'POST');
  assert.equal((calls[0]?.init?.headers as Record<string, string>)['X-CSRF-Token'], 'csrf-1');
});

test('sign in posts the token as JSON', async () => {
  const { fetch, calls } = fakeFetch(() => json({ user: 'alice', groups: [], csrfToken: 't', mode: 'token' }));
  const api = createApi({ fetch, csrfToken: () => undefined, onUnauthorized: () => {} });
  const session = await api.signIn('abc');
  assert.equal(session.user, 'alice');
  assert.equal(calls[0]?.init?.body, '{"token":"abc"}');
  assert.equal((calls[0]?.init?.headers as Record<string, string>)['Content-Type'], 'application/json');
  await api.signInWithCode('code-1');
  assert.equal(calls[1]?.url, '/api/session/login-link');
  assert.equal(calls[1]?.init?.body, '{"code":"code-1"}');
});

test('a 401 signs out, except on the calls that sign in', async () => {
  let unauthorized = 0;
  const { fetch } = fakeFetch(() => json({ error: 'session expired' }, 401));
  const api = createApi({ fetch, csrfToken: () => undefined, onUnauthorized: () => unauthorized++ });
  await assert.rejects(api.overview(), (err: unknown) => err instanceof ApiError && err.status === 401 && err.message === 'session expired');
  assert.equal(unauthorized, 1);
  await assert.rejects(api.signIn('bad'), ApiError);
  await assert.rejects(api.session(), ApiError);
  assert.equal(unauthorized, 1);
});

test('204 answers resolve to undefined', async () => {
  const { fetch } = fakeFetch(() => new Response(null, { status: 204 }));
  const api = createApi({ fetch, csrfToken: () => 'x', onUnauthorized: () => {} });
  assert.equal(await api.signOut(), undefined);
});

test('readError reads the API error shape, other JSON, then text, then the status', async () => {
  assert.deepEqual(await readError(json({ error: { code: 'forbidden', message: 'cannot patch stacks' } }, 403)), { message: 'cannot patch stacks', code: 'forbidden' });
  assert.deepEqual(await readError(json({ message: 'forbidden: cannot patch' }, 403)), { message: 'forbidden: cannot patch' });
  assert.deepEqual(await readError(json({ error: 'session expired' }, 401)), { message: 'session expired' });
  assert.deepEqual(await readError(new Response('plain words', { status: 500 })), { message: 'plain words' });
  assert.deepEqual(await readError(new Response('<html>oops</html>', { status: 502, statusText: 'Bad Gateway' })), { message: '502 Bad Gateway' });
  assert.deepEqual(await readError(new Response(null, { status: 404, statusText: 'Not Found' })), { message: '404 Not Found' });
});

test('ApiError carries the code', async () => {
  const { fetch } = fakeFetch(() => json({ error: { code: 'csrf', message: 'missing CSRF token' } }, 403));
  const api = createApi({ fetch, csrfToken: () => undefined, onUnauthorized: () => {} });
  await assert.rejects(api.act('stacks', { namespace: 'a', name: 'b' }, 'suspend'), (err: unknown) => err instanceof ApiError && err.code === 'csrf' && err.status === 403);
});

/**
 * The dashboard's HTTP surface (routes in model.ts): sign-in, the read views, the actions, the
 * live stream and the web app. Nothing under /api answers anyone without a session; every write
 * needs the session's CSRF token; every read is filtered, and every action made, as the user.
 */
import { compress } from 'hono/compress';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Logger } from '../log.ts';
import { CredentialsRejected } from './access.ts';
import { isAction, performAction } from './actions.ts';
import type { Authenticator, UserClient } from './auth.ts';
import type { DashboardCache } from './cache.ts';
import { CSRF_HEADER, isUnsafeMethod, originAllowed, tokensEqual } from './csrf.ts';
import { HttpError, errorResponse, kubeFailure } from './http-errors.ts';
import { TokenRejected } from './identity.ts';
import type { LoginCodes } from './login-codes.ts';
import { parseQuery } from './query.ts';
import { SESSION_COOKIE, sessionView, type SessionStore, type UserSession } from './session.ts';
import { securityHeaders, staticFiles } from './static.ts';
import type { StreamHub } from './stream.ts';
import { overview } from './views/overview.ts';
import { stackDetail } from './views/stack-detail.ts';
import { sourcesPage, stacksPage } from './views/tables.ts';
import { userScope } from './views/visible.ts';

export interface DashboardDeps {
  cache: DashboardCache;
  sessions: SessionStore;
  hub: StreamHub;
  auth: Authenticator;
  log: Logger;
  /** The built web app; a page saying how to build it is served when it holds no index.html. */
  staticDir: string;
  /** Only with `governor dashboard`: the one-time codes its sign-in link carries. */
  loginCodes?: LoginCodes;
  /** Nodes in a Stack's object graph before it is cut. */
  maxGraphNodes?: number;
}

type Env = { Variables: { session: UserSession } };

const MAX_BODY = 64 * 1024;
const COMPRESSIBLE = /^(application\/json|text\/html|text\/css|text\/javascript|application\/javascript|image\/svg\+xml)/;
const MAX_TOKEN = 16 * 1024;
/** A Kubernetes object name or namespace (DNS subdomain); anything else cannot name a Stack. */
const NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** Routes that create a session, and so cannot require one. */
function isSignIn(c: Context): boolean {
  return c.req.method === 'POST' && (c.req.path === '/api/session' || c.req.path === '/api/session/login-link');
}

function cameOverHttps(c: Context): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  // Behind a TLS-terminating proxy; trusting it can only add the Secure flag, never remove it.
  return c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() === 'https';
}

async function readJson(c: Context): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new HttpError(400, 'bad_request', 'the request body must be a JSON object');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'bad_request', 'the request body must be a JSON object');
  return body as Record<string, unknown>;
}

function objectKeyParams(c: Context): { namespace: string; name: string } {
  const namespace = c.req.param('namespace') ?? '';
  const name = c.req.param('name') ?? '';
  if (!NAME.test(namespace) || !NAME.test(name)) throw new HttpError(404, 'not_found', 'no such object');
  return { namespace, name };
}

export function createDashboardApp(deps: DashboardDeps): Hono<Env> {
  const { cache, sessions, hub, auth, log } = deps;
  const app = new Hono<Env>();
  // A signed-out or expired session must not keep receiving rows.
  sessions.onDelete((s) => hub.closeSession(s.id));

  const startSession = (c: Context, user: UserClient, mode: 'token' | 'kubeconfig') => {
    const previous = getCookie(c, SESSION_COOKIE);
    if (previous) sessions.delete(previous);
    const s = sessions.create({ user: user.identity.user, groups: user.identity.groups, mode, api: user.api, access: user.access });
    setCookie(c, SESSION_COOKIE, s.id, { httpOnly: true, sameSite: 'Strict', path: '/', secure: cameOverHttps(c) });
    log.info({ user: s.user, mode }, 'dashboard: signed in');
    return c.json(sessionView(s));
  };

  const requireSession: MiddlewareHandler<Env> = async (c, next) => {
    if (isSignIn(c)) return next();
    const s = sessions.get(getCookie(c, SESSION_COOKIE));
    if (!s) return errorResponse(c, 401, 'unauthorized', 'sign in first');
    c.set('session', s);
    return next();
  };

  const csrf: MiddlewareHandler<Env> = async (c, next) => {
    if (!isUnsafeMethod(c.req.method)) return next();
    if (!originAllowed(c.req.header('origin'), c.req.header('host'))) return errorResponse(c, 403, 'csrf', 'the request comes from another origin');
    if (!isSignIn(c) && !tokensEqual(c.req.header(CSRF_HEADER), c.get('session').csrfToken)) {
      return errorResponse(c, 403, 'csrf', `missing or wrong ${CSRF_HEADER} header`);
    }
    return next();
  };

  app.use('*', securityHeaders);
  // A page of 200 rows is 76 KiB of JSON and 4 KiB gzipped. Never the event stream: compression
  // buffers, and a live update must leave at once.
  app.use('*', compress({ contentTypeFilter: COMPRESSIBLE }));
  app.use('/api/*', async (c, next) => {
    await next();
    c.res.headers.set('cache-control', 'no-store');
  });
  app.use('/api/*', bodyLimit({ maxSize: MAX_BODY, onError: (c) => errorResponse(c, 413, 'bad_request', 'the request body is too large') }));
  app.use('/api/*', requireSession);
  app.use('/api/*', csrf);

  app.post('/api/session', async (c) => {
    const { token } = await readJson(c);
    if (typeof token !== 'string' || token.trim() === '' || token.length > MAX_TOKEN) throw new HttpError(400, 'bad_request', 'token must be a non-empty string');
    let user: UserClient;
    try {
      user = await auth.withToken(token.trim());
    } catch (err) {
      if (err instanceof TokenRejected) throw new HttpError(401, 'unauthorized', err.message);
      throw kubeFailure(err);
    }
    return startSession(c, user, 'token');
  });

  app.post('/api/session/login-link', async (c) => {
    const { code } = await readJson(c);
    if (!deps.loginCodes) throw new HttpError(404, 'not_found', 'sign-in links are only issued by governor dashboard');
    if (typeof code !== 'string' || !deps.loginCodes.redeem(code)) throw new HttpError(401, 'unauthorized', 'this sign-in link was already used or has expired; run governor dashboard again');
    let user: UserClient;
    try {
      user = await auth.withKubeconfig();
    } catch (err) {
      if (err instanceof TokenRejected) throw new HttpError(401, 'unauthorized', 'the API server did not accept the kubeconfig credentials');
      throw kubeFailure(err);
    }
    return startSession(c, user, 'kubeconfig');
  });

  app.get('/api/session', (c) => c.json(sessionView(c.get('session'))));

  app.delete('/api/session', (c) => {
    sessions.delete(c.get('session').id);
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: cameOverHttps(c) });
    return c.body(null, 204);
  });

  app.get('/api/overview', async (c) => c.json(await overview(cache, c.get('session').access)));

  for (const [path, page] of [
    ['/api/stacks', stacksPage],
    ['/api/sources', sourcesPage],
  ] as const) {
    app.get(path, async (c) => {
      const parsed = parseQuery(c.req.query());
      if (!parsed.ok) throw new HttpError(400, 'bad_request', parsed.message);
      return c.json(await page(cache, c.get('session').access, parsed.query));
    });
  }

  app.get('/api/stacks/:namespace/:name', async (c) => {
    const { namespace, name } = objectKeyParams(c);
    const detail = await stackDetail(cache, c.get('session'), namespace, name, { maxNodes: deps.maxGraphNodes });
    if (!detail) throw new HttpError(404, 'not_found', `Stack ${namespace}/${name} not found`);
    return c.json(detail);
  });

  for (const [path, kind] of [
    ['/api/stacks/:namespace/:name/:action', 'Stack'],
    ['/api/sources/:namespace/:name/:action', 'GitRepository'],
  ] as const) {
    app.post(path, async (c) => {
      const { namespace, name } = objectKeyParams(c);
      const action = c.req.param('action');
      if (!isAction(action)) throw new HttpError(404, 'not_found', `no action ${action}; use reconcile, suspend or resume`);
      const s = c.get('session');
      try {
        const result = await performAction(s.api, kind, namespace, name, action);
        log.info({ user: s.user, action, kind, namespace, name }, 'dashboard: action');
        return c.json(result);
      } catch (err) {
        throw kubeFailure(err);
      }
    });
  }

  app.get('/api/stream', async (c) => {
    const s = c.get('session');
    // Known answers first, so the first changes are not held back by access reviews.
    await Promise.all((['stacks', 'gitrepositories', 'events'] as const).map((r) => userScope(cache, s.access, r)));
    return new Response(hub.open({ sessionId: s.id, access: s.access }), {
      headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' },
    });
  });

  app.all('/api/*', (c) => errorResponse(c, 404, 'not_found', `no route ${c.req.method} ${c.req.path}`));
  app.get('*', staticFiles(deps.staticDir));

  app.notFound((c) => (c.req.path.startsWith('/api/') ? errorResponse(c, 404, 'not_found', 'no such route') : c.text('not found\n', 404)));
  app.onError((err, c) => {
    if (err instanceof HttpError) return errorResponse(c, err.status, err.code, err.message);
    if (err instanceof CredentialsRejected) {
      const s = c.get('session') as UserSession | undefined;
      if (s) sessions.delete(s.id);
      return errorResponse(c, 401, 'unauthorized', 'the API server no longer accepts your credentials; sign in again');
    }
    log.error({ path: c.req.path, err: (err as Error).message }, 'dashboard: request failed');
    return errorResponse(c, 500, 'internal', 'internal error');
  });
  return app;
}

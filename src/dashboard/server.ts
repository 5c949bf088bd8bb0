/**
 * Runs the dashboard: its cache, sessions and live stream around the Hono app, on one address.
 * The controller starts it with its own connection (users sign in with a token); `governor
 * dashboard` starts it with the kubeconfig's (the link it prints signs in as the kubeconfig).
 */
import { createAdaptorServer } from '@hono/node-server';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { KubeClient } from '../kube/client.ts';
import type { Connection } from '../kube/config.ts';
import { RestMapper } from '../kube/discovery.ts';
import type { Logger } from '../log.ts';
import { packageRoot } from '../paths.ts';
import { parseAddress } from '../server/probes.ts';
import { CredentialsRejected, type CachedResource } from './access.ts';
import { createDashboardApp } from './app.ts';
import { KubeAuthenticator } from './auth.ts';
import { DashboardCache } from './cache.ts';
import { LoginCodes } from './login-codes.ts';
import { SessionStore } from './session.ts';
import { StreamHub } from './stream.ts';

export interface DashboardOptions {
  /** host:port; port 0 picks a free one, `:port` binds every interface. */
  address: string;
  /** The server's own identity: it follows Stacks, sources and Events with it. */
  connection: Connection;
  /** token: users sign in with a bearer token; kubeconfig: also a one-time link acting as the connection's user. */
  mode: 'token' | 'kubeconfig';
  /** The built web app; default <package>/dist/web. */
  staticDir?: string;
  log: Logger;
  /** Follow only these namespaces (a namespace-scoped installation); default all. */
  namespaces?: string[];
  /** How long the first sync of the cache may hold up the start before serving what is there. */
  syncTimeoutMs?: number;
  sessionIdleMs?: number;
  heartbeatMs?: number;
}

export interface RunningDashboard {
  port: number;
  /** Where to browse to, without the sign-in fragment. */
  url: string;
  /** kubeconfig mode: the one-time code for `<url>#login=<code>`. */
  loginCode?: string;
  close(): Promise<void>;
}

/** Every few seconds: expire idle sessions and keep open streams' access answers fresh. */
const MAINTAIN_MS = 15_000;

export async function startDashboard(opts: DashboardOptions): Promise<RunningDashboard> {
  const { host, port } = parseAddress(opts.address);
  const client = new KubeClient(opts.connection, { userAgent: 'governor-dashboard' });
  const mapper = new RestMapper(client);
  const cache = new DashboardCache({ client, log: opts.log, namespaces: opts.namespaces });
  const sessions = new SessionStore({ idleMs: opts.sessionIdleMs });
  const hub = new StreamHub({ heartbeatMs: opts.heartbeatMs });
  const auth = new KubeAuthenticator({ connection: opts.connection, client, mapper });
  const loginCodes = opts.mode === 'kubeconfig' ? new LoginCodes() : undefined;
  const unsubscribe = cache.subscribe((change) => hub.publish(change));

  const cleanup: (() => Promise<void> | void)[] = [
    () => hub.close(),
    unsubscribe,
    () => sessions.clear(),
    () => cache.stop(),
    () => auth.close(),
    () => client.close(),
  ];
  const closeAll = async () => {
    for (const step of cleanup.splice(0)) await step();
  };

  try {
    const app = createDashboardApp({
      cache,
      sessions,
      hub,
      auth,
      log: opts.log,
      staticDir: opts.staticDir ?? join(packageRoot(), 'dist', 'web'),
      loginCodes,
    });
    const server = createAdaptorServer({ fetch: app.fetch, hostname: host }) as Server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    cleanup.unshift(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Open streams and idle keep-alive sockets would hold close() forever.
          server.closeAllConnections();
        }),
    );

    // Listening first: a taken port fails at once, not after the first lists.
    const started = cache.start();
    const timeout = opts.syncTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const synced = await Promise.race([started.then(() => true, () => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeout)))]);
    clearTimeout(timer);
    if (!synced) opts.log.warn({ timeoutMs: timeout }, 'dashboard: the cache has not synced yet (are the CRDs installed?); serving what there is');

    const maintain = setInterval(() => {
      sessions.sweep();
      for (const owner of hub.owners()) {
        for (const r of ['stacks', 'gitrepositories', 'events'] as CachedResource[]) {
          owner.access.scope(r, cache.namespaces(r)).catch((err: unknown) => {
            if (err instanceof CredentialsRejected) sessions.delete(owner.sessionId);
          });
        }
      }
    }, MAINTAIN_MS);
    maintain.unref();
    cleanup.unshift(() => clearInterval(maintain));

    const addr = server.address();
    const bound = typeof addr === 'object' && addr ? addr.port : port;
    const shown = !host || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    const url = `http://${shown}:${bound}/`;
    opts.log.info({ url, mode: opts.mode }, 'dashboard listening');
    return {
      port: bound,
      url,
      ...(loginCodes ? { loginCode: loginCodes.issue() } : {}),
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

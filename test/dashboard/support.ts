/**
 * Shared setup of the dashboard tests: users as ServiceAccounts with RBAC and real tokens
 * (TokenRequest), a dashboard on a free loopback port, and a small cookie-keeping client that
 * talks to it the way the web app does.
 */
import type { TestContext } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_VERSION } from '../../src/api/index.ts';
import { installCrds } from '../../src/controller/crds.ts';
import type { KubeApi } from '../../src/kube/api.ts';
import { connectionFrom, loadKubeConfig } from '../../src/kube/config.ts';
import type { KubeObject } from '../../src/kube/types.ts';
import { createLogger } from '../../src/log.ts';
import { startDashboard, type RunningDashboard } from '../../src/dashboard/server.ts';
import type { Session } from '../../src/dashboard/model.ts';
import type { ClusterInfo } from '../cluster/client.ts';
import { waitFor } from '../cluster/http.ts';
import { testKubeApi } from '../support/cluster.ts';

export type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };

export const READ = ['get', 'list', 'watch'];

/** What a user needs to see everything the dashboard shows in a namespace, and the verbs given for Governor's kinds. */
export function dashboardRules(governorVerbs: string[]): Rule[] {
  return [
    { apiGroups: ['governor.dev'], resources: ['stacks', 'gitrepositories'], verbs: governorVerbs },
    { apiGroups: [''], resources: ['events', 'pods', 'services', 'configmaps', 'secrets'], verbs: READ },
    { apiGroups: ['apps'], resources: ['deployments', 'replicasets'], verbs: READ },
  ];
}

/**
 * A ServiceAccount in `home` bound to the rules in each of `namespaces` (a Role and RoleBinding
 * each), and a token for it. `clusterWide` binds a ClusterRole instead, removed after the test.
 */
export async function makeUser(
  t: TestContext,
  api: KubeApi,
  home: string,
  name: string,
  rules: Rule[],
  scope: { namespaces: string[] } | { clusterWide: true },
): Promise<{ token: string; username: string }> {
  await api.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: home } });
  const subject = { kind: 'ServiceAccount', name, namespace: home };
  if ('clusterWide' in scope) {
    const crName = `${home}-${name}`;
    await api.create({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: crName }, rules } as KubeObject);
    await api.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: crName },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: crName },
      subjects: [subject],
    } as KubeObject);
    t.after(async () => {
      await api.delete({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', name: crName }).catch(() => undefined);
      await api.delete({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: crName }).catch(() => undefined);
    });
  } else {
    for (const ns of scope.namespaces) {
      await api.create({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace: ns }, rules } as KubeObject);
      await api.create({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name, namespace: ns },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
        subjects: [subject],
      } as KubeObject);
    }
  }
  const res = await api.client.request<{ status: { token: string } }>('POST', `/api/v1/namespaces/${home}/serviceaccounts/${name}/token`, {
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
  });
  return { token: res.status.token, username: `system:serviceaccount:${home}:${name}` };
}

/** A dashboard on 127.0.0.1:0 with the cluster admin's kubeconfig as its own identity; closed after the test. */
export async function startTestDashboard(t: TestContext, info: ClusterInfo, opts: { mode?: 'token' | 'kubeconfig'; heartbeatMs?: number } = {}): Promise<RunningDashboard> {
  // The CRDs first: a dashboard without them waits for its cache to sync.
  await installCrds(await testKubeApi(t, info));
  const connection = await connectionFrom(loadKubeConfig({ kubeconfig: info.kubeconfigPath }));
  const staticDir = await mkdtemp(join(tmpdir(), 'governor-web-'));
  const dash = await startDashboard({
    address: '127.0.0.1:0',
    connection,
    mode: opts.mode ?? 'token',
    staticDir,
    log: createLogger({ level: 'silent' }),
    ...(opts.heartbeatMs ? { heartbeatMs: opts.heartbeatMs } : {}),
  });
  t.after(async () => {
    await dash.close();
    await rm(staticDir, { recursive: true, force: true });
  });
  return dash;
}

export interface Reply<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** The web app's side of the API: keeps the session cookie and sends the CSRF token on writes. */
export class Browser {
  readonly base: string;
  cookie: string | undefined;
  session: Session | undefined;

  constructor(base: string) {
    this.base = base.replace(/\/$/, '');
  }

  async request<T = unknown>(method: string, path: string, opts: { body?: unknown; csrf?: boolean; headers?: Record<string, string> } = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (this.cookie) headers.cookie = this.cookie;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if ((opts.csrf ?? true) && this.session) headers['x-csrf-token'] = this.session.csrfToken;
    const res = await fetch(this.base + path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body), redirect: 'manual' });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) {
      const pair = setCookie.split(';')[0]!;
      this.cookie = pair.endsWith('=') ? undefined : pair;
    }
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON (the web app's page)
    }
    return { status: res.status, body: body as T, headers: res.headers };
  }

  get<T = unknown>(path: string): Promise<Reply<T>> {
    return this.request<T>('GET', path);
  }

  post<T = unknown>(path: string, body?: unknown, opts: { csrf?: boolean; headers?: Record<string, string> } = {}): Promise<Reply<T>> {
    return this.request<T>('POST', path, { ...opts, body: body ?? {} });
  }

  async signIn(token: string): Promise<Reply<Session>> {
    const r = await this.post<Session>('/api/session', { token });
    if (r.status === 200) this.session = r.body;
    return r;
  }
}

export async function signedIn(base: string, token: string): Promise<Browser> {
  const b = new Browser(base);
  const r = await b.signIn(token);
  if (r.status !== 200) throw new Error(`sign-in failed: ${r.status} ${JSON.stringify(r.body)}`);
  return b;
}

/** A Stack without a controller: the dashboard only reads it (status is patched in by the test). */
export function bareStack(namespace: string, name: string, spec: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: API_VERSION, kind: 'Stack', metadata: { name, namespace }, spec: { sourceRef: { name: 'platform' }, path: './', interval: '1h', ...spec } };
}

export function bareSource(namespace: string, name: string): KubeObject {
  return { apiVersion: API_VERSION, kind: 'GitRepository', metadata: { name, namespace }, spec: { url: 'https://git.example.com/platform.git', interval: '1h', ref: { branch: 'main' } } };
}

export async function setStatus(api: KubeApi, kind: 'Stack' | 'GitRepository', namespace: string, name: string, status: Record<string, unknown>): Promise<void> {
  await api.mergePatch({ apiVersion: API_VERSION, kind, namespace, name }, { status }, 'status');
}

export function readyCondition(status: 'True' | 'False' | 'Unknown', reason: string, message: string, at = '2026-01-01T00:00:00Z') {
  return { type: 'Ready', status, reason, message, lastTransitionTime: at, observedGeneration: 1 };
}

/** Waits until the dashboard's cache shows what the test just wrote. */
export async function eventually<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  let value: T | undefined | false;
  let failure: unknown;
  try {
    await waitFor(what, async () => {
      try {
        value = await fn();
      } catch (err) {
        // An assertion inside fn explains the wait better than "timed out".
        failure = err;
        return false;
      }
      return value !== undefined && value !== false;
    }, timeoutMs, 100);
  } catch (err) {
    throw failure ?? err;
  }
  return value as T;
}

/**
 * The repository the Stack-page tests commit: a web app (ConfigMap, Deployment of 2 replicas,
 * Service) and a db config, each directory a Stack; `more` adds files.
 */
export function webAndDbManifests(ns: string, webConfig: Record<string, string>, more: Record<string, object> = {}): Record<string, string> {
  const files: Record<string, object> = {
    'apps/web/config.yaml': { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', namespace: ns }, data: webConfig },
    'apps/web/deployment.yaml': {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: ns },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
      },
    },
    'apps/web/service.yaml': { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: ns }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } },
    'apps/db/config.yaml': { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'db-config', namespace: ns }, data: { size: 'small' } },
    ...more,
  };
  return Object.fromEntries(Object.entries(files).map(([path, obj]) => [path, JSON.stringify(obj)]));
}

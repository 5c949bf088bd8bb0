/**
 * Who a set of credentials is, by the API server's own word (SelfSubjectReview), and the
 * connection that carries a user's bearer token: the dashboard authenticates nobody itself.
 */
import type { AgentOptions } from 'node:https';
import { apiStatusCode, type KubeClient } from '../kube/client.ts';
import type { Connection } from '../kube/config.ts';

export interface Identity {
  user: string;
  groups: string[];
}

export class TokenRejected extends Error {
  constructor() {
    super('the API server did not accept this token');
    this.name = 'TokenRejected';
  }
}

export async function reviewSelf(client: KubeClient): Promise<Identity> {
  try {
    const res = await client.request<{ status?: { userInfo?: { username?: string; groups?: string[] } } }>(
      'POST',
      '/apis/authentication.k8s.io/v1/selfsubjectreviews',
      { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }, timeoutMs: 10_000 },
    );
    const info = res.status?.userInfo;
    if (!info?.username) throw new TokenRejected();
    return { user: info.username, groups: (info.groups ?? []).filter((g) => typeof g === 'string') };
  } catch (err) {
    if (apiStatusCode(err) === 401) throw new TokenRejected();
    throw err;
  }
}

/**
 * The server and CA of `base`, authenticating with a bearer token instead of whatever `base`
 * uses: a client certificate of the server's own must never ride along with a user's request.
 */
export function bearerConnection(base: Connection, token: string): Connection {
  const header = { Authorization: `Bearer ${token}` };
  return {
    server: base.server,
    tls: serverTls(base.tls),
    namespace: 'default',
    contextName: 'dashboard-user',
    authHeaders: async () => ({ ...header }),
  };
}

/** The TLS options that identify the server (CA, name, verification), none that identify us. */
export function serverTls(tls: AgentOptions): AgentOptions {
  const out: AgentOptions = {};
  if (tls.ca) out.ca = tls.ca;
  if (tls.servername) out.servername = tls.servername;
  if (tls.rejectUnauthorized !== undefined) out.rejectUnauthorized = tls.rejectUnauthorized;
  return out;
}

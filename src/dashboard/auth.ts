/**
 * How a sign-in becomes a Kubernetes client acting as that user: a bearer token on the server's
 * connection (token mode), or the kubeconfig's own credentials (`governor dashboard`). Every
 * user's client shares the server's discovery and one connection pool: sockets carry no identity
 * (no client certificate), only each request's Authorization header does.
 */
import { Agent } from 'node:https';
import { KubeApi } from '../kube/api.ts';
import { KubeClient } from '../kube/client.ts';
import type { Connection } from '../kube/config.ts';
import type { RestMapper } from '../kube/discovery.ts';
import { AccessReviewer, selfAccessReview } from './access.ts';
import { bearerConnection, reviewSelf, serverTls, type Identity } from './identity.ts';

export interface UserClient {
  identity: Identity;
  api: KubeApi;
  access: AccessReviewer;
}

export interface Authenticator {
  /** The user a bearer token belongs to; TokenRejected when the API server does not accept it. */
  withToken(token: string): Promise<UserClient>;
  /** Whoever the kubeconfig is (kubeconfig mode only). */
  withKubeconfig(): Promise<UserClient>;
  close(): void;
}

export interface KubeAuthenticatorOptions {
  connection: Connection;
  /** The server's own client: in kubeconfig mode, the signed-in user's too. */
  client: KubeClient;
  mapper: RestMapper;
  accessTtlMs?: number;
}

export class KubeAuthenticator implements Authenticator {
  private readonly opts: KubeAuthenticatorOptions;
  private readonly agent: Agent;

  constructor(opts: KubeAuthenticatorOptions) {
    this.opts = opts;
    this.agent = new Agent({ ...serverTls(opts.connection.tls), keepAlive: true, maxSockets: 32 });
  }

  async withToken(token: string): Promise<UserClient> {
    const client = new KubeClient(bearerConnection(this.opts.connection, token), { userAgent: 'governor-dashboard' }, this.agent);
    return this.userClient(client);
  }

  withKubeconfig(): Promise<UserClient> {
    return this.userClient(this.opts.client);
  }

  close(): void {
    this.agent.destroy();
  }

  private async userClient(client: KubeClient): Promise<UserClient> {
    const identity = await reviewSelf(client);
    return {
      identity,
      api: new KubeApi(client, this.opts.mapper),
      access: new AccessReviewer({ review: selfAccessReview(client), ttlMs: this.opts.accessTtlMs }),
    };
  }
}

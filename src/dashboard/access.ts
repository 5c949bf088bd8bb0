/**
 * What a signed-in user may see and do, asked of Kubernetes itself (SelfSubjectAccessReview with
 * the user's own credentials), so the dashboard never shows more than kubectl would. Answers are
 * cached for a few seconds per session: a page load asks a handful of questions, not hundreds.
 */
import { GROUP } from '../api/index.ts';
import { apiStatusCode, type KubeClient } from '../kube/client.ts';

export interface ResourceAttributes {
  verb: string;
  group: string;
  resource: string;
  /** Absent or '' asks about all namespaces at once. */
  namespace?: string;
}

/** The collections the dashboard's cache holds, by what RBAC calls them. */
export type CachedResource = 'stacks' | 'gitrepositories' | 'events';

export const RESOURCE_GROUP: Record<CachedResource, string> = { stacks: GROUP, gitrepositories: GROUP, events: '' };

/** The namespaces whose objects of one kind the user may list. */
export interface Scope {
  all: boolean;
  namespaces: ReadonlySet<string>;
}

export function inScope(scope: Scope, namespace: string): boolean {
  return scope.all || scope.namespaces.has(namespace);
}

/** Raised when the user's credentials stopped working (token expired or revoked): sign them out. */
export class CredentialsRejected extends Error {
  constructor() {
    super('the API server no longer accepts these credentials');
    this.name = 'CredentialsRejected';
  }
}

export type Review = (attrs: ResourceAttributes) => Promise<boolean>;

/** One SelfSubjectAccessReview as whoever `client` authenticates as. */
export function selfAccessReview(client: KubeClient): Review {
  return async (attrs) => {
    try {
      const res = await client.request<{ status?: { allowed?: boolean } }>('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: { verb: attrs.verb, group: attrs.group, resource: attrs.resource, ...(attrs.namespace ? { namespace: attrs.namespace } : {}) } },
        },
        timeoutMs: 10_000,
      });
      return res.status?.allowed === true;
    } catch (err) {
      if (apiStatusCode(err) === 401) throw new CredentialsRejected();
      throw err;
    }
  };
}

interface Decision {
  allowed: boolean;
  at: number;
}

export interface AccessReviewerOptions {
  review: Review;
  ttlMs?: number;
  now?: () => number;
  /** Reviews in flight at once when many namespaces need asking. */
  concurrency?: number;
}

export const DEFAULT_ACCESS_TTL_MS = 15_000;

export class AccessReviewer {
  private readonly review: Review;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly concurrency: number;
  private readonly decisions = new Map<string, Decision>();
  private readonly inflight = new Map<string, Promise<boolean>>();

  constructor(opts: AccessReviewerOptions) {
    this.review = opts.review;
    this.ttlMs = opts.ttlMs ?? DEFAULT_ACCESS_TTL_MS;
    this.now = opts.now ?? Date.now;
    this.concurrency = opts.concurrency ?? 8;
  }

  /**
   * Whether the user may; a review that fails (other than the credentials being rejected)
   * counts as no and is not remembered, so the next request asks again.
   */
  async allowed(attrs: ResourceAttributes): Promise<boolean> {
    const key = keyOf(attrs);
    const d = this.decisions.get(key);
    if (d && this.now() - d.at < this.ttlMs) return d.allowed;
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.review(attrs)
        .then((allowed) => {
          this.decisions.set(key, { allowed, at: this.now() });
          return allowed;
        })
        .catch((err: unknown) => {
          if (err instanceof CredentialsRejected) throw err;
          return false;
        })
        .finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  /** Where the user may list a kind: everywhere when a cluster-wide review says so, else namespace by namespace. */
  async scope(resource: CachedResource, namespaces: Iterable<string>): Promise<Scope> {
    const group = RESOURCE_GROUP[resource];
    if (await this.allowed({ verb: 'list', group, resource })) return { all: true, namespaces: new Set() };
    const list = [...new Set(namespaces)];
    const allowed = new Set<string>();
    let next = 0;
    const worker = async () => {
      while (next < list.length) {
        const ns = list[next++]!;
        if (await this.allowed({ verb: 'list', group, resource, namespace: ns })) allowed.add(ns);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, list.length) }, worker));
    return { all: false, namespaces: allowed };
  }

  /**
   * The last known answer for listing in a namespace, however old, without asking: for filtering
   * a live stream synchronously. Undefined when never asked.
   */
  peek(resource: CachedResource, namespace: string): boolean | undefined {
    const group = RESOURCE_GROUP[resource];
    if (this.decisions.get(keyOf({ verb: 'list', group, resource }))?.allowed) return true;
    return this.decisions.get(keyOf({ verb: 'list', group, resource, namespace }))?.allowed;
  }
}

function keyOf(a: ResourceAttributes): string {
  return `${a.verb} ${a.group} ${a.resource} ${a.namespace ?? ''}`;
}

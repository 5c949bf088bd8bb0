/**
 * Signed-in users, in server memory only: a restart signs everyone out, which is the price of
 * never writing a token anywhere. The cookie carries a random id; the store keys sessions by its
 * digest so a lookup's timing says nothing about ids.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { KubeApi } from '../kube/api.ts';
import type { AccessReviewer } from './access.ts';
import type { Session } from './model.ts';

export const SESSION_COOKIE = 'governor_session';
export const DEFAULT_IDLE_MS = 8 * 60 * 60 * 1000;
/** Enough for any team; past it the least recently used session goes, so memory stays bounded. */
export const DEFAULT_MAX_SESSIONS = 10_000;

export interface UserSession {
  /** The cookie value; never logged. */
  readonly id: string;
  readonly csrfToken: string;
  readonly user: string;
  readonly groups: string[];
  readonly mode: 'token' | 'kubeconfig';
  /** The Kubernetes API as this user: every live read and every action goes through it. */
  readonly api: KubeApi;
  readonly access: AccessReviewer;
  lastSeen: number;
}

export interface NewSession {
  user: string;
  groups: string[];
  mode: 'token' | 'kubeconfig';
  api: KubeApi;
  access: AccessReviewer;
}

function digest(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

export function sessionView(s: UserSession): Session {
  return { user: s.user, groups: s.groups, csrfToken: s.csrfToken, mode: s.mode };
}

export class SessionStore {
  private readonly idleMs: number;
  private readonly maxSessions: number;
  private readonly now: () => number;
  // Insertion order is recency order: get() moves a session to the end.
  private readonly sessions = new Map<string, UserSession>();
  private readonly listeners = new Set<(s: UserSession) => void>();

  constructor(opts: { idleMs?: number; maxSessions?: number; now?: () => number } = {}) {
    this.idleMs = opts.idleMs ?? DEFAULT_IDLE_MS;
    this.maxSessions = opts.maxSessions ?? DEFAULT_MAX_SESSIONS;
    this.now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.sessions.size;
  }

  get idleTimeoutMs(): number {
    return this.idleMs;
  }

  create(init: NewSession): UserSession {
    this.sweep();
    const s: UserSession = {
      ...init,
      id: randomBytes(32).toString('base64url'),
      csrfToken: randomBytes(32).toString('base64url'),
      lastSeen: this.now(),
    };
    this.sessions.set(digest(s.id), s);
    while (this.sessions.size > this.maxSessions) {
      const oldest = this.sessions.keys().next().value as string;
      this.remove(oldest);
    }
    return s;
  }

  /** The live session for a cookie value, its idle clock restarted; undefined when unknown or expired. */
  get(id: string | undefined): UserSession | undefined {
    if (!id || id.length > 200) return undefined;
    const key = digest(id);
    const s = this.sessions.get(key);
    if (!s) return undefined;
    const now = this.now();
    if (now - s.lastSeen > this.idleMs) {
      this.remove(key);
      return undefined;
    }
    s.lastSeen = now;
    this.sessions.delete(key);
    this.sessions.set(key, s);
    return s;
  }

  /** Whether a session is still signed in, without counting as activity (a stream's heartbeat). */
  alive(s: UserSession): boolean {
    return this.sessions.get(digest(s.id)) === s && this.now() - s.lastSeen <= this.idleMs;
  }

  delete(id: string): void {
    this.remove(digest(id));
  }

  /** Drops expired sessions; the oldest come first, so the walk stops at the first live one. */
  sweep(): void {
    const now = this.now();
    for (const [key, s] of this.sessions) {
      if (now - s.lastSeen <= this.idleMs) break;
      this.remove(key);
    }
  }

  onDelete(listener: (s: UserSession) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  clear(): void {
    for (const key of [...this.sessions.keys()]) this.remove(key);
  }

  private remove(key: string): void {
    const s = this.sessions.get(key);
    if (!s) return;
    this.sessions.delete(key);
    for (const l of this.listeners) l(s);
  }
}

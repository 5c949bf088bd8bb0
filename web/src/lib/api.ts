import type { ActionResult, ObjectKey, Overview, Page, Session, SourceRow, StackDetail, StackQuery, StackRow } from '../model.ts';
import { queryString } from './query.ts';

/** An HTTP error from the dashboard API, with the server's message where it sent one. */
export class ApiError extends Error {
  readonly status: number;
  /** The server's stable error code (`unauthorized`, `forbidden`, `csrf`, …) where it sent one. */
  readonly code: string | undefined;
  constructor(status: number, message: string, code?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface ApiOptions {
  fetch?: FetchLike;
  /** The current session's CSRF token, sent on every mutation. */
  csrfToken: () => string | undefined;
  /** A call answered 401: the session is gone; the app shows the sign-in page. */
  onUnauthorized: () => void;
}

export type Action = 'reconcile' | 'suspend' | 'resume';
export type ActionTarget = 'stacks' | 'sources';

interface CallOptions {
  body?: unknown;
  /** Calls that establish a session report their own 401 (a wrong token) instead of signing out. */
  ownUnauthorized?: boolean;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Path segment for a namespace or name, encoded. */
export function objectPath(key: ObjectKey): string {
  return `${encodeURIComponent(key.namespace)}/${encodeURIComponent(key.name)}`;
}

/**
 * What an error response says: the API's `{ error: { code, message } }`, else a `{ message }` or
 * `{ error: "…" }` body, else short plain text, else the status line.
 */
export async function readError(response: Response): Promise<{ message: string; code?: string }> {
  let text = '';
  try {
    text = await response.text();
  } catch {
    // no body
  }
  if (text) {
    try {
      const body = JSON.parse(text) as unknown;
      if (body && typeof body === 'object') {
        const record = body as Record<string, unknown>;
        const error = record['error'];
        if (error && typeof error === 'object') {
          const inner = error as Record<string, unknown>;
          if (typeof inner['message'] === 'string' && inner['message']) {
            return { message: inner['message'], ...(typeof inner['code'] === 'string' ? { code: inner['code'] } : {}) };
          }
        }
        for (const value of [record['message'], error]) {
          if (typeof value === 'string' && value) return { message: value };
        }
      }
    } catch {
      // not JSON
    }
    if (text.length <= 500 && !text.trimStart().startsWith('<')) return { message: text.trim() };
  }
  return { message: `${response.status} ${response.statusText || 'request failed'}`.trim() };
}

export function createApi(options: ApiOptions) {
  const doFetch: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));

  async function call<T>(method: string, path: string, callOptions: CallOptions = {}): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (callOptions.body !== undefined) headers['Content-Type'] = 'application/json';
    if (MUTATING.has(method)) {
      const csrf = options.csrfToken();
      if (csrf) headers['X-CSRF-Token'] = csrf;
    }
    const response = await doFetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(callOptions.body !== undefined ? { body: JSON.stringify(callOptions.body) } : {}),
    });
    if (!response.ok) {
      const { message, code } = await readError(response);
      if (response.status === 401 && !callOptions.ownUnauthorized) options.onUnauthorized();
      throw new ApiError(response.status, message, code);
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  return {
    session: () => call<Session>('GET', '/api/session', { ownUnauthorized: true }),
    signIn: (token: string) => call<Session>('POST', '/api/session', { body: { token }, ownUnauthorized: true }),
    signInWithCode: (code: string) => call<Session>('POST', '/api/session/login-link', { body: { code }, ownUnauthorized: true }),
    signOut: () => call<void>('DELETE', '/api/session', { ownUnauthorized: true }),
    overview: () => call<Overview>('GET', '/api/overview'),
    stacks: (query: StackQuery) => call<Page<StackRow>>('GET', `/api/stacks${queryString(query)}`),
    stack: (key: ObjectKey) => call<StackDetail>('GET', `/api/stacks/${objectPath(key)}`),
    sources: (query: StackQuery) => call<Page<SourceRow>>('GET', `/api/sources${queryString(query)}`),
    act: (target: ActionTarget, key: ObjectKey, action: Action) => call<ActionResult>('POST', `/api/${target}/${objectPath(key)}/${action}`),
  };
}

export type Api = ReturnType<typeof createApi>;

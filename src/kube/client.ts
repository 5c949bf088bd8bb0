import { Agent, request as httpsRequest } from 'node:https';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { ErrorCodes, GovernorError } from '../errors.ts';
import type { Connection } from './config.ts';

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  accept?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface Impersonation {
  user: string;
  groups?: string[];
}

export interface KubeClientOptions {
  userAgent?: string;
  impersonate?: Impersonation;
  /** Upper bound on parallel connections to the API server. */
  maxSockets?: number;
  /** How long auth headers are reused before asking the kubeconfig again (tokens rotate). */
  authRefreshMs?: number;
}

/** The Kubernetes Status object an API server returns with an error. */
export interface ApiStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { causes?: { field?: string; message?: string; reason?: string }[] };
}

/** HTTP status of a failed API call, if the error came from the API server. */
export function apiStatusCode(err: unknown): number | undefined {
  if (err instanceof GovernorError && err.code === ErrorCodes.KubeApiError) return err.details.status as number | undefined;
  return undefined;
}

export function isNotFound(err: unknown): boolean {
  return apiStatusCode(err) === 404;
}

export function isConflict(err: unknown): boolean {
  return apiStatusCode(err) === 409;
}

/**
 * Raw JSON over HTTPS to one API server, with keep-alive connections shared by every request.
 * Bodies go out and come back as plain JSON: nothing is dropped or re-typed on the way.
 */
export class KubeClient {
  readonly conn: Connection;
  private readonly opts: KubeClientOptions;
  private readonly agent: Agent;
  private auth: { headers: Record<string, string>; at: number } | undefined;

  constructor(conn: Connection, opts: KubeClientOptions = {}, agent?: Agent) {
    this.conn = conn;
    this.opts = opts;
    this.agent = agent ?? new Agent({ ...conn.tls, keepAlive: true, maxSockets: opts.maxSockets ?? 64 });
  }

  /** The same connection acting as another user (Kubernetes impersonation). */
  impersonating(who: Impersonation): KubeClient {
    return new KubeClient(this.conn, { ...this.opts, impersonate: who }, this.agent);
  }

  close(): void {
    this.agent.destroy();
  }

  async request<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.send(method, path, opts);
    const text = await readBody(res);
    const status = res.statusCode ?? 0;
    if (status >= 200 && status < 300) return (text ? JSON.parse(text) : undefined) as T;
    if (status === 401) this.auth = undefined;
    throw apiError(method, path, status, text);
  }

  /**
   * A streaming GET (watch): calls onLine for each newline-delimited JSON document until the
   * server ends the response, the signal aborts, or no byte arrives for idleMs.
   */
  async stream(path: string, opts: RequestOptions & { idleMs?: number }, onLine: (line: string) => void): Promise<void> {
    const res = await this.send('GET', path, opts);
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) throw apiError('GET', path, status, await readBody(res));
    await new Promise<void>((resolve, reject) => {
      let buf = '';
      let idle: NodeJS.Timeout | undefined;
      const arm = () => {
        if (!opts.idleMs) return;
        clearTimeout(idle);
        idle = setTimeout(() => res.destroy(new Error(`watch ${path} silent for ${opts.idleMs} ms`)), opts.idleMs);
      };
      arm();
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        arm();
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i).trim();
          buf = buf.slice(i + 1);
          if (line) onLine(line);
        }
      });
      res.once('end', () => {
        clearTimeout(idle);
        if (buf.trim()) onLine(buf.trim());
        resolve();
      });
      res.on('error', (err) => {
        clearTimeout(idle);
        reject(err);
      });
      res.once('close', () => {
        clearTimeout(idle);
        resolve();
      });
    });
  }

  private async headers(): Promise<Record<string, string>> {
    const refresh = this.opts.authRefreshMs ?? 60_000;
    if (!this.auth || Date.now() - this.auth.at > refresh) this.auth = { headers: await this.conn.authHeaders(), at: Date.now() };
    const h: Record<string, string> = { ...this.auth.headers, 'user-agent': this.opts.userAgent ?? 'governor' };
    const imp = this.opts.impersonate;
    if (imp) {
      h['impersonate-user'] = imp.user;
      // node:http sends an array header as repeated lines, which is what the API server expects.
      if (imp.groups?.length) (h as Record<string, string | string[]>)['impersonate-group'] = imp.groups;
    }
    return h;
  }

  private async send(method: string, path: string, opts: RequestOptions): Promise<IncomingMessage> {
    const url = new URL(this.conn.server + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const payload = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    const headers: Record<string, string | string[] | number> = {
      ...(await this.headers()),
      accept: opts.accept ?? 'application/json',
    };
    if (payload !== undefined) {
      headers['content-type'] = opts.contentType ?? 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    const doRequest = url.protocol === 'http:' ? httpRequest : httpsRequest;
    return new Promise((resolve, reject) => {
      const req = doRequest(url, {
        method,
        headers,
        agent: url.protocol === 'http:' ? undefined : this.agent,
        signal: opts.signal,
        timeout: opts.timeoutMs ?? 30_000,
      });
      req.once('response', resolve);
      req.once('timeout', () => req.destroy(new Error(`${method} ${path}: no response within ${opts.timeoutMs ?? 30_000} ms`)));
      // `on`, not `once`: an abort racing the end of a response can emit a second error, and an
      // error event without a listener would crash the process.
      req.on('error', (err) =>
        reject(new GovernorError(ErrorCodes.KubeApiError, `${method} ${url.pathname}: ${err.message}`, { cause: err, details: { status: 0 } })),
      );
      req.end(payload);
    });
  }
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

function apiError(method: string, path: string, status: number, text: string): GovernorError {
  let st: ApiStatus;
  try {
    st = JSON.parse(text) as ApiStatus;
  } catch {
    st = { message: text.slice(0, 500) };
  }
  const message = st.message || `HTTP ${status}`;
  return new GovernorError(ErrorCodes.KubeApiError, message, {
    details: { status, reason: st.reason, causes: st.details?.causes, method, path: path.split('?')[0] },
  });
}

import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import { git } from './exec.ts';

export interface GitServerOptions {
  /** Require HTTP basic auth for every request. */
  auth?: { username: string; password: string };
}

/**
 * Bare repositories served over HTTP on 127.0.0.1 by the real `git http-backend` (CGI),
 * with optional basic auth. Runs inside the test process: stopping it leaves nothing behind.
 */
export class GitServer {
  root = '';
  port = 0;
  private server: Server | undefined;

  private readonly opts: GitServerOptions;

  constructor(opts: GitServerOptions = {}) {
    this.opts = opts;
  }

  async start(): Promise<this> {
    this.root = await mkdtemp(join(tmpdir(), 'governor-git-'));
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const addr = this.server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
    return this;
  }

  async stop(): Promise<void> {
    if (this.server) {
      this.server.closeAllConnections();
      await new Promise<void>((resolve) => this.server!.close(() => resolve()));
      this.server = undefined;
    }
    if (this.root) await rm(this.root, { recursive: true, force: true });
  }

  /** Creates an empty bare repository `<name>.git` with pushes over HTTP allowed. */
  async createRepo(name: string, defaultBranch = 'main'): Promise<string> {
    const dir = join(this.root, `${name}.git`);
    await mkdir(dir, { recursive: true });
    await git(['init', '--bare', '--quiet', `--initial-branch=${defaultBranch}`, dir]);
    await git(['config', 'http.receivepack', 'true'], { cwd: dir });
    // Like GitHub and GitLab: partial clones (--filter=blob:none) are allowed.
    await git(['config', 'uploadpack.allowFilter', 'true'], { cwd: dir });
    return this.url(name);
  }

  url(name: string, creds?: { username: string; password: string }): string {
    const auth = creds ? `${encodeURIComponent(creds.username)}:${encodeURIComponent(creds.password)}@` : '';
    return `http://${auth}127.0.0.1:${this.port}/${name}.git`;
  }

  private authorized(req: IncomingMessage): string | undefined {
    const want = this.opts.auth;
    if (!want) return 'anonymous';
    const header = req.headers.authorization ?? '';
    if (!header.startsWith('Basic ')) return undefined;
    const given = Buffer.from(header.slice(6), 'base64');
    const expected = Buffer.from(`${want.username}:${want.password}`);
    return given.length === expected.length && timingSafeEqual(given, expected) ? want.username : undefined;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const user = this.authorized(req);
    if (!user) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="governor-test"' }).end('authentication required\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const cgi = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: this.root,
        GIT_HTTP_EXPORT_ALL: '1',
        GIT_CONFIG_NOSYSTEM: '1',
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        REMOTE_USER: user,
        REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
        ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: String(req.headers['content-encoding']) } : {}),
        ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    req.pipe(cgi.stdin);
    cgi.stderr.resume();
    let head = Buffer.alloc(0);
    let headersDone = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      headersDone = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString().split('\r\n')) {
        const i = line.indexOf(':');
        if (i < 0) continue;
        const k = line.slice(0, i).trim();
        const v = line.slice(i + 1).trim();
        if (k.toLowerCase() === 'status') status = parseInt(v, 10);
        else headers[k] = v;
      }
      res.writeHead(status, headers);
      res.write(head.subarray(end + 4));
    });
    cgi.once('close', () => {
      if (!headersDone) res.writeHead(502).end('git http-backend failed\n');
      else res.end();
    });
    cgi.once('error', () => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  }
}

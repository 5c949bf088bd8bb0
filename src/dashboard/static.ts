/**
 * The built single-page app (web/ → dist/web) and the headers every response carries. Any GET
 * outside /api that names no file gets index.html, so the app's own routes survive a reload.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { Context, MiddlewareHandler } from 'hono';

/** The graph library positions nodes with inline styles; nothing else is relaxed. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.res.headers.set('content-security-policy', CONTENT_SECURITY_POLICY);
  c.res.headers.set('x-content-type-options', 'nosniff');
  c.res.headers.set('referrer-policy', 'no-referrer');
  c.res.headers.set('x-frame-options', 'DENY');
  c.res.headers.set('cross-origin-opener-policy', 'same-origin');
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Governor</title></head>
<body><h1>Governor dashboard</h1>
<p>The web app is not built. Run <code>make build</code> and reload this page.</p>
<p>The API is served under <code>/api</code>.</p></body></html>
`;

async function fileAt(path: string): Promise<Buffer | undefined> {
  try {
    const st = await stat(path);
    if (!st.isFile()) return undefined;
    return await readFile(path);
  } catch {
    return undefined;
  }
}

/** A path inside root, or undefined for anything that would leave it or is not a plain path. */
export function resolveInside(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const base = resolve(root);
  const full = resolve(base, '.' + (decoded.startsWith('/') ? decoded : `/${decoded}`));
  return full === base || full.startsWith(base + sep) ? full : undefined;
}

export function staticFiles(root: string): (c: Context) => Promise<Response> {
  return async (c) => {
    const path = c.req.path;
    const full = resolveInside(root, path);
    if (full && path !== '/') {
      const body = await fileAt(full);
      if (body) {
        const type = TYPES[extname(full).toLowerCase()] ?? 'application/octet-stream';
        // Vite names assets by content hash: they never change under the same name.
        const cache = path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
        return c.body(new Uint8Array(body), 200, { 'content-type': type, 'cache-control': cache });
      }
      // A missing asset is a 404; only app routes (no extension) fall back to the page.
      if (extname(path)) return c.text('not found\n', 404);
    }
    const index = await fileAt(join(resolve(root), 'index.html'));
    return c.body(index ? new Uint8Array(index) : NOT_BUILT_PAGE, 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
  };
}

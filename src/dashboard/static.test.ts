import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { CONTENT_SECURITY_POLICY, NOT_BUILT_PAGE, resolveInside, securityHeaders, staticFiles } from './static.ts';

test('paths stay inside the root', () => {
  assert.equal(resolveInside('/srv/web', '/assets/a.js'), '/srv/web/assets/a.js');
  assert.equal(resolveInside('/srv/web', '/../etc/passwd'), undefined);
  assert.equal(resolveInside('/srv/web', '/%2e%2e/%2e%2e/etc/passwd'), undefined);
  assert.equal(resolveInside('/srv/web', '/a/../b.js'), '/srv/web/b.js');
  assert.equal(resolveInside('/srv/web', '/a%00b'), undefined);
  assert.equal(resolveInside('/srv/web', '/a%5c..%5cb'), undefined);
  assert.equal(resolveInside('/srv/web', '/%E0%A4%A'), undefined);
});

test('files, the index fallback for app routes, 404 for missing assets, and the not-built page', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'governor-static-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const app = new Hono();
  app.use('*', securityHeaders);
  app.get('*', staticFiles(dir));

  const empty = await app.request('/stacks/a/b');
  assert.equal(await empty.text(), NOT_BUILT_PAGE);
  assert.equal(empty.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);

  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), '<html>app</html>');
  await writeFile(join(dir, 'assets', 'app-1.js'), 'console.log(1)');
  const js = await app.request('/assets/app-1.js');
  assert.equal(js.status, 200);
  assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.match(js.headers.get('cache-control') ?? '', /immutable/);
  assert.equal(js.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(js.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(await (await app.request('/')).text(), '<html>app</html>');
  assert.equal(await (await app.request('/stacks/a/b')).text(), '<html>app</html>');
  assert.equal((await app.request('/assets/missing.js')).status, 404);
  assert.equal(await (await app.request('/..%2f..%2fetc%2fpasswd')).text(), '<html>app</html>');
});

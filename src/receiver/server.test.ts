import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { API_VERSION } from '../api/constants.ts';
import type { Receiver, ReceiverSpec } from '../api/receiver.ts';
import { ControllerMetrics } from '../controller/metrics.ts';
import { createLogger } from '../log.ts';
import { webhookPath } from './path.ts';
import { receiverApp, startReceiverServer } from './server.ts';
import type { ReceiverAppDeps } from './server.ts';

const TOKEN = 'correct-horse-battery-staple';

function receiver(name: string, spec: Partial<ReceiverSpec> & Pick<ReceiverSpec, 'type'>): Receiver {
  return {
    apiVersion: API_VERSION,
    kind: 'Receiver',
    metadata: { name, namespace: 'default' },
    spec: { secretRef: { name: 'hook-token' }, resources: [{ kind: 'GitRepository', name: 'app' }], suspend: false, ...spec },
  };
}

interface Harness {
  url: (r: Receiver) => string;
  base: string;
  triggers: { receiver: string; event: string | undefined }[];
  lookups: string[];
  logs: string[];
  metrics: ControllerMetrics;
}

/** A real server on a random port; the Kubernetes side is replaced by an in-memory map. */
async function start(t: TestContext, receivers: Receiver[], opts: Partial<ReceiverAppDeps> = {}): Promise<Harness> {
  const byPath = new Map(receivers.map((r) => [webhookPath(TOKEN, r.metadata.name, r.metadata.namespace!), r]));
  const h: Omit<Harness, 'base'> = {
    url: () => '',
    triggers: [],
    lookups: [],
    logs: [],
    metrics: new ControllerMetrics(),
  };
  const app = receiverApp({
    lookup: async (path) => {
      h.lookups.push(path);
      const r = byPath.get(path);
      return r && { receiver: r, token: TOKEN };
    },
    trigger: async (r, event) => void h.triggers.push({ receiver: r.metadata.name, event }),
    log: createLogger({ level: 'debug', destination: { write: (line: string) => void h.logs.push(line) } }),
    metrics: h.metrics,
    ...opts,
  });
  const server = await startReceiverServer({ address: '127.0.0.1:0', app });
  t.after(() => server.close());
  const base = `http://127.0.0.1:${server.port}`;
  return { ...h, base, url: (r) => base + webhookPath(TOKEN, r.metadata.name, r.metadata.namespace!) };
}

const pushBody = JSON.stringify({ ref: 'refs/heads/main', after: 'f'.repeat(40) });
const hmac = (body: string, key = TOKEN) => `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;

async function counted(m: ControllerMetrics, type: string, result: string): Promise<number> {
  const metric = await m.receiverRequests.get();
  return metric.values.find((v) => v.labels.type === type && v.labels.result === result)?.value ?? 0;
}

test('a correctly signed GitHub push is accepted and triggers once with event push', async (t) => {
  const gh = receiver('gh', { type: 'github' });
  const h = await start(t, [gh]);
  const res = await fetch(h.url(gh), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': hmac(pushBody) },
    body: pushBody,
  });
  assert.equal(res.status, 202);
  assert.deepEqual(await res.json(), { status: 'accepted' });
  assert.deepEqual(h.triggers, [{ receiver: 'gh', event: 'push' }]);
  assert.equal(await counted(h.metrics, 'github', 'accepted'), 1);
});

test('a wrong or missing GitHub signature gets the same 401 and triggers nothing', async (t) => {
  const gh = receiver('gh', { type: 'github' });
  const h = await start(t, [gh]);
  const wrongSig = hmac(pushBody, 'not-the-token');
  const attempts: Record<string, string>[] = [
    { 'x-hub-signature-256': wrongSig },
    {},
    { 'x-hub-signature-256': 'sha256=nothex' },
    { 'x-hub-signature-256': hmac('{"other":"body"}') },
  ];
  const answers: { status: number; body: string; type: string | null }[] = [];
  for (const headers of attempts) {
    const res = await fetch(h.url(gh), { method: 'POST', headers: { 'x-github-event': 'push', ...headers }, body: pushBody });
    answers.push({ status: res.status, body: await res.text(), type: res.headers.get('content-type') });
  }
  for (const a of answers) assert.deepEqual(a, answers[0]);
  assert.equal(answers[0]!.status, 401);
  assert.deepEqual(JSON.parse(answers[0]!.body), { error: 'unauthorized' });
  assert.equal(h.triggers.length, 0);
  assert.equal(await counted(h.metrics, 'github', 'unauthorized'), attempts.length);
  // The reason is in the debug log; neither the token nor the signature is, anywhere.
  const logs = h.logs.join('');
  assert.match(logs, /x-hub-signature-256 missing or wrong/);
  assert.ok(!logs.includes(TOKEN));
  assert.ok(!logs.includes(wrongSig.slice(7)));
});

test('a body over the limit is refused 413 whether Content-Length says so or it arrives chunked', async (t) => {
  const gh = receiver('gh', { type: 'github' });
  const h = await start(t, [gh], { maxBodyBytes: 1024 });
  const big = 'x'.repeat(4096);

  const declared = await fetch(h.url(gh), {
    method: 'POST',
    headers: { 'x-github-event': 'push', 'x-hub-signature-256': hmac(big) },
    body: big,
  });
  assert.equal(declared.status, 413);
  assert.deepEqual(await declared.json(), { error: 'payload too large' });

  // A stream body has no Content-Length, so fetch sends it chunked.
  let sent = 0;
  const chunk = new TextEncoder().encode('y'.repeat(512));
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= 8) return controller.close();
      sent++;
      controller.enqueue(chunk);
    },
  });
  const chunked = await fetch(h.url(gh), {
    method: 'POST',
    headers: { 'x-github-event': 'push', 'x-hub-signature-256': hmac('y'.repeat(4096)) },
    body: stream,
    duplex: 'half',
  } as RequestInit);
  assert.equal(chunked.status, 413);
  assert.deepEqual(await chunked.json(), { error: 'payload too large' });

  assert.equal(h.triggers.length, 0);
  assert.equal(await counted(h.metrics, 'github', 'too_large'), 2);
});

test('a body at the limit is read and verified', async (t) => {
  const gh = receiver('gh', { type: 'github' });
  const h = await start(t, [gh], { maxBodyBytes: 1024 });
  const exact = 'z'.repeat(1024);
  const res = await fetch(h.url(gh), { method: 'POST', headers: { 'x-hub-signature-256': hmac(exact) }, body: exact });
  assert.equal(res.status, 202);
});

test('unknown and malformed paths are 404, and a malformed one is never looked up', async (t) => {
  const gh = receiver('gh', { type: 'github' });
  const h = await start(t, [gh], { maxBodyBytes: 16 });
  const unknown = `${h.base}${webhookPath('other-token', 'gh', 'default')}`;
  // 404 comes before the body is considered: an unknown path never says 413.
  const res = await fetch(unknown, { method: 'POST', headers: { 'x-hub-signature-256': hmac(pushBody) }, body: pushBody });
  assert.equal(res.status, 404);
  assert.deepEqual(await res.json(), { error: 'not found' });
  for (const path of ['/hook/abc', `/hook/${'A'.repeat(64)}`, '/', '/hooks', `${webhookPath(TOKEN, 'gh', 'default')}/x`]) {
    const r = await fetch(h.base + path, { method: 'POST', body: '{}' });
    assert.equal(r.status, 404, path);
    await r.body?.cancel();
  }
  assert.equal(h.lookups.length, 1);
  assert.equal(h.triggers.length, 0);
});

test('other methods on a hook path are 405, without a lookup', async (t) => {
  const gh = receiver('gh', { type: 'github' });
  const h = await start(t, [gh]);
  for (const method of ['GET', 'PUT', 'DELETE', 'HEAD']) {
    const res = await fetch(h.url(gh), { method });
    assert.equal(res.status, 405, method);
    assert.equal(res.headers.get('allow'), 'POST');
    await res.body?.cancel();
  }
  assert.equal(h.lookups.length, 0);
  assert.equal(h.triggers.length, 0);
});

test('GitLab: the right X-Gitlab-Token is accepted with a normalised event, a wrong one is 401', async (t) => {
  const gl = receiver('gl', { type: 'gitlab' });
  const h = await start(t, [gl]);
  const ok = await fetch(h.url(gl), { method: 'POST', headers: { 'x-gitlab-token': TOKEN, 'x-gitlab-event': 'Tag Push Hook' }, body: '{}' });
  assert.equal(ok.status, 202);
  assert.deepEqual(h.triggers, [{ receiver: 'gl', event: 'tag_push' }]);

  const wrong = await fetch(h.url(gl), { method: 'POST', headers: { 'x-gitlab-token': 'nope', 'x-gitlab-event': 'Push Hook' }, body: '{}' });
  assert.equal(wrong.status, 401);
  const wrongBody = await wrong.text();
  assert.deepEqual(JSON.parse(wrongBody), { error: 'unauthorized' });
  assert.ok(!wrongBody.includes('nope'));
  const missing = await fetch(h.url(gl), { method: 'POST', headers: { 'x-gitlab-event': 'Push Hook' }, body: '{}' });
  assert.equal(missing.status, 401);
  assert.equal(await missing.text(), wrongBody);
  assert.equal(h.triggers.length, 1);
});

test('generic-hmac: a signed call is accepted with its X-Event; a bad signature is 401', async (t) => {
  const gen = receiver('gen', { type: 'generic-hmac' });
  const h = await start(t, [gen]);
  const body = '{"image":"app:1.2.3"}';
  const ok = await fetch(h.url(gen), { method: 'POST', headers: { 'x-signature': hmac(body), 'x-event': 'image' }, body });
  assert.equal(ok.status, 202);
  const noEvent = await fetch(h.url(gen), { method: 'POST', headers: { 'x-signature': hmac(body) }, body });
  assert.equal(noEvent.status, 202);
  assert.deepEqual(h.triggers, [
    { receiver: 'gen', event: 'image' },
    { receiver: 'gen', event: undefined },
  ]);
  const bad = await fetch(h.url(gen), { method: 'POST', headers: { 'x-signature': hmac(body, 'wrong') }, body });
  assert.equal(bad.status, 401);
  assert.deepEqual(await bad.json(), { error: 'unauthorized' });
  assert.equal(h.triggers.length, 2);
});

test('a verified call whose event is filtered out is ignored and triggers nothing', async (t) => {
  const gh = receiver('gh', { type: 'github', events: ['push'] });
  const h = await start(t, [gh]);
  const body = '{"action":"published"}';
  const res = await fetch(h.url(gh), { method: 'POST', headers: { 'x-github-event': 'release', 'x-hub-signature-256': hmac(body) }, body });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: 'ignored' });
  assert.equal(h.triggers.length, 0);
  assert.equal(await counted(h.metrics, 'github', 'ignored'), 1);
});

test('a filtered call is still verified first: unsigned, it is 401 not ignored', async (t) => {
  const gh = receiver('gh', { type: 'github', events: ['push'] });
  const h = await start(t, [gh]);
  const res = await fetch(h.url(gh), { method: 'POST', headers: { 'x-github-event': 'release' }, body: '{}' });
  assert.equal(res.status, 401);
  await res.body?.cancel();
});

test('a GitHub ping is answered but triggers nothing', async (t) => {
  const gh = receiver('gh', { type: 'github' });
  const h = await start(t, [gh]);
  const body = '{"zen":"Keep it logically awesome."}';
  const res = await fetch(h.url(gh), { method: 'POST', headers: { 'x-github-event': 'ping', 'x-hub-signature-256': hmac(body) }, body });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: 'ignored' });
  assert.equal(h.triggers.length, 0);
});

test('a failing trigger or lookup is a generic 500, logged', async (t) => {
  const gh = receiver('gh', { type: 'github' });
  const h = await start(t, [gh], {
    trigger: async () => {
      throw new Error('kube api unavailable');
    },
  });
  const res = await fetch(h.url(gh), { method: 'POST', headers: { 'x-hub-signature-256': hmac(pushBody) }, body: pushBody });
  assert.equal(res.status, 500);
  const text = await res.text();
  assert.deepEqual(JSON.parse(text), { error: 'internal error' });
  assert.ok(!text.includes('kube api'));
  assert.match(h.logs.join(''), /kube api unavailable/);
  assert.equal(await counted(h.metrics, 'github', 'error'), 1);

  const broken = await start(t, [gh], {
    lookup: async () => {
      throw new Error('cache not synced');
    },
  });
  const res2 = await fetch(broken.url(gh), { method: 'POST', body: '{}' });
  assert.equal(res2.status, 500);
  assert.deepEqual(await res2.json(), { error: 'internal error' });
});

test('close() returns promptly with a kept-alive connection open', async (t) => {
  const gh = receiver('gh', { type: 'github' });
  const app = receiverApp({
    lookup: async () => ({ receiver: gh, token: TOKEN }),
    trigger: async () => {},
    log: createLogger({ level: 'silent' }),
  });
  const server = await startReceiverServer({ address: '127.0.0.1:0', app });
  let closed = false;
  t.after(() => (closed ? undefined : server.close()));
  const res = await fetch(`http://127.0.0.1:${server.port}${webhookPath(TOKEN, 'gh', 'default')}`, {
    method: 'POST',
    headers: { 'x-hub-signature-256': hmac('{}') },
    body: '{}',
  });
  assert.equal(res.status, 202);
  await res.text();
  const started = Date.now();
  await server.close();
  closed = true;
  assert.ok(Date.now() - started < 1000);
});

test('an address already in use is reported, not left hanging', async (t) => {
  const app = receiverApp({ lookup: async () => undefined, trigger: async () => {}, log: createLogger({ level: 'silent' }) });
  const first = await startReceiverServer({ address: '127.0.0.1:0', app });
  t.after(() => first.close());
  await assert.rejects(startReceiverServer({ address: `127.0.0.1:${first.port}`, app }), /EADDRINUSE/);
});

import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deliver, parseRetryAfter } from './deliver.ts';
import type { OutgoingRequest } from './providers/types.ts';

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local HTTP server answering each request with the next handler (the last one repeats). */
async function serve(t: TestContext, ...handlers: ((req: IncomingMessage, res: ServerResponse, body: string) => void)[]) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ method: req.method!, path: req.url!, headers: req.headers, body });
      const handler = handlers[Math.min(received.length - 1, handlers.length - 1)]!;
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

const status = (code: number, body = '', headers: Record<string, string> = {}) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(code, headers);
  res.end(body);
};

function request(url: string): OutgoingRequest {
  return { url, headers: { 'Content-Type': 'application/json', 'X-Custom': 'yes' }, body: '{"text":"hello ✓"}' };
}

function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

test('a 2xx is delivered on the first attempt, with method, headers and exact body', async (t) => {
  const server = await serve(t, status(204));
  const result = await deliver(request(`${server.origin}/hook?x=1`), { timeoutMs: 2000 });
  assert.deepEqual(result, { ok: true, status: 204, attempts: 1 });
  assert.equal(server.received.length, 1);
  const got = server.received[0]!;
  assert.equal(got.method, 'POST');
  assert.equal(got.path, '/hook?x=1');
  assert.equal(got.body, '{"text":"hello ✓"}');
  assert.equal(got.headers['content-type'], 'application/json');
  assert.equal(got.headers['x-custom'], 'yes');
  assert.equal(got.headers['user-agent'], 'governor');
});

test('5xx is retried with exponential backoff and jitter until it succeeds', async (t) => {
  const server = await serve(t, status(500), status(502), status(200));
  const { waits, sleep } = recordingSleep();
  const result = await deliver(request(`${server.origin}/h`), { timeoutMs: 2000, baseDelayMs: 100, sleep, random: () => 1 });
  assert.deepEqual(result, { ok: true, status: 200, attempts: 3 });
  assert.deepEqual(waits, [100, 200]);
  const low = recordingSleep();
  const again = await serve(t, status(500), status(500), status(500), status(200));
  await deliver(request(`${again.origin}/h`), { timeoutMs: 2000, baseDelayMs: 100, sleep: low.sleep, random: () => 0 });
  assert.deepEqual(low.waits, [50, 100, 200], 'jitter takes up to half of each wait off');
});

test('a persistent 5xx gives up after the attempts, quoting the response and only scheme and host', async (t) => {
  const server = await serve(t, status(503, 'upstream  down\n'));
  const { sleep } = recordingSleep();
  const result = await deliver(request(`${server.origin}/services/T0/SECRETPATH?token=q`), { timeoutMs: 2000, sleep });
  assert.deepEqual(result, { ok: false, attempts: 4, status: 503, error: `${server.origin}: HTTP 503: upstream down` });
  assert.equal(server.received.length, 4);
});

test('4xx is never retried; a server echoing the path has it redacted', async (t) => {
  const server = await serve(t, (req, res) => {
    res.writeHead(400);
    res.end(`no such hook ${req.url}`);
  });
  const { waits, sleep } = recordingSleep();
  const result = await deliver(request(`${server.origin}/services/T0/SECRETPATH`), { timeoutMs: 2000, sleep });
  assert.equal(result.ok, false);
  assert.equal(result.attempts, 1);
  assert.deepEqual(waits, []);
  assert.ok(!result.ok && !result.error.includes('SECRETPATH'), !result.ok ? result.error : '');
  assert.ok(!result.ok && result.error.startsWith(`${server.origin}: HTTP 400: no such hook`));
});

test('secrets passed in are scrubbed from the error', async (t) => {
  const server = await serve(t, status(401, 'bad token tk-123456'));
  const result = await deliver(request(`${server.origin}/x`), { timeoutMs: 2000, secrets: ['tk-123456'] });
  assert.ok(!result.ok);
  assert.equal(result.error, `${server.origin}: HTTP 401: bad token [redacted]`);
});

test('429 is retried, honouring Retry-After within the cap', async (t) => {
  const server = await serve(t, status(429, '', { 'Retry-After': '3' }), status(429, '', { 'Retry-After': '120' }), status(200));
  const { waits, sleep } = recordingSleep();
  const result = await deliver(request(`${server.origin}/h`), { timeoutMs: 2000, baseDelayMs: 10, maxDelayMs: 60_000, sleep, random: () => 1 });
  assert.equal(result.ok, true);
  assert.deepEqual(waits, [3000, 60_000]);
});

test('a redirect is neither followed nor retried', async (t) => {
  const server = await serve(t, status(302, '', { Location: 'http://127.0.0.1:1/elsewhere' }));
  const result = await deliver(request(`${server.origin}/h`), { timeoutMs: 2000 });
  assert.deepEqual(result, { ok: false, attempts: 1, status: 302, error: `${server.origin}: HTTP 302: redirected; set the address to where it points` });
});

test('each attempt is bounded by the timeout, and a timeout is retried', async (t) => {
  const server = await serve(t, () => {
    // Never answers.
  });
  const { sleep } = recordingSleep();
  const started = performance.now();
  const result = await deliver(request(`${server.origin}/slow`), { timeoutMs: 100, attempts: 2, sleep });
  assert.deepEqual(result, { ok: false, attempts: 2, error: `${server.origin}: timed out after 100ms` });
  assert.equal(server.received.length, 2);
  assert.ok(performance.now() - started < 2000);
});

test('network errors are retried and reported without the path', async () => {
  // A port just freed refuses connections.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise((resolve) => probe.close(resolve));
  const { waits, sleep } = recordingSleep();
  const result = await deliver(request(`${origin}/services/SECRETPATH`), { timeoutMs: 2000, attempts: 3, sleep });
  assert.equal(result.ok, false);
  assert.equal(result.attempts, 3);
  assert.equal(waits.length, 2);
  assert.ok(!result.ok && result.error.startsWith(`${origin}: `) && result.error.includes('ECONNREFUSED'), !result.ok ? result.error : '');
  assert.ok(!result.ok && !result.error.includes('SECRETPATH'));
});

test('aborting stops the retries at once', async (t) => {
  const server = await serve(t, status(500));
  const controller = new AbortController();
  const started = performance.now();
  const pending = deliver(request(`${server.origin}/h`), { timeoutMs: 2000, baseDelayMs: 60_000, signal: controller.signal });
  setTimeout(() => controller.abort(), 50);
  const result = await pending;
  assert.equal(result.ok, false);
  assert.ok(!result.ok && result.cancelled);
  assert.equal(result.attempts, 1);
  assert.ok(performance.now() - started < 2000);
});

test('aborting cancels an attempt under way', async (t) => {
  const server = await serve(t, () => {});
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 50);
  const result = await deliver(request(`${server.origin}/h`), { timeoutMs: 10_000, signal: controller.signal });
  assert.ok(!result.ok && result.cancelled);
  assert.equal(result.attempts, 1);
});

test('parseRetryAfter reads seconds and HTTP dates', () => {
  assert.equal(parseRetryAfter('5', 0), 5000);
  assert.equal(parseRetryAfter(null, 0), undefined);
  assert.equal(parseRetryAfter('soon', 0), undefined);
  const now = Date.parse('2025-01-01T00:00:00Z');
  assert.equal(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', now), 10_000);
});

import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Alert, AlertSpec, Provider, ProviderSpec } from '../api/notification.ts';
import type { EventSink, EventType } from '../controller/events.ts';
import { ControllerMetrics } from '../controller/metrics.ts';
import type { KubeObject } from '../kube/types.ts';
import { createLogger } from '../log.ts';
import { Notifier, validateProvider } from './dispatcher.ts';
import type { NotifierDeps } from './dispatcher.ts';
import type { NotificationEvent } from './event.ts';

// ---------- fixtures ----------

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

interface TestServer {
  origin: string;
  received: Received[];
  /** Answers every request; replace to change what the server says. */
  handler: Handler;
}

const ok: Handler = (_req, res) => {
  res.writeHead(200);
  res.end('ok');
};

function answer(...codes: number[]): Handler {
  let i = 0;
  return (_req, res) => {
    res.writeHead(codes[Math.min(i++, codes.length - 1)]!);
    res.end(`status ${res.statusCode}`);
  };
}

/** A real HTTP server on the loopback address, closed when the test ends. */
async function serve(t: TestContext, handler: Handler = ok): Promise<TestServer> {
  const srv: TestServer = { origin: '', received: [], handler };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      srv.received.push({ method: req.method!, path: req.url!, headers: req.headers, body });
      srv.handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  srv.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return srv;
}

function alert(name: string, spec: Partial<AlertSpec> & Pick<AlertSpec, 'providerRef'>, namespace = 'apps'): Alert {
  return {
    apiVersion: 'governor.dev/v1alpha1',
    kind: 'Alert',
    metadata: { name, namespace, uid: `uid-${name}` },
    spec: { eventSeverity: 'info', eventSources: [{ kind: '*', name: '*' }], repeatWindow: '5m', suspend: false, ...spec },
  };
}

function provider(name: string, spec: Partial<ProviderSpec> & Pick<ProviderSpec, 'type'>, namespace = 'apps'): Provider {
  return { apiVersion: 'governor.dev/v1alpha1', kind: 'Provider', metadata: { name, namespace }, spec: { timeout: '5s', suspend: false, ...spec } };
}

const SHA = 'a1b2c3d4'.repeat(5);

function event(overrides: Partial<NotificationEvent> = {}): NotificationEvent {
  return {
    involvedObject: { apiVersion: 'governor.dev/v1alpha1', kind: 'Stack', namespace: 'apps', name: 'web', uid: 'stack-uid' },
    severity: 'info',
    reason: 'Applied',
    message: 'applied 3 objects',
    revision: `main@sha1:${SHA}`,
    timestamp: '2025-01-01T00:00:00Z',
    ...overrides,
  };
}

interface Recorded {
  obj: KubeObject;
  type: EventType;
  reason: string;
  message: string;
}

interface Harness {
  notifier: Notifier;
  events: Recorded[];
  logs: string[];
  metrics: ControllerMetrics;
  clock: { now: number };
  /** Sends one event and waits for everything it causes. */
  send(e?: NotificationEvent): Promise<void>;
  count(type: string, result: string): Promise<number>;
}

function harness(
  t: TestContext,
  setup: {
    alerts: Alert[];
    providers: Provider[];
    secrets?: Record<string, Record<string, string>>;
    sourceUrl?: string;
    deps?: Partial<NotifierDeps>;
  },
): Harness {
  const events: Recorded[] = [];
  const logs: string[] = [];
  const clock = { now: Date.parse('2025-01-01T00:00:00Z') };
  const metrics = new ControllerMetrics();
  const sink: EventSink = {
    async record(obj, type, reason, message) {
      events.push({ obj, type, reason, message });
    },
  };
  const notifier = new Notifier({
    alerts: () => setup.alerts,
    provider: (ns, name) => setup.providers.find((p) => p.metadata.namespace === ns && p.metadata.name === name),
    readSecret: async (ns, name) => setup.secrets?.[`${ns}/${name}`],
    sourceUrl: async () => setup.sourceUrl,
    events: sink,
    log: createLogger({ level: 'debug', destination: { write: (line: string) => void logs.push(line) } }),
    metrics,
    now: () => clock.now,
    retry: { attempts: 3, baseDelayMs: 1 },
    ...setup.deps,
  });
  t.after(() => notifier.stop());
  return {
    notifier,
    events,
    logs,
    metrics,
    clock,
    async send(e = event()) {
      notifier.notify(e);
      await notifier.idle();
    },
    async count(type, result) {
      const values = (await metrics.notificationDeliveries.get()).values;
      return values.find((v) => v.labels.provider_type === type && v.labels.result === result)?.value ?? 0;
    },
  };
}

// ---------- chat and webhook providers ----------

test('Slack, Teams, Discord, generic and generic-hmac each receive their exact request', async (t) => {
  const slack = await serve(t);
  const teams = await serve(t);
  const discord = await serve(t);
  const generic = await serve(t);
  const hmac = await serve(t);
  const h = harness(t, {
    alerts: [
      alert('slack', { providerRef: { name: 'slack' }, summary: 'prod-eu' }),
      alert('teams', { providerRef: { name: 'teams' } }),
      alert('discord', { providerRef: { name: 'discord' } }),
      alert('generic', { providerRef: { name: 'generic' }, summary: 'prod-eu' }),
      alert('hmac', { providerRef: { name: 'hmac' } }),
    ],
    providers: [
      provider('slack', { type: 'slack', channel: '#deploys', username: 'governor', secretRef: { name: 'slack-url' } }),
      provider('teams', { type: 'msteams', address: `${teams.origin}/webhookb2/abc` }),
      provider('discord', { type: 'discord', address: `${discord.origin}/api/webhooks/1/tok` }),
      provider('generic', { type: 'generic', address: `${generic.origin}/events` }),
      provider('hmac', { type: 'generic-hmac', address: `${hmac.origin}/signed`, secretRef: { name: 'hmac-key' } }),
    ],
    secrets: {
      'apps/slack-url': { address: `${slack.origin}/services/T0/B0/SECRET` },
      'apps/hmac-key': { token: 'hmac-secret-key' },
    },
  });
  const e = event();
  await h.send(e);

  assert.equal(slack.received.length, 1);
  assert.equal(slack.received[0]!.path, '/services/T0/B0/SECRET');
  assert.equal(slack.received[0]!.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(slack.received[0]!.body), {
    channel: '#deploys',
    username: 'governor',
    attachments: [
      {
        color: 'good',
        title: 'Stack apps/web: Applied',
        text: 'applied 3 objects',
        fallback: 'Stack apps/web: Applied: applied 3 objects',
        fields: [
          { title: 'Revision', value: `main@sha1:${SHA}`, short: false },
          { title: 'Summary', value: 'prod-eu', short: false },
        ],
      },
    ],
  });

  assert.equal(teams.received[0]!.path, '/webhookb2/abc');
  const card = JSON.parse(teams.received[0]!.body);
  assert.equal(card.type, 'message');
  assert.equal(card.attachments[0].contentType, 'application/vnd.microsoft.card.adaptive');
  assert.deepEqual(card.attachments[0].content.body, [
    { type: 'TextBlock', text: 'Stack apps/web: Applied', size: 'Medium', weight: 'Bolder', wrap: true, color: 'Good' },
    { type: 'TextBlock', text: 'applied 3 objects', wrap: true },
    { type: 'FactSet', facts: [{ title: 'Revision', value: `main@sha1:${SHA}` }] },
  ]);

  assert.equal(discord.received[0]!.path, '/api/webhooks/1/tok');
  assert.deepEqual(JSON.parse(discord.received[0]!.body), {
    embeds: [
      {
        title: 'Stack apps/web: Applied',
        description: 'applied 3 objects',
        color: 0x2ecc71,
        fields: [{ name: 'Revision', value: `main@sha1:${SHA}`, inline: false }],
        timestamp: '2025-01-01T00:00:00Z',
      },
    ],
    allowed_mentions: { parse: [] },
  });

  assert.equal(generic.received[0]!.method, 'POST');
  assert.equal(
    generic.received[0]!.body,
    JSON.stringify({
      involvedObject: e.involvedObject,
      severity: 'info',
      reason: 'Applied',
      message: 'applied 3 objects',
      revision: `main@sha1:${SHA}`,
      timestamp: '2025-01-01T00:00:00Z',
      summary: 'prod-eu',
    }),
  );

  const signed = hmac.received[0]!;
  assert.equal(signed.body, JSON.stringify({ involvedObject: e.involvedObject, severity: 'info', reason: 'Applied', message: 'applied 3 objects', revision: `main@sha1:${SHA}`, timestamp: '2025-01-01T00:00:00Z' }));
  assert.equal(signed.headers['x-signature'], 'sha256=' + createHmac('sha256', 'hmac-secret-key').update(Buffer.from(signed.body, 'utf8')).digest('hex'));

  for (const type of ['slack', 'msteams', 'discord', 'generic', 'generic-hmac']) assert.equal(await h.count(type, 'sent'), 1, type);
  assert.deepEqual(h.events, []);
});

test('notify returns before anything is sent, and never throws', async (t) => {
  const server = await serve(t);
  const h = harness(t, {
    alerts: [alert('a', { providerRef: { name: 'p' } })],
    providers: [provider('p', { type: 'generic', address: `${server.origin}/x` })],
  });
  h.notifier.notify(event());
  assert.equal(server.received.length, 0);
  await h.notifier.idle();
  assert.equal(server.received.length, 1);

  const broken = harness(t, {
    alerts: [],
    providers: [],
    deps: {
      alerts: () => {
        throw new Error('informer not synced');
      },
    },
  });
  assert.doesNotThrow(() => broken.notifier.notify(event()));
  await broken.notifier.idle();
  assert.ok(broken.logs.some((l) => l.includes('cannot list Alerts')));
});

test('only matching Alerts send; missing and suspended Providers are skipped', async (t) => {
  const server = await serve(t);
  const h = harness(t, {
    alerts: [
      alert('errors-only', { providerRef: { name: 'p' }, eventSeverity: 'error' }),
      alert('other-stack', { providerRef: { name: 'p' }, eventSources: [{ kind: 'Stack', name: 'api' }] }),
      alert('missing', { providerRef: { name: 'nope' } }),
      alert('suspended-provider', { providerRef: { name: 'off' } }),
      alert('elsewhere', { providerRef: { name: 'p' } }, 'team-b'),
      alert('matches', { providerRef: { name: 'p' }, exclusionList: ['^pruned'] }),
    ],
    providers: [
      provider('p', { type: 'generic', address: `${server.origin}/x` }),
      provider('off', { type: 'generic', address: `${server.origin}/off`, suspend: true }),
    ],
  });
  await h.send(event());
  await h.send(event({ message: 'pruned 1 object' }));
  assert.deepEqual(
    server.received.map((r) => [r.path, JSON.parse(r.body).message]),
    [['/x', 'applied 3 objects']],
  );
  assert.ok(h.logs.some((l) => l.includes('Provider not found')));
  assert.ok(h.logs.some((l) => l.includes('Provider suspended')));
});

test('a repeat within the window is suppressed, and sent again once the window has passed', async (t) => {
  const server = await serve(t);
  const h = harness(t, {
    alerts: [alert('a', { providerRef: { name: 'p' }, repeatWindow: '10m' })],
    providers: [provider('p', { type: 'slack', address: `${server.origin}/hook` })],
  });
  await h.send(event());
  await h.send(event({ timestamp: '2025-01-01T00:01:00Z' }));
  assert.equal(server.received.length, 1);
  assert.equal(await h.count('slack', 'suppressed'), 1);

  await h.send(event({ message: 'applied 4 objects' }));
  assert.equal(server.received.length, 2, 'a different message is not a repeat');

  h.clock.now += 10 * 60_000;
  await h.send(event());
  assert.equal(server.received.length, 3);
  assert.equal(await h.count('slack', 'sent'), 3);
});

// ---------- retries and failures ----------

test('a 500 then a 200 is retried and delivered once', async (t) => {
  const server = await serve(t, answer(500, 200));
  const h = harness(t, {
    alerts: [alert('a', { providerRef: { name: 'p' } })],
    providers: [provider('p', { type: 'discord', address: `${server.origin}/api/webhooks/1/tok` })],
  });
  await h.send();
  assert.equal(server.received.length, 2);
  assert.equal(server.received[0]!.body, server.received[1]!.body);
  assert.equal(await h.count('discord', 'sent'), 1);
  assert.equal(await h.count('discord', 'failed'), 0);
  assert.deepEqual(h.events, []);
});

test('a persistent 500 gives up with a NotificationFailed event on the Alert, a metric, and no secret anywhere', async (t) => {
  const server = await serve(t, answer(500));
  const a = alert('on-call', { providerRef: { name: 'slack' } });
  const h = harness(t, {
    alerts: [a],
    providers: [provider('slack', { type: 'slack', secretRef: { name: 'hook' } })],
    secrets: { 'apps/hook': { address: `${server.origin}/services/T0/B0/SUPERSECRET` } },
  });
  await h.send();
  assert.equal(server.received.length, 3);
  assert.equal(await h.count('slack', 'failed'), 1);
  assert.equal(h.events.length, 1);
  const recorded = h.events[0]!;
  assert.equal(recorded.obj, a);
  assert.equal(recorded.type, 'Warning');
  assert.equal(recorded.reason, 'NotificationFailed');
  assert.equal(recorded.message, `delivery to provider apps/slack (slack) failed after 3 attempts: ${server.origin}: HTTP 500: status 500`);
  assert.ok(!h.logs.join('\n').includes('SUPERSECRET'));
  assert.ok(h.logs.some((l) => l.includes('notification not delivered')));

  await h.send();
  assert.equal(server.received.length, 6, 'a failed message is not a suppressed repeat');
  assert.equal(h.events.length, 1, 'the same failure is recorded once per window');
});

test('a 4xx is not retried', async (t) => {
  const server = await serve(t, answer(404));
  const h = harness(t, {
    alerts: [alert('a', { providerRef: { name: 'p' } })],
    providers: [provider('p', { type: 'generic', address: `${server.origin}/x` })],
  });
  await h.send();
  assert.equal(server.received.length, 1);
  assert.equal(h.events[0]?.message, `delivery to provider apps/p (generic) failed after 1 attempt: ${server.origin}: HTTP 404: status 404`);
});

test("the Provider's timeout bounds each attempt", async (t) => {
  const server = await serve(t, () => {
    // Never answers.
  });
  const h = harness(t, {
    alerts: [alert('a', { providerRef: { name: 'p' } })],
    providers: [provider('p', { type: 'generic', address: `${server.origin}/x`, timeout: '100ms' })],
    deps: { retry: { attempts: 2, baseDelayMs: 1 } },
  });
  const started = performance.now();
  await h.send();
  assert.ok(performance.now() - started < 3000);
  assert.equal(server.received.length, 2);
  assert.equal(h.events[0]?.message, `delivery to provider apps/p (generic) failed after 2 attempts: ${server.origin}: timed out after 100ms`);
});

test('a misconfigured Provider fails without a request, saying why', async (t) => {
  const server = await serve(t);
  const h = harness(t, {
    alerts: [alert('a', { providerRef: { name: 'hmac' } }), alert('b', { providerRef: { name: 'gone' } })],
    providers: [
      provider('hmac', { type: 'generic-hmac', address: `${server.origin}/x`, secretRef: { name: 'keys' } }),
      provider('gone', { type: 'slack', secretRef: { name: 'missing' } }),
    ],
    secrets: { 'apps/keys': { other: 'value' } },
  });
  await h.send();
  assert.equal(server.received.length, 0);
  assert.deepEqual(h.events.map((e) => e.message).sort(), [
    'cannot deliver to provider apps/gone (slack): Secret "missing" not found',
    'cannot deliver to provider apps/hmac (generic-hmac): a generic-hmac Provider needs an HMAC key: the key token in Secret "keys"',
  ]);
  assert.equal(await h.count('generic-hmac', 'failed'), 1);
});

// ---------- commit statuses ----------

test('GitHub, GitLab and Gitea receive their commit statuses', async (t) => {
  const github = await serve(t, (_req, res) => {
    res.writeHead(201);
    res.end('{}');
  });
  const gitlab = await serve(t);
  const gitea = await serve(t);
  const secrets = { 'apps/tokens': { token: 'tok-abcdef' } };
  const common = { secrets, providers: [] as Provider[] };

  const gh = harness(t, {
    ...common,
    alerts: [alert('gh', { providerRef: { name: 'gh' } })],
    providers: [provider('gh', { type: 'github', address: `${github.origin}/api/v3`, secretRef: { name: 'tokens' } })],
    sourceUrl: 'git@github.example.com:acme/web.git',
  });
  await gh.send();
  assert.equal(github.received.length, 1);
  assert.equal(github.received[0]!.path, `/api/v3/repos/acme/web/statuses/${SHA}`);
  assert.equal(github.received[0]!.headers.authorization, 'Bearer tok-abcdef');
  assert.equal(github.received[0]!.headers.accept, 'application/vnd.github+json');
  assert.deepEqual(JSON.parse(github.received[0]!.body), { state: 'success', context: 'governor/stack/apps/web', description: 'Applied: applied 3 objects' });

  const gl = harness(t, {
    ...common,
    alerts: [alert('gl', { providerRef: { name: 'gl' }, summary: 'prod' })],
    providers: [provider('gl', { type: 'gitlab', address: `${gitlab.origin}/api/v4`, secretRef: { name: 'tokens' } })],
    sourceUrl: 'https://gitlab.example.com/group/sub/web.git',
  });
  await gl.send(event({ severity: 'error', reason: 'HealthCheckFailed', message: 'Deployment apps/web: 0/2 ready' }));
  assert.equal(gitlab.received[0]!.path, `/api/v4/projects/group%2Fsub%2Fweb/statuses/${SHA}`);
  assert.equal(gitlab.received[0]!.headers['private-token'], 'tok-abcdef');
  assert.deepEqual(JSON.parse(gitlab.received[0]!.body), {
    state: 'failed',
    name: 'governor/stack/apps/web (prod)',
    description: 'HealthCheckFailed: Deployment apps/web: 0/2 ready',
  });

  // No address: the API base is derived from the source URL's host.
  const gt = harness(t, {
    ...common,
    alerts: [alert('gt', { providerRef: { name: 'gt' } })],
    providers: [provider('gt', { type: 'gitea', secretRef: { name: 'tokens' } })],
    sourceUrl: `${gitea.origin}/acme/web.git`,
  });
  await gt.send(event({ reason: 'Progressing', message: 'applying' }));
  assert.equal(gitea.received[0]!.path, `/api/v1/repos/acme/web/statuses/${SHA}`);
  assert.equal(gitea.received[0]!.headers.authorization, 'token tok-abcdef');
  assert.deepEqual(JSON.parse(gitea.received[0]!.body), { state: 'pending', context: 'governor/stack/apps/web', description: 'Progressing: applying' });
});

test('an unchanged commit status is not posted again; a changed one is', async (t) => {
  const server = await serve(t);
  const h = harness(t, {
    alerts: [alert('gh', { providerRef: { name: 'gh' }, repeatWindow: '0s' })],
    providers: [provider('gh', { type: 'github', address: server.origin, secretRef: { name: 'tokens' } })],
    secrets: { 'apps/tokens': { token: 'tok' } },
    sourceUrl: 'https://github.com/acme/web',
  });
  await h.send(event());
  await h.send(event({ timestamp: '2025-01-01T00:05:00Z' }));
  assert.equal(server.received.length, 1);
  assert.equal(await h.count('github', 'unchanged'), 1);

  await h.send(event({ severity: 'error', reason: 'HealthCheckFailed', message: 'not ready' }));
  await h.send(event());
  assert.deepEqual(
    server.received.map((r) => JSON.parse(r.body).state),
    ['success', 'failure', 'success'],
    'back to success after a failure is a change, even within a repeat window',
  );
  await h.send(event({ revision: `main@sha1:${'f'.repeat(40)}` }));
  assert.equal(server.received.length, 4, 'a new commit is a new status');
  assert.equal(server.received[3]!.path, `/repos/acme/web/statuses/${'f'.repeat(40)}`);
});

test('a commit status that failed to post is posted on the next event', async (t) => {
  const server = await serve(t, answer(500, 500, 500, 201));
  const h = harness(t, {
    alerts: [alert('gh', { providerRef: { name: 'gh' } })],
    providers: [provider('gh', { type: 'github', address: server.origin, secretRef: { name: 'tokens' } })],
    secrets: { 'apps/tokens': { token: 'tok' } },
    sourceUrl: 'https://github.com/acme/web',
  });
  await h.send();
  await h.send();
  assert.equal(server.received.length, 4);
  assert.equal(await h.count('github', 'failed'), 1);
  assert.equal(await h.count('github', 'sent'), 1);
});

test('commit status providers skip events without a commit and events not about Stacks', async (t) => {
  const server = await serve(t);
  let lookups = 0;
  const h = harness(t, {
    alerts: [alert('gh', { providerRef: { name: 'gh' } })],
    providers: [provider('gh', { type: 'github', address: server.origin, secretRef: { name: 'tokens' } })],
    secrets: { 'apps/tokens': { token: 'tok' } },
    deps: {
      sourceUrl: async () => {
        lookups++;
        return 'https://github.com/acme/web';
      },
    },
  });
  await h.send(event({ revision: undefined }));
  await h.send(event({ involvedObject: { apiVersion: 'governor.dev/v1alpha1', kind: 'GitRepository', namespace: 'apps', name: 'src' } }));
  assert.equal(server.received.length, 0);
  assert.deepEqual(h.events, []);
  assert.equal(lookups, 0, 'the source is not looked up for nothing');
});

// ---------- ordering, bounds, stopping ----------

test('deliveries to one Provider keep their order; different Providers run side by side up to the bound', async (t) => {
  let inFlight = 0;
  let peak = 0;
  const slow: Handler = (_req, res) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    setTimeout(() => {
      inFlight--;
      res.writeHead(200);
      res.end();
    }, 20);
  };
  const servers = await Promise.all([1, 2, 3, 4].map(() => serve(t, slow)));
  const h = harness(t, {
    alerts: servers.map((_, i) => alert(`a${i}`, { providerRef: { name: `p${i}` } })),
    providers: servers.map((s, i) => provider(`p${i}`, { type: 'generic', address: `${s.origin}/x` })),
    deps: { concurrency: 2 },
  });
  for (let i = 0; i < 5; i++) h.notifier.notify(event({ message: `message ${i}` }));
  await h.notifier.idle();
  for (const s of servers) {
    assert.deepEqual(
      s.received.map((r) => JSON.parse(r.body).message),
      ['message 0', 'message 1', 'message 2', 'message 3', 'message 4'],
    );
  }
  assert.equal(peak, 2);
});

test('beyond the queue bound events are dropped with a warning', async (t) => {
  const server = await serve(t);
  const h = harness(t, {
    alerts: [alert('a', { providerRef: { name: 'p' } })],
    providers: [provider('p', { type: 'generic', address: `${server.origin}/x` })],
    deps: { maxQueue: 3 },
  });
  for (let i = 0; i < 10; i++) h.notifier.notify(event({ message: `m${i}` }));
  await h.notifier.idle();
  assert.equal(server.received.length, 3);
  assert.ok(h.logs.some((l) => l.includes('notification queue full')));
});

test('stop cancels retries at once and records no failure', async (t) => {
  const server = await serve(t, answer(503));
  const h = harness(t, {
    alerts: [alert('a', { providerRef: { name: 'p' } })],
    providers: [provider('p', { type: 'generic', address: `${server.origin}/x` })],
    deps: { retry: { attempts: 5, baseDelayMs: 60_000 } },
  });
  h.notifier.notify(event());
  while (server.received.length === 0) await new Promise((r) => setTimeout(r, 5));
  const started = performance.now();
  await h.notifier.stop();
  assert.ok(performance.now() - started < 1000);
  assert.equal(server.received.length, 1);
  assert.deepEqual(h.events, []);
  h.notifier.notify(event());
  await h.notifier.idle();
  assert.equal(server.received.length, 1, 'a stopped notifier sends nothing');
});

test('validateProvider is exported for the Provider reconciler', () => {
  assert.deepEqual(validateProvider(provider('p', { type: 'github' })), [
    'a github Provider needs an API token: set spec.secretRef to a Secret with the key token',
  ]);
});

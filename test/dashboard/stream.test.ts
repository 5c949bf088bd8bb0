import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API_VERSION } from '../../src/api/index.ts';
import type { LiveEvent } from '../../src/dashboard/model.ts';
import { testCluster, testKubeApi, testNamespace } from '../support/cluster.ts';
import { bareStack, dashboardRules, eventually, makeUser, READ, readyCondition, setStatus, signedIn, startTestDashboard, type Browser } from './support.ts';

/** An EventSource as far as the test needs one: frames as they arrive, until closed. */
class Stream {
  readonly frames: { event: string; data: LiveEvent }[] = [];
  comments = 0;
  ended = false;
  private readonly ctl = new AbortController();
  private buf = '';

  static async open(b: Browser): Promise<Stream> {
    const s = new Stream();
    const res = await fetch(b.base + '/api/stream', { headers: { cookie: b.cookie ?? '' }, signal: s.ctl.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    // fetch asks for gzip: the stream must still not be compressed (that would buffer updates).
    assert.equal(res.headers.get('content-encoding'), null);
    void s.pump(res.body!.getReader());
    return s;
  }

  private async pump(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        this.buf += decoder.decode(value, { stream: true });
        let i: number;
        while ((i = this.buf.indexOf('\n\n')) >= 0) {
          const block = this.buf.slice(0, i);
          this.buf = this.buf.slice(i + 2);
          const fields = new Map<string, string>();
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) this.comments++;
            const m = /^(\w+): (.*)$/.exec(line);
            if (m) fields.set(m[1]!, m[2]!);
          }
          if (fields.has('data')) this.frames.push({ event: fields.get('event') ?? 'message', data: JSON.parse(fields.get('data')!) as LiveEvent });
        }
      }
    } catch {
      // aborted by close()
    }
    this.ended = true;
  }

  close(): void {
    this.ctl.abort();
  }
}

test('dashboard live stream: changed rows arrive as server-sent events, only where the user may look', async (t) => {
  const info = await testCluster(t);
  const nsA = await testNamespace(t, info, 'dash-sse-a');
  const nsB = await testNamespace(t, info, 'dash-sse-b');
  const api = await testKubeApi(t, info);
  const dash = await startTestDashboard(t, info, { heartbeatMs: 300 });
  const viewer = await makeUser(t, api, nsA, 'viewer', dashboardRules(READ), { namespaces: [nsA] });
  await api.create(bareStack(nsA, 'web'));
  await api.create(bareStack(nsA, 'gone'));
  await api.create(bareStack(nsB, 'web'));
  const b = await signedIn(dash.url, viewer.token);
  await eventually('the Stacks in the cache', async () => (await b.get(`/api/stacks/${nsA}/gone`)).status === 200);

  const stream = await Stream.open(b);
  t.after(() => stream.close());

  await t.test('a status change arrives as a stack event; the other namespace stays silent', async () => {
    await setStatus(api, 'Stack', nsB, 'web', { observedGeneration: 1, conditions: [readyCondition('False', 'ApplyFailed', 'nope')] });
    await setStatus(api, 'Stack', nsA, 'web', { observedGeneration: 1, conditions: [readyCondition('True', 'ReconciliationSucceeded', 'Applied revision: main@sha1:1')] });
    const frame = await eventually('a stack event', async () =>
      stream.frames.find((f) => f.data.type === 'stack' && f.data.stack.namespace === nsA && f.data.stack.name === 'web' && f.data.stack.state === 'ready'),
    );
    assert.equal(frame.event, 'stack');
    assert.equal(frame.data.type === 'stack' && frame.data.stack.message, 'Applied revision: main@sha1:1');
    assert.ok(!stream.frames.some((f) => JSON.stringify(f.data).includes(nsB)), 'nothing of a namespace the user may not list');
  });

  await t.test('a deletion and an event arrive too', async () => {
    await api.delete({ apiVersion: API_VERSION, kind: 'Stack', namespace: nsA, name: 'gone' });
    await eventually('a stack-deleted event', async () => stream.frames.find((f) => f.event === 'stack-deleted' && f.data.type === 'stack-deleted' && f.data.key.name === 'gone'));
    await api.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `web.${Date.now().toString(16)}`, namespace: nsA },
      involvedObject: { apiVersion: API_VERSION, kind: 'Stack', name: 'web', namespace: nsA },
      type: 'Normal',
      reason: 'ReconciliationSucceeded',
      message: 'hello from the test',
      lastTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      count: 1,
    });
    const ev = await eventually('an event event', async () => stream.frames.find((f) => f.data.type === 'event' && f.data.event.message === 'hello from the test'));
    assert.equal(ev.event, 'event');
  });

  await t.test('heartbeats while nothing happens; signing out ends the stream', async () => {
    const before = stream.comments;
    await eventually('a heartbeat', async () => stream.comments > before);
    assert.equal((await b.request('DELETE', '/api/session')).status, 204);
    await eventually('the stream ended', async () => stream.ended);
  });
});

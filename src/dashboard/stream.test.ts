import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AccessReviewer } from './access.ts';
import type { CacheChange } from './cache.ts';
import type { StackRow } from './model.ts';
import { StreamHub } from './stream.ts';

const row = (namespace: string, name: string, message = ''): StackRow => ({
  namespace,
  name,
  state: 'ready',
  message,
  source: `${namespace}/p`,
  path: './',
  suspended: false,
  driftCount: 0,
  objects: 0,
  dependsOn: [],
});

const change = (r: StackRow): CacheChange => ({ resource: 'stacks', namespace: r.namespace, key: `stack:${r.namespace}/${r.name}`, event: { type: 'stack', stack: r } });

/** May list Stacks in `a` only. */
async function owner(id: string) {
  const access = new AccessReviewer({ review: async (a) => a.namespace === 'a' });
  await access.scope('stacks', ['a', 'b']);
  return { sessionId: id, access };
}

async function read(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  const { value } = await reader.read();
  return new TextDecoder().decode(value);
}

test('a client gets the changes its user may see, coalesced while it does not read', async () => {
  const hub = new StreamHub({ heartbeatMs: 60_000 });
  const reader = hub.open(await owner('s1')).getReader();
  assert.match(await read(reader), /^retry: 3000\n: connected\n\n$/);
  hub.publish(change(row('a', 'web', 'first')));
  hub.publish(change(row('b', 'secret', 'hidden')));
  hub.publish(change(row('a', 'web', 'second')));
  hub.publish(change(row('a', 'db')));
  const text = await read(reader);
  const frames = text.trim().split('\n\n');
  assert.equal(frames.length, 2, text);
  assert.match(frames[0]!, /^event: stack\ndata: .*"name":"web".*"message":"second"/);
  assert.match(frames[1]!, /"name":"db"/);
  assert.doesNotMatch(text, /hidden/);
  await reader.cancel();
  assert.equal(hub.size, 0, 'a client that goes is forgotten');
});

test('a namespace never asked about is asked, then delivered', async () => {
  const hub = new StreamHub({ heartbeatMs: 60_000 });
  const o = await owner('s1');
  const reader = hub.open(o).getReader();
  await read(reader);
  assert.equal(o.access.peek('stacks', 'a'), true);
  const fresh = new AccessReviewer({ review: async () => true });
  const reader2 = hub.open({ sessionId: 's2', access: fresh }).getReader();
  await read(reader2);
  hub.publish(change(row('c', 'new')));
  assert.match(await read(reader2), /"name":"new"/);
  hub.close();
  assert.equal((await reader.read()).done, true);
  assert.equal((await reader2.read()).done, true);
});

test('heartbeats keep an idle stream open; closing a session ends its streams only', async () => {
  const hub = new StreamHub({ heartbeatMs: 20 });
  const r1 = hub.open(await owner('s1')).getReader();
  const r2 = hub.open(await owner('s2')).getReader();
  await read(r1);
  await read(r2);
  assert.equal(await read(r1), ': heartbeat\n\n');
  hub.closeSession('s1');
  assert.equal((await r1.read()).done, true);
  assert.equal(hub.size, 1);
  assert.deepEqual(hub.owners().map((o) => o.sessionId), ['s2']);
  hub.close();
});

test('a client too far behind is dropped', async () => {
  const hub = new StreamHub({ heartbeatMs: 60_000, maxPending: 3 });
  const reader = hub.open(await owner('s1')).getReader();
  await read(reader);
  for (let i = 0; i < 5; i++) hub.publish(change(row('a', `s${i}`)));
  assert.equal(hub.size, 0);
  assert.equal((await reader.read()).done, true);
});

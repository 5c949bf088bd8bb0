import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type ServerResponse } from 'node:http';
import { createConnection, createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { testCluster, testKubeApi, testNamespace } from '../../test/support/cluster.ts';
import { LocalCluster } from '../../test/cluster/cluster.ts';
import { KubeClient } from './client.ts';
import { connectionFrom, loadKubeConfig } from './config.ts';
import { resourcePath } from './discovery.ts';
import { backoffDelay, diffSnapshot, Informer, objectKey, parseWatchLine } from './informer.ts';
import type { KubeObject } from './types.ts';

const cm = (name: string, rv: string, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'ns', resourceVersion: rv, ...extra },
});

async function waitFor(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<number> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - start;
}

/** Records handler calls as `add:name`, `update:name`, `delete:name`. */
function recorder(): { events: string[]; handlers: { onAdd(o: KubeObject): void; onUpdate(o: KubeObject): void; onDelete(o: KubeObject): void } } {
  const events: string[] = [];
  return {
    events,
    handlers: {
      onAdd: (o) => events.push(`add:${o.metadata.name}`),
      onUpdate: (o) => events.push(`update:${o.metadata.name}`),
      onDelete: (o) => events.push(`delete:${o.metadata.name}`),
    },
  };
}

test('an ERROR event with code 410 asks for a relist; other errors, bookmarks and events are told apart', () => {
  const gone = parseWatchLine(JSON.stringify({ type: 'ERROR', object: { kind: 'Status', status: 'Failure', code: 410, reason: 'Expired', message: 'too old resource version: 5 (90)' } }));
  assert.equal(gone.kind, 'relist');
  assert.equal(parseWatchLine(JSON.stringify({ type: 'ERROR', object: { kind: 'Status', reason: 'Gone' } })).kind, 'relist');

  const other = parseWatchLine(JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 500, message: 'etcd is sad' } }));
  assert.ok(other.kind === 'error' && /etcd is sad/.test(other.error.message) && other.error.details.status === 500);

  assert.deepEqual(parseWatchLine(JSON.stringify({ type: 'BOOKMARK', object: { kind: 'ConfigMap', metadata: { resourceVersion: '77' } } })), {
    kind: 'bookmark',
    resourceVersion: '77',
  });
  const ev = parseWatchLine(JSON.stringify({ type: 'MODIFIED', object: cm('a', '3') }));
  assert.ok(ev.kind === 'event' && ev.type === 'MODIFIED' && ev.object.metadata.name === 'a');
  assert.equal(parseWatchLine('{not json').kind, 'error');
  assert.equal(parseWatchLine(JSON.stringify({ type: 'ADDED' })).kind, 'error');
});

test('a relist diff compares resourceVersions by equality only and treats a new uid as delete plus add', () => {
  const cache = new Map<string, KubeObject>();
  for (const o of [cm('same', '100'), cm('changed', '100'), cm('gone', '5'), cm('replaced', '7', { uid: 'u1' })]) cache.set(objectKey(o), o);
  // "9" sorts below "100" either way: an update must still be seen, since versions are opaque.
  const items = [cm('same', '100'), cm('changed', '9'), cm('replaced', '8', { uid: 'u2' }), cm('new', '1')];
  const changes = diffSnapshot(cache, items).map((c) => `${c.type}:${c.obj.metadata.name}:${c.obj.metadata.resourceVersion}`);
  assert.deepEqual(changes, ['delete:gone:5', 'update:changed:9', 'delete:replaced:7', 'add:replaced:8', 'add:new:1']);
});

test('backoff doubles up to the cap, with jitter on top', () => {
  const opts = { baseMs: 100, maxMs: 1000, jitter: 0.5 };
  assert.deepEqual([1, 2, 3, 4, 5, 9].map((n) => backoffDelay(n, opts, () => 0)), [100, 200, 400, 800, 1000, 1000]);
  assert.equal(backoffDelay(2, opts, () => 1), 300);
});

/** A scripted API server over plain HTTP: each request is handed to the next script for its kind. */
async function fakeApi(t: TestContext, scripts: { list: ((url: URL, res: ServerResponse) => void)[]; watch: ((url: URL, res: ServerResponse) => void)[] }) {
  const requests: URL[] = [];
  const open = new Set<ServerResponse>();
  const server = createHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(url);
    const script = url.searchParams.get('watch') ? scripts.watch.shift() : scripts.list.shift();
    if (!script) {
      // Nothing scripted: hold the request open, as a quiet watch would.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      open.add(res);
      res.once('close', () => open.delete(res));
      return;
    }
    script(url, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const client = new KubeClient({
    server: `http://127.0.0.1:${port}`,
    tls: {},
    authHeaders: async () => ({}),
    namespace: 'default',
    contextName: 'fake',
  });
  t.after(async () => {
    client.close();
    for (const res of open) res.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  return { client, requests, openResponses: () => open.size, connections: () => new Promise<number>((r, j) => server.getConnections((e, n) => (e ? j(e) : r(n)))) };
}

const json = (body: unknown, status = 200) => (_url: URL, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const watchLines = (...events: unknown[]) => (_url: URL, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(events.map((e) => JSON.stringify(e) + '\n').join(''));
};

test('pages are joined, bookmarks move the resourceVersion, a 410 ERROR event and an HTTP 410 both relist', async (t) => {
  const listOf = (rv: string, items: KubeObject[], cont?: string) => ({ kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: rv, continue: cont }, items });
  const bare = (o: KubeObject) => ({ metadata: o.metadata });
  const api = await fakeApi(t, {
    list: [
      json(listOf('10', [bare(cm('a', '1')) as KubeObject], 'next-page')),
      json(listOf('10', [cm('b', '2')])),
      // after the 410 ERROR event: a vanished, b changed, d appeared
      json(listOf('30', [cm('b', '25'), cm('c', '11'), cm('d', '29')])),
      // after the HTTP 410
      json(listOf('40', [cm('b', '25'), cm('c', '11'), cm('d', '29')])),
    ],
    watch: [
      watchLines({ type: 'ADDED', object: cm('c', '11') }, { type: 'BOOKMARK', object: { kind: 'ConfigMap', metadata: { resourceVersion: '15' } } }),
      watchLines({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' } }),
      json({ kind: 'Status', code: 410, reason: 'Expired', message: 'too old' }, 410),
    ],
  });
  const rec = recorder();
  const errors: unknown[] = [];
  const inf = new Informer({ client: api.client, path: '/api/v1/namespaces/ns/configmaps', ...rec.handlers, onError: (e) => errors.push(e), backoff: { baseMs: 10, maxMs: 20 } });
  t.after(() => inf.stop());
  await inf.start();
  assert.equal(inf.hasSynced(), true);
  assert.deepEqual(inf.get('ns', 'a')?.kind, 'ConfigMap', 'list items get the kind of the list');
  await waitFor('the third watch', () => api.requests.filter((u) => u.searchParams.get('watch')).length >= 4);
  await inf.stop();

  const lists = api.requests.filter((u) => !u.searchParams.get('watch'));
  const watches = api.requests.filter((u) => u.searchParams.get('watch'));
  assert.deepEqual(
    lists.map((u) => [u.searchParams.get('limit'), u.searchParams.get('continue')]),
    [['500', null], ['500', 'next-page'], ['500', null], ['500', null]],
  );
  assert.deepEqual(
    watches.map((u) => u.searchParams.get('resourceVersion')),
    ['10', '15', '30', '40'],
    'watch from the list, then from the bookmark, then from each relist',
  );
  for (const w of watches) assert.equal(w.searchParams.get('allowWatchBookmarks'), 'true');
  assert.deepEqual(rec.events, ['add:a', 'add:b', 'add:c', 'delete:a', 'update:b', 'add:d']);
  assert.deepEqual(inf.list().map((o) => o.metadata.name).sort(), ['b', 'c', 'd']);
  assert.equal(inf.size, 3);
  assert.deepEqual(errors, [], '410 is routine, not an error');
  await waitFor('stop() to close the open watch', () => api.openResponses() === 0, 2000);
});

test('a silent watch is reopened from the same resourceVersion without a relist; stop() leaves nothing pending', async (t) => {
  const api = await fakeApi(t, {
    list: [json({ kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: '7' }, items: [cm('a', '7')] })],
    watch: [],
  });
  const errors: unknown[] = [];
  const inf = new Informer({ client: api.client, path: '/api/v1/namespaces/ns/configmaps', idleMs: 200, onError: (e) => errors.push(e), backoff: { baseMs: 10, maxMs: 20 } });
  t.after(() => inf.stop());
  await inf.start();
  await waitFor('a second watch', () => api.requests.filter((u) => u.searchParams.get('watch')).length >= 2, 5000);
  await inf.stop();
  assert.equal(api.requests.filter((u) => !u.searchParams.get('watch')).length, 1, 'no relist');
  assert.deepEqual(api.requests.filter((u) => u.searchParams.get('watch')).map((u) => u.searchParams.get('resourceVersion')).slice(0, 2), ['7', '7']);
  assert.ok(errors.some((e) => /silent/.test(String(e))), 'the silence is reported');
  await waitFor('stop() to close the open watch', () => api.openResponses() === 0, 2000);
});

test('stop() before the first sync rejects start() and ends the retries', async (t) => {
  const api = await fakeApi(t, { list: [json({ kind: 'Status', code: 503, message: 'not ready' }, 503)], watch: [] });
  const errors: unknown[] = [];
  const inf = new Informer({ client: api.client, path: '/api/v1/configmaps', onError: (e) => errors.push(e), backoff: { baseMs: 60_000 } });
  t.after(() => inf.stop());
  const started = inf.start();
  await waitFor('the failed list', () => errors.length === 1);
  await inf.stop();
  await assert.rejects(started, /stopped before it synced/);
  assert.equal(inf.hasSynced(), false);
});

test('against a real API server: initial sync, add/update/delete within a second, label selector', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'informer');
  const api = await testKubeApi(t, info);
  const path = resourcePath(await api.mapping('v1', 'ConfigMap'), ns);
  const mk = (name: string, labels: Record<string, string>, data: Record<string, string> = {}) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: ns, labels },
    data,
  });
  await api.apply(mk('existing', { app: 'x' }));
  await api.apply(mk('other', { app: 'y' }));

  const all = recorder();
  const mine = recorder();
  const informer = new Informer({ client: api.client, path, ...all.handlers });
  const selected = new Informer({ client: api.client, path, labelSelector: 'app=x', ...mine.handlers });
  t.after(() => informer.stop());
  t.after(() => selected.stop());
  await Promise.all([informer.start(), selected.start()]);

  assert.ok(informer.get(ns, 'existing') && informer.get(ns, 'other'), 'initial sync sees existing objects');
  assert.deepEqual(selected.list().map((o) => o.metadata.name), ['existing']);

  await api.apply(mk('fresh', { app: 'x' }, { v: '1' }));
  assert.ok((await waitFor('add', () => informer.get(ns, 'fresh') !== undefined)) < 1000);
  await api.apply(mk('fresh', { app: 'x' }, { v: '2' }));
  assert.ok((await waitFor('update', () => (informer.get(ns, 'fresh')?.data as Record<string, string> | undefined)?.v === '2')) < 1000);
  await api.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'fresh' });
  assert.ok((await waitFor('delete', () => informer.get(ns, 'fresh') === undefined)) < 1000);
  assert.deepEqual(
    all.events.filter((e) => e.endsWith(':fresh')),
    ['add:fresh', 'update:fresh', 'delete:fresh'],
  );

  // A label change moves an object out of the selected set: the selector watch reports a delete.
  await api.apply(mk('existing', { app: 'z' }));
  await waitFor('relabelled object leaves the selection', () => selected.get(ns, 'existing') === undefined);
  assert.deepEqual(mine.events, ['add:existing', 'add:fresh', 'update:fresh', 'delete:fresh', 'delete:existing']);
  assert.equal(all.events.filter((e) => e.startsWith('add:') && e !== 'add:fresh').length, informer.size, 'one add per object in the initial sync');
});

/** A TCP relay that can cut the informer off from the API server while the test still reaches it directly. */
async function relay(t: TestContext, port: number) {
  const sockets = new Set<Socket>();
  let blocked = false;
  const server = createTcpServer((inbound) => {
    if (blocked) return void inbound.destroy();
    const outbound = createConnection(port, '127.0.0.1');
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.once('close', () => {
        sockets.delete(s);
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const cut = () => {
    blocked = true;
    for (const s of sockets) s.destroy();
  };
  t.after(async () => {
    cut();
    await new Promise((r) => server.close(r));
  });
  return { port: (server.address() as AddressInfo).port, cut, mend: () => (blocked = false) };
}

// A cluster of its own: stopping the API server would disturb every other test on the shared one.
test('objects created and deleted while the informer could not reach a restarted API server are reflected after it returns', async (t) => {
  const cluster = await new LocalCluster().start();
  t.after(() => cluster.stop());
  const api = await testKubeApi(t, cluster.info());
  const path = resourcePath(await api.mapping('v1', 'ConfigMap'), 'default');
  const mk = (name: string, v = '1') => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels: { t: 'restart' } }, data: { v } });
  await api.apply(mk('stays'));
  await api.apply(mk('goes'));
  await api.apply(mk('changes'));

  const link = await relay(t, Number(new URL(cluster.server).port));
  const conn = await connectionFrom(loadKubeConfig({ kubeconfig: cluster.kubeconfigPath }));
  const client = new KubeClient({ ...conn, server: `https://127.0.0.1:${link.port}` });
  t.after(() => client.close());
  const rec = recorder();
  const errors: unknown[] = [];
  const informer = new Informer({ client, path, labelSelector: 't=restart', ...rec.handlers, onError: (e) => errors.push(e), backoff: { baseMs: 200, maxMs: 1000 } });
  t.after(() => informer.stop());
  await informer.start();
  assert.equal(informer.size, 3);

  // The API server goes away; the informer sees its connection fail.
  await cluster.stopComponent('kube-apiserver');
  await waitFor('the informer to notice', () => errors.length > 0, 15_000);
  link.cut();
  await cluster.startComponent('kube-apiserver');
  // Changes the informer cannot see as they happen: only a relist can find them.
  await api.apply(mk('arrives'));
  await api.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'goes' });
  await api.apply(mk('changes', '2'));
  assert.ok(informer.get('default', 'goes'), 'still the stale view while cut off');
  link.mend();

  await waitFor('the cache to converge', () => !informer.get('default', 'goes') && informer.get('default', 'arrives') !== undefined, 20_000);
  await waitFor('the update', () => (informer.get('default', 'changes')?.data as Record<string, string>).v === '2', 5_000);
  assert.deepEqual(informer.list().map((o) => o.metadata.name).sort(), ['arrives', 'changes', 'stays']);
  assert.deepEqual(rec.events.slice(3).sort(), ['add:arrives', 'delete:goes', 'update:changes']);

  // And it keeps watching afterwards.
  await api.apply(mk('later'));
  await waitFor('a live event after the restart', () => informer.get('default', 'later') !== undefined, 5_000);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testCluster, testKubeApi, testNamespace } from '../support/cluster.ts';
import { getRepo, getStack, gitFixture, gitRepository, readyAt, stack, waitForStack } from '../support/controller.ts';
import { startControllerProcess } from '../support/controller-process.ts';
import { waitFor } from '../cluster/http.ts';
import type { KubeApi } from '../../src/kube/api.ts';
import type { KubeObject } from '../../src/kube/types.ts';

const COUNT = 500;
const name = (i: number) => `cm-${String(i).padStart(3, '0')}`;
// Some bulk, so that applying takes long enough to be interrupted.
const payload = (i: number) => `${name(i)}-`.repeat(60);

const configMap = (ns: string, i: number, version: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name(i)}\n  namespace: ${ns}\ndata:\n  version: "${version}"\n  payload: "${payload(i)}"\n`;

type ConfigMap = KubeObject & { data?: Record<string, string> };

async function ours(api: KubeApi, ns: string): Promise<ConfigMap[]> {
  const list = await api.listAll<ConfigMap>('v1', 'ConfigMap', ns, { labelSelector: `governor.dev/stack-name=apps,governor.dev/stack-namespace=${ns}` });
  return list.items;
}

test('a controller killed with SIGKILL in the middle of applying 500 objects converges, after a restart, to exactly the new commit', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'crash');
  const api = await testKubeApi(t, info);
  const git = await gitFixture(t);
  const cacheDir = await mkdtemp(join(tmpdir(), 'governor-crash-cache-'));
  t.after(() => rm(cacheDir, { recursive: true, force: true }));

  const files: Record<string, string | null> = {};
  for (let i = 0; i < COUNT; i++) files[`apps/${name(i)}.yaml`] = configMap(ns, i, 'v1');
  const sha1 = await git.work.commit('500 ConfigMaps', files);

  const first = await startControllerProcess(t, info, { namespaces: [ns], cacheDir });
  await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1h', ref: { branch: 'main' } }));
  await api.apply(stack(ns, 'apps', { sourceRef: { name: 'platform' }, path: './apps', interval: '1h', timeout: '2m' }));

  // Kill it as soon as some, but not all, of the objects exist.
  let seen: number;
  for (const deadline = Date.now() + 60_000; ; ) {
    seen = (await ours(api, ns)).length;
    if (seen >= 60 && seen < COUNT) break;
    assert.ok(seen < COUNT, 'the controller applied all 500 objects before it could be killed');
    assert.ok(Date.now() < deadline, `nothing applied within 60 s:\n${first.log().slice(-4000)}`);
    assert.equal(first.child.exitCode, null, `the controller exited:\n${first.log().slice(-4000)}`);
  }
  await first.kill();
  // Requests already sent may still land: count again once the process is gone.
  const applied = new Set((await ours(api, ns)).map((c) => c.metadata.name));
  t.diagnostic(`killed with ${seen} of ${COUNT} applied (${applied.size} once settled)`);
  assert.ok(applied.size < COUNT, 'the kill came in the middle of applying');
  assert.equal((await getStack(api, ns, 'apps'))?.status?.lastAppliedRevision, undefined, 'the first revision was never completed');

  // The next commit removes 50 and changes 10, preferring objects the killed controller had created.
  const order = [...Array(COUNT).keys()].sort((x, y) => Number(applied.has(name(y))) - Number(applied.has(name(x))) || x - y);
  const removed = new Set(order.slice(0, 50));
  const changed = new Set(order.slice(50, 60));
  const next: Record<string, string | null> = {};
  for (const i of removed) next[`apps/${name(i)}.yaml`] = null;
  for (const i of changed) next[`apps/${name(i)}.yaml`] = configMap(ns, i, 'v2');
  const sha2 = await git.work.commit('remove 50, change 10', next);
  const want = new Map<string, string>();
  for (let i = 0; i < COUNT; i++) if (!removed.has(i)) want.set(name(i), changed.has(i) ? 'v2' : 'v1');

  // The worst order for the restarted controller: it learns of the new commit before the Stack's
  // first reconcile, so the Stack goes straight from the interrupted revision to the new one.
  // (Otherwise it might first finish the old revision, which would hide a lost inventory.)
  const suspend = (value: boolean) =>
    api.mergePatch({ apiVersion: 'governor.dev/v1alpha1', kind: 'Stack', namespace: ns, name: 'apps' }, { spec: { suspend: value } });
  await suspend(true);
  await startControllerProcess(t, info, { namespaces: [ns], cacheDir });
  await waitFor('the new commit fetched', async () => (await getRepo(api, ns, 'platform'))?.status?.artifact?.revision === `main@sha1:${sha2}`, 30_000);
  await suspend(false);
  const s = await waitForStack(api, ns, 'apps', 'Ready at the new commit', readyAt(sha2), 60_000);
  assert.notEqual(sha1, sha2);

  // Exactly the committed state: every object of Git with Git's data, nothing else of ours, no orphans.
  const live = await ours(api, ns);
  assert.deepEqual(live.map((c) => c.metadata.name).sort(), [...want.keys()].sort());
  for (const cm of live) {
    const i = Number(cm.metadata.name.slice(3));
    assert.deepEqual(cm.data, { version: want.get(cm.metadata.name), payload: payload(i) }, cm.metadata.name);
  }
  const all = await api.listAll<ConfigMap>('v1', 'ConfigMap', ns);
  assert.deepEqual(
    all.items.map((c) => c.metadata.name).filter((n) => n !== 'kube-root-ca.crt').sort(),
    [...want.keys()].sort(),
    'no orphans, labelled or not',
  );
  assert.deepEqual(
    s.status?.inventory?.entries.map((e) => e.id).sort(),
    [...want.keys()].map((n) => `${ns}_${n}__ConfigMap`).sort(),
    'the inventory lists exactly the committed objects',
  );
  assert.equal(s.status?.lastAppliedRevision, `main@sha1:${sha2}`);
});

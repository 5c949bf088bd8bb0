import { test } from 'node:test';
import assert from 'node:assert/strict';
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Stack } from '../../src/api/index.ts';
import { testCluster, testNamespace } from '../support/cluster.ts';
import { eventsFor, getRepo, getStack, gitFixture, gitRepository, readyAt, readyCondition, stack, startController, waitForStack } from '../support/controller.ts';
import { waitFor } from '../cluster/http.ts';
import type { KubeApi } from '../../src/kube/api.ts';
import type { KubeObject, ObjectRef } from '../../src/kube/types.ts';

/**
 * Bad input (issue 3): a revision that fails is applied not at all, says why in a readable
 * message with a stable reason, records a Warning Event, and keeps the previous state: the
 * objects of the last good revision stay (nothing pruned), the inventory and lastAppliedRevision
 * do not change. Every case is its own Stack on its own path of one repository, so one good
 * revision and one bad revision serve them all.
 */

type ConfigMap = KubeObject & { data?: Record<string, string> };

const configMap = (ns: string, name: string, data: Record<string, string>) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data });

const cmRef = (namespace: string, name: string): ObjectRef => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name });
const stackRef = (namespace: string, name: string): ObjectRef => ({ apiVersion: 'governor.dev/v1alpha1', kind: 'Stack', namespace, name });
const repoRef = (namespace: string, name: string): ObjectRef => ({ apiVersion: 'governor.dev/v1alpha1', kind: 'GitRepository', namespace, name });

async function fetchNow(api: KubeApi, ns: string, repo: string, token: string): Promise<void> {
  await api.mergePatch(repoRef(ns, repo), { metadata: { annotations: { 'governor.dev/reconcile-requested-at': token } } });
}

/** The good revision of one case's path: an object that the bad revision changes and one it removes. */
const goodFiles = (ns: string, name: string, data: Record<string, string> = { v: '1' }) => ({
  [`cases/${name}/existing.yaml`]: configMap(ns, `${name}-existing`, data),
  [`cases/${name}/removed.yaml`]: configMap(ns, `${name}-removed`, { v: '1' }),
});

/** What the bad revision does besides the bad part: change one object, add one, remove one. */
const badChanges = (ns: string, name: string, data: Record<string, string> = { v: '2' }) => ({
  [`cases/${name}/existing.yaml`]: configMap(ns, `${name}-existing`, data),
  [`cases/${name}/new.yaml`]: configMap(ns, `${name}-new`, { v: '2' }),
  [`cases/${name}/removed.yaml`]: null,
});

const failedWith = (reason: string) => (s: Stack) =>
  readyCondition(s)?.status === 'False' && readyCondition(s)?.reason === reason && s.status?.observedGeneration === s.metadata.generation;

test('bad input: nothing from the failing revision is applied, the reason is clear, the previous state is kept', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'bad-input');
  const git = await gitFixture(t);
  const { api } = await startController(t, info, { namespaces: [ns] });

  const cases = ['yaml', 'no-kind', 'no-api-version', 'unknown-kind', 'duplicate', 'path', 'symlink', 'secret', 'dependency', 'empty'];
  const good: Record<string, string | null> = {};
  for (const c of cases) Object.assign(good, goodFiles(ns, c, c === 'secret' ? { v: '1', greeting: '${GREETING}' } : { v: '1' }));
  const sha1 = await git.work.commit('good', good);

  await api.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'vars', namespace: ns }, stringData: { GREETING: 'hello' } } as KubeObject);
  await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1m', ref: { branch: 'main' } }));
  for (const c of cases) {
    await api.apply(
      stack(ns, c, {
        sourceRef: { name: 'platform' },
        path: `./cases/${c}`,
        interval: '1h',
        ...(c === 'secret' ? { substituteFrom: [{ kind: 'Secret', name: 'vars' }] } : {}),
      }),
    );
  }
  const before = new Map<string, { stack: Stack; existing: ConfigMap; removed: ConfigMap }>();
  for (const c of cases) {
    const s = await waitForStack(api, ns, c, 'Ready at the good revision', readyAt(sha1));
    assert.deepEqual(s.status?.inventory?.entries.map((e) => e.id).sort(), [`${ns}_${c}-existing__ConfigMap`, `${ns}_${c}-removed__ConfigMap`]);
    before.set(c, { stack: s, existing: await api.get<ConfigMap>(cmRef(ns, `${c}-existing`)), removed: await api.get<ConfigMap>(cmRef(ns, `${c}-removed`)) });
  }
  assert.deepEqual(before.get('secret')?.existing.data, { v: '1', greeting: 'hello' });

  // The bad revision: every case changes, adds and removes an object, and gets its bad part.
  await git.work.write({
    ...Object.assign({}, ...cases.filter((c) => c !== 'empty').map((c) => badChanges(ns, c, c === 'secret' ? { v: '2', greeting: '${GREETING}' } : { v: '2' }))),
    // Line 4 is where the YAML breaks: a mapping value where none is allowed.
    'cases/yaml/broken.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken: here\n  namespace: ${ns}\n`,
    'cases/no-kind/nokind.yaml': `apiVersion: v1\nmetadata:\n  name: nokind\n  namespace: ${ns}\n`,
    'cases/no-api-version/noversion.yaml': `kind: ConfigMap\nmetadata:\n  name: noversion\n  namespace: ${ns}\n`,
    'cases/unknown-kind/widget.yaml': `apiVersion: widgets.example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: ${ns}\n`,
    'cases/duplicate/dup-1.yaml': configMap(ns, 'dup', { from: '1' }),
    'cases/duplicate/dup-2.yaml': configMap(ns, 'dup', { from: '2' }),
    // Every manifest gone, only a README left.
    'cases/empty/README.md': '# nothing to see here\n',
    'cases/empty/existing.yaml': null,
    'cases/empty/removed.yaml': null,
  });
  // A directory symlink to the parent of the checkout: outside it, and it exists.
  await symlink('../../..', join(git.work.dir, 'cases/symlink/outside'));
  await api.delete({ apiVersion: 'v1', kind: 'Secret', namespace: ns, name: 'vars' });
  // The cases that break through the Stack's spec break first, so that they never see the bad
  // revision with a good spec.
  await api.mergePatch(stackRef(ns, 'path'), { spec: { path: '../..' } });
  await api.mergePatch(stackRef(ns, 'dependency'), { spec: { dependsOn: [{ name: 'does-not-exist' }] } });
  await waitForStack(api, ns, 'path', 'failing with the new spec', failedWith('PathEscapesCheckout'));
  await waitForStack(api, ns, 'dependency', 'failing with the new spec', failedWith('DependencyNotFound'));

  const sha2 = await git.work.commit('bad');
  await fetchNow(api, ns, 'platform', `fetch-${sha2}`);
  await waitFor('the source at the bad revision', async () => (await getRepo(api, ns, 'platform'))?.status?.artifact?.revision === `main@sha1:${sha2}`, 30_000);
  // A reconcile of every Stack that starts now sees the bad revision (the dependency case, which
  // fails before it looks at the source, shows no other sign of having seen it).
  const requested = `after-${sha2}`;
  for (const c of cases) await api.mergePatch(stackRef(ns, c), { metadata: { annotations: { 'governor.dev/reconcile-requested-at': requested } } });

  /** The assertions every case shares; returns the Ready message. */
  const assertKept = async (c: string, reason: string, opts: { attempted: boolean }): Promise<string> => {
    const s = await waitForStack(api, ns, c, `Ready=False with reason ${reason} after the bad revision`, (s) => failedWith(reason)(s) && s.status?.lastHandledReconcileAt === requested);
    const old = before.get(c)!;
    assert.equal(s.status?.lastAppliedRevision, `main@sha1:${sha1}`, 'lastAppliedRevision is still the good one');
    if (opts.attempted) assert.equal(s.status?.lastAttemptedRevision, `main@sha1:${sha2}`);
    assert.deepEqual(s.status?.inventory, old.stack.status?.inventory, 'the inventory is unchanged');
    const existing = await api.get<ConfigMap>(cmRef(ns, `${c}-existing`));
    assert.equal(existing.metadata.resourceVersion, old.existing.metadata.resourceVersion, 'the changed object was not applied');
    assert.deepEqual(existing.data, old.existing.data);
    assert.equal(await api.find(cmRef(ns, `${c}-new`)), undefined, 'the new object was not applied');
    const removed = await api.find<ConfigMap>(cmRef(ns, `${c}-removed`));
    assert.equal(removed?.metadata.uid, old.removed.metadata.uid, 'the object removed from Git was not pruned');
    assert.equal(removed?.metadata.deletionTimestamp, undefined);
    const message = readyCondition(s)!.message;
    const events = await eventsFor(api, ns, c);
    assert.ok(events.some((e) => e.type === 'Warning' && e.reason === reason && e.message === message), JSON.stringify(events));
    return message;
  };

  await t.test('invalid YAML: the message names the file and the line', async () => {
    const message = await assertKept('yaml', 'InvalidYaml', { attempted: true });
    assert.match(message, /cases\/yaml\/broken\.yaml:4:\d+: /);
  });

  await t.test('a document without kind', async () => {
    const message = await assertKept('no-kind', 'InvalidObject', { attempted: true });
    assert.match(message, /cases\/no-kind\/nokind\.yaml \(document 1\): missing kind/);
  });

  await t.test('a document without apiVersion', async () => {
    const message = await assertKept('no-api-version', 'InvalidObject', { attempted: true });
    assert.match(message, /cases\/no-api-version\/noversion\.yaml \(document 1\): missing apiVersion/);
  });

  await t.test('a kind the cluster does not know', async () => {
    const message = await assertKept('unknown-kind', 'UnknownKind', { attempted: true });
    assert.match(message, new RegExp(`does not know the kind of .*Widget/${ns}/w \\(widgets\\.example\\.com/v1\\)`));
    assert.equal(await api.find(cmRef(ns, 'unknown-kind-new')), undefined);
  });

  await t.test('the same object twice', async () => {
    const message = await assertKept('duplicate', 'DuplicateObject', { attempted: true });
    assert.match(message, /ConfigMap .*\/dup .*defined twice.*cases\/duplicate\/dup-1\.yaml.*cases\/duplicate\/dup-2\.yaml/);
    assert.equal(await api.find(cmRef(ns, 'dup')), undefined);
  });

  await t.test('a path outside the checkout', async () => {
    const message = await assertKept('path', 'PathEscapesCheckout', { attempted: true });
    assert.match(message, /\.\.\/\.\.: leads outside the checkout/);
  });

  await t.test('a symlink that leads outside the checkout', async () => {
    const message = await assertKept('symlink', 'PathEscapesCheckout', { attempted: true });
    assert.match(message, /cases\/symlink\/outside: is a symlink to a place outside the checkout/);
  });

  await t.test('a Secret reference that does not exist', async () => {
    const message = await assertKept('secret', 'SecretNotFound', { attempted: true });
    assert.match(message, new RegExp(`Secret ${ns}/vars .*does not exist`));
    assert.deepEqual((await api.get<ConfigMap>(cmRef(ns, 'secret-existing'))).data, { v: '1', greeting: 'hello' }, 'no variable became empty');
  });

  await t.test('a dependency that does not exist', async () => {
    const message = await assertKept('dependency', 'DependencyNotFound', { attempted: false });
    assert.match(message, new RegExp(`dependency Stack ${ns}/does-not-exist does not exist`));
  });

  await t.test('a render that suddenly yields no objects', async () => {
    const message = await assertKept('empty', 'EmptyRender', { attempted: true });
    assert.match(message, /renders no objects/);
    assert.ok(await api.find(cmRef(ns, 'empty-existing')));
  });
});

test('bad input: an unreachable Git server fails the GitRepository; the Stack keeps its last applied state', async (t) => {
  const info = await testCluster(t);
  const ns = await testNamespace(t, info, 'bad-git');
  const git = await gitFixture(t);
  const { api } = await startController(t, info, { namespaces: [ns] });
  const sha1 = await git.work.commit('good', goodFiles(ns, 'app'));
  await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1m', ref: { branch: 'main' } }));
  await api.apply(stack(ns, 'app', { sourceRef: { name: 'platform' }, path: './cases/app', interval: '1h' }));
  const s1 = await waitForStack(api, ns, 'app', 'Ready at the good revision', readyAt(sha1));
  const existing1 = await api.get<ConfigMap>(cmRef(ns, 'app-existing'));
  const removed1 = await api.get<ConfigMap>(cmRef(ns, 'app-removed'));

  // A new commit is pushed, then the server goes away before Governor could fetch it.
  await git.work.commit('never fetched', badChanges(ns, 'app'));
  const port = git.server.port;
  await git.server.stop();
  await fetchNow(api, ns, 'platform', 'after-the-server-stopped');

  let repo = await getRepo(api, ns, 'platform');
  await waitFor('GitRepository Ready=False', async () => {
    repo = await getRepo(api, ns, 'platform');
    return readyCondition(repo)?.status === 'False';
  }, 30_000);
  const ready = readyCondition(repo)!;
  assert.equal(ready.reason, 'GitOperationFailed');
  assert.match(ready.message, new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port}/platform\\.git`));
  assert.equal(repo?.status?.artifact?.revision, `main@sha1:${sha1}`, 'the last good artifact stays');
  const repoEvents = await eventsFor(api, ns, 'platform');
  assert.ok(repoEvents.some((e) => e.type === 'Warning' && e.reason === 'GitOperationFailed'), JSON.stringify(repoEvents));

  // The Stack, reconciled now, still stands on the last good revision.
  const requested = new Date().toISOString();
  await api.mergePatch(stackRef(ns, 'app'), { metadata: { annotations: { 'governor.dev/reconcile-requested-at': requested } } });
  const s2 = await waitForStack(api, ns, 'app', 'reconcile request handled', (s) => s.status?.lastHandledReconcileAt === requested);
  assert.ok(readyAt(sha1)(s2), JSON.stringify(s2.status));
  assert.deepEqual(s2.status?.inventory, s1.status?.inventory);
  assert.equal((await api.get<ConfigMap>(cmRef(ns, 'app-existing'))).metadata.resourceVersion, existing1.metadata.resourceVersion);
  assert.equal((await api.find<ConfigMap>(cmRef(ns, 'app-removed')))?.metadata.uid, removed1.metadata.uid);
  assert.equal(await api.find(cmRef(ns, 'app-new')), undefined);
  assert.equal((await getStack(api, ns, 'app'))?.status?.lastAppliedRevision, `main@sha1:${sha1}`);
});

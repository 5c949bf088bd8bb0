import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { testCluster, testNamespace } from '../support/cluster.ts';
import { eventsFor, getRepo, gitFixture, gitRepository, readyAt, readyCondition, stack, startController, waitForStack } from '../support/controller.ts';
import { waitFor } from '../cluster/http.ts';
import type { ClusterInfo } from '../cluster/client.ts';
import { GitServer } from '../git/server.ts';
import { WorkDir } from '../git/workdir.ts';
import type { GitRepository } from '../../src/api/index.ts';
import { findCondition } from '../../src/controller/conditions.ts';
import type { KubeApi } from '../../src/kube/api.ts';
import type { KubeObject } from '../../src/kube/types.ts';

const configMap = (ns: string, name: string, value = '1') =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\ndata:\n  value: "${value}"\n`;

async function fetchNow(api: KubeApi, namespace: string, name: string): Promise<void> {
  await api.mergePatch(
    { apiVersion: 'governor.dev/v1alpha1', kind: 'GitRepository', namespace, name },
    { metadata: { annotations: { 'governor.dev/reconcile-requested-at': new Date().toISOString() } } },
  );
}

/** Waits until the GitRepository satisfies the predicate; the error shows its last status. */
async function waitForRepo(api: KubeApi, namespace: string, name: string, what: string, ok: (r: GitRepository) => boolean, timeoutMs = 30_000): Promise<GitRepository> {
  let last: GitRepository | undefined;
  try {
    await waitFor(`GitRepository ${namespace}/${name} ${what}`, async () => {
      last = await getRepo(api, namespace, name);
      return last !== undefined && ok(last);
    }, timeoutMs, 100);
  } catch (err) {
    throw new Error(`${(err as Error).message}\nlast status: ${JSON.stringify(last?.status, null, 2)}`, { cause: err });
  }
  return last!;
}

const readyWith = (revision: string) => (r: GitRepository) =>
  readyCondition(r)?.status === 'True' && r.status?.observedGeneration === r.metadata.generation && r.status?.artifact?.revision === revision;

const failedWith = (reason: string) => (r: GitRepository) =>
  readyCondition(r)?.status === 'False' && readyCondition(r)?.reason === reason && r.status?.observedGeneration === r.metadata.generation;

// One cluster for the whole file (a file run alone starts its own); the features run side by side,
// each in a namespace of its own with a controller of its own.
test('GitRepository', { concurrency: true }, async (t) => {
  const info = await testCluster(t);

  await t.test('basic auth from a Secret; a wrong password fails as GitAuthFailed and is never revealed', async (t) => {
    const { api, ns, ctrl } = await setup(t, info, 'git-auth');
    const creds = { username: 'governor', password: 'correct-Horse-7f3a' };
    const wrongPassword = 'wrong-Battery-91c2';
    const server = await new GitServer({ auth: creds }).start();
    await server.createRepo('private');
    const work = await WorkDir.create(server.url('private', creds));
    t.after(async () => {
      await work.remove();
      await server.stop();
    });
    const before = Date.now();
    const sha = await work.commit('first private commit\n\nwith a body line', { 'apps/cm.yaml': configMap(ns, 'private') });

    const secret = (name: string, password: string) =>
      ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns }, stringData: { username: creds.username, password } }) as KubeObject;
    await api.apply(secret('git-good', creds.password));
    await api.apply(secret('git-bad', wrongPassword));
    const url = server.url('private');
    await api.apply(gitRepository(ns, 'good', { url, interval: '1h', ref: { branch: 'main' }, secretRef: { name: 'git-good' } }));
    await api.apply(gitRepository(ns, 'bad', { url, interval: '1h', ref: { branch: 'main' }, secretRef: { name: 'git-bad' } }));
    await api.apply(gitRepository(ns, 'anonymous', { url, interval: '1h', ref: { branch: 'main' } }));

    const good = await waitForRepo(api, ns, 'good', 'Ready', readyWith(`main@sha1:${sha}`));
    const commit = good.status!.artifact!.commit;
    assert.equal(commit.sha, sha);
    assert.equal(commit.message, 'first private commit\n\nwith a body line');
    assert.equal(commit.author, 'Governor Test <test@governor.dev>');
    const time = Date.parse(commit.time);
    assert.ok(time >= Math.floor(before / 1000) * 1000 && time <= Date.now(), `commit time ${commit.time}`);
    assert.match(readyCondition(good)!.message, new RegExp(sha));

    const bad = await waitForRepo(api, ns, 'bad', 'failing authentication', failedWith('GitAuthFailed'));
    assert.equal(bad.status?.artifact, undefined);
    assert.match(readyCondition(bad)!.message, /authentication/i);
    assert.match(readyCondition(bad)!.message, new RegExp(`127\\.0\\.0\\.1:${server.port}/private\\.git`), 'the message names the repository');
    await waitForRepo(api, ns, 'anonymous', 'failing authentication', failedWith('GitAuthFailed'));

    // The password is nowhere: not in status, not in events, not in the controller's log.
    await waitFor('the auth failure event', async () => (await eventsFor(api, ns, 'bad')).some((e) => e.reason === 'GitAuthFailed'), 10_000);
    const events = [...(await eventsFor(api, ns, 'bad')), ...(await eventsFor(api, ns, 'good'))];
    await waitFor('the failure logged', async () => (await readFile(ctrl.logFile, 'utf8')).includes('GitAuthFailed'), 10_000);
    const log = await readFile(ctrl.logFile, 'utf8');
    for (const password of [wrongPassword, creds.password]) {
      for (const [where, text] of [['status', JSON.stringify(bad.status) + JSON.stringify(good.status)], ['events', JSON.stringify(events)], ['log', log]]) {
        for (const form of [password, encodeURIComponent(password), Buffer.from(password).toString('base64')]) {
          assert.ok(!text!.includes(form), `${where} contains a password`);
        }
      }
    }
  });

  await t.test('tag, semver range and commit refs', async (t) => {
    const { api, ns } = await setup(t, info, 'git-refs');
    const git = await gitFixture(t);
    const c1 = await git.work.commit('one', { 'v.txt': '1.0.0' });
    await git.work.tag('v1.0.0');
    const c2 = await git.work.commit('two', { 'v.txt': '1.1.0' });
    await git.work.tag('v1.1.0');
    await git.work.tag('not-a-version');
    const c3 = await git.work.commit('three', { 'v.txt': '2.0.0' });
    await git.work.tag('v2.0.0');
    const c4 = await git.work.commit('four', { 'v.txt': '1.2.0' });

    await api.apply(gitRepository(ns, 'by-tag', { url: git.url, interval: '1h', ref: { tag: 'v1.0.0' } }));
    await api.apply(gitRepository(ns, 'by-semver', { url: git.url, interval: '1h', ref: { semver: '>=1.0.0 <2.0.0' } }));
    await api.apply(gitRepository(ns, 'by-commit', { url: git.url, interval: '1h', ref: { commit: c2 } }));
    await api.apply(gitRepository(ns, 'by-branch', { url: git.url, interval: '1h', ref: { branch: 'main' } }));

    const byTag = await waitForRepo(api, ns, 'by-tag', 'at v1.0.0', readyWith(`v1.0.0@sha1:${c1}`));
    assert.equal(byTag.status?.artifact?.commit.message, 'one');
    await waitForRepo(api, ns, 'by-semver', 'at the highest tag in range', readyWith(`v1.1.0@sha1:${c2}`));
    const byCommit = await waitForRepo(api, ns, 'by-commit', 'at the commit', readyWith(`sha1:${c2}`));
    assert.equal(byCommit.status?.artifact?.commit.message, 'two');
    await waitForRepo(api, ns, 'by-branch', 'at the branch head', readyWith(`main@sha1:${c4}`));
    assert.notEqual(c3, c4);

    // A new tag inside the range is picked up on the next reconcile; one outside it never.
    await git.work.tag('v1.2.0');
    await fetchNow(api, ns, 'by-semver');
    await waitForRepo(api, ns, 'by-semver', 'at the new higher tag', readyWith(`v1.2.0@sha1:${c4}`));
    await fetchNow(api, ns, 'by-tag');
    await waitForRepo(api, ns, 'by-tag', 'the reconcile handled', (r) => r.status?.lastHandledReconcileAt !== undefined);
    assert.equal((await getRepo(api, ns, 'by-tag'))?.status?.artifact?.revision, `v1.0.0@sha1:${c1}`, 'a tag does not move');
  });

  await t.test('a missing branch, tag or repository is reported with its own reason', async (t) => {
    const { api, ns } = await setup(t, info, 'git-missing');
    const git = await gitFixture(t);
    await git.work.commit('init', { 'a.txt': 'a' });
    await api.apply(gitRepository(ns, 'no-branch', { url: git.url, interval: '1h', ref: { branch: 'does-not-exist' } }));
    await api.apply(gitRepository(ns, 'no-tag', { url: git.url, interval: '1h', ref: { tag: 'v9.9.9' } }));
    await api.apply(gitRepository(ns, 'no-semver', { url: git.url, interval: '1h', ref: { semver: '^3' } }));
    await api.apply(gitRepository(ns, 'no-repo', { url: git.server.url('no-such-repo'), interval: '1h', ref: { branch: 'main' } }));

    const noBranch = await waitForRepo(api, ns, 'no-branch', 'GitRefNotFound', failedWith('GitRefNotFound'));
    assert.match(readyCondition(noBranch)!.message, /does-not-exist/);
    const noTag = await waitForRepo(api, ns, 'no-tag', 'GitRefNotFound', failedWith('GitRefNotFound'));
    assert.match(readyCondition(noTag)!.message, /v9\.9\.9/);
    await waitForRepo(api, ns, 'no-semver', 'GitRefNotFound', failedWith('GitRefNotFound'));
    const noRepo = await waitForRepo(api, ns, 'no-repo', 'GitRepositoryNotFound', failedWith('GitRepositoryNotFound'));
    assert.match(readyCondition(noRepo)!.message, /no-such-repo/);
    for (const name of ['no-branch', 'no-repo']) {
      assert.equal((await getRepo(api, ns, name))?.status?.artifact, undefined);
      const events = await eventsFor(api, ns, name);
      assert.ok(events.some((e) => e.type === 'Warning' && e.reason === readyCondition(name === 'no-repo' ? noRepo : noBranch)!.reason), JSON.stringify(events));
    }
  });

  await t.test('an unreachable remote fails clearly while the last good revision stays available', async (t) => {
    const { api, ns } = await setup(t, info, 'git-broken');
    const git = await gitFixture(t);
    const sha = await git.work.commit('good', { 'apps/cm.yaml': configMap(ns, 'kept') });
    await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1h', ref: { branch: 'main' } }));
    await api.apply(stack(ns, 'apps', { sourceRef: { name: 'platform' }, path: './apps', interval: '1h' }));
    await waitForRepo(api, ns, 'platform', 'Ready', readyWith(`main@sha1:${sha}`));
    await waitForStack(api, ns, 'apps', 'Ready', readyAt(sha));

    await git.server.stop();
    await fetchNow(api, ns, 'platform');
    const broken = await waitForRepo(api, ns, 'platform', 'failing', (r) => readyCondition(r)?.status === 'False');
    const ready = readyCondition(broken)!;
    assert.equal(ready.reason, 'GitOperationFailed');
    assert.match(ready.message, new RegExp(`cannot reach http://127\\.0\\.0\\.1:${git.server.port}/platform\\.git`));
    assert.equal(broken.status?.artifact?.revision, `main@sha1:${sha}`, 'the last good artifact stays');
    assert.equal(broken.status?.artifact?.commit.message, 'good');

    // A Stack still renders the last good revision (here after a restart-like reconcile request).
    await api.mergePatch(
      { apiVersion: 'governor.dev/v1alpha1', kind: 'Stack', namespace: ns, name: 'apps' },
      { metadata: { annotations: { 'governor.dev/reconcile-requested-at': new Date().toISOString() } } },
    );
    await waitForStack(api, ns, 'apps', 'the reconcile handled and still Ready', (s) => s.status?.lastHandledReconcileAt !== undefined && readyAt(sha)(s));
    assert.ok(await api.find({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'kept' }));
  });

  await t.test('ignore rules drop files from what Stacks see', async (t) => {
    const { api, ns } = await setup(t, info, 'git-ignore');
    const git = await gitFixture(t);
    const sha = await git.work.commit('with ignored files', {
      'apps/keep/a.yaml': configMap(ns, 'a'),
      'apps/keep/extra-1.yaml': configMap(ns, 'extra-1'),
      'apps/keep/extra-ok.yaml': configMap(ns, 'extra-ok'),
      'apps/drop/b.yaml': configMap(ns, 'b'),
      // Would fail the render if the Stack saw it.
      'apps/drop/broken.yaml': 'kind: [unclosed\n',
    });
    await api.apply(
      gitRepository(ns, 'platform', { url: git.url, interval: '1h', ref: { branch: 'main' }, ignore: '# not for the cluster\napps/drop/\napps/keep/extra-*.yaml\n!apps/keep/extra-ok.yaml\n' }),
    );
    await api.apply(stack(ns, 'apps', { sourceRef: { name: 'platform' }, path: './apps', interval: '1h' }));
    const s = await waitForStack(api, ns, 'apps', 'Ready', readyAt(sha));
    assert.deepEqual(s.status?.inventory?.entries.map((e) => e.id).sort(), [`${ns}_a__ConfigMap`, `${ns}_extra-ok__ConfigMap`]);
    const cms = await api.listAll<KubeObject>('v1', 'ConfigMap', ns, { labelSelector: 'governor.dev/stack-name=apps' });
    assert.deepEqual(cms.items.map((c) => c.metadata.name).sort(), ['a', 'extra-ok']);
  });

  await t.test('suspend: true stops fetching; resuming picks up the new commit', async (t) => {
    // One reconcile at a time: keys are handled in the order their events arrived.
    const { api, ns } = await setup(t, info, 'git-suspend', 1);
    const git = await gitFixture(t);
    const sha1 = await git.work.commit('one', { 'a.txt': '1' });
    const spec = { url: git.url, interval: '1s', ref: { branch: 'main' } };
    await api.apply(gitRepository(ns, 'platform', spec));
    await waitForRepo(api, ns, 'platform', 'Ready', readyWith(`main@sha1:${sha1}`));

    await api.apply(gitRepository(ns, 'platform', { ...spec, suspend: true }));
    await waitFor('the suspension observed', async () => {
      const r = await getRepo(api, ns, 'platform');
      return r?.spec.suspend === true;
    }, 10_000);
    const sha2 = await git.work.commit('two', { 'a.txt': '2' });
    await fetchNow(api, ns, 'platform');
    // A witness created after the request: once it has fetched sha2, the suspended one had its turn.
    await api.apply(gitRepository(ns, 'witness', { url: git.url, interval: '1h', ref: { branch: 'main' } }));
    await waitForRepo(api, ns, 'witness', 'Ready at the new commit', readyWith(`main@sha1:${sha2}`));
    // Its 1 s interval would also have fetched by now, were it not suspended.
    await waitFor('one interval more', async () => {
      const w = await getRepo(api, ns, 'witness');
      return Date.now() - Date.parse(findCondition(w?.status?.conditions, 'Ready')?.lastTransitionTime ?? '') > 1500;
    }, 10_000, 100);
    const suspended = await getRepo(api, ns, 'platform');
    assert.equal(suspended?.status?.artifact?.revision, `main@sha1:${sha1}`, 'a suspended repository fetches nothing');
    assert.equal(suspended?.status?.lastHandledReconcileAt, undefined);

    await api.apply(gitRepository(ns, 'platform', { ...spec, suspend: false }));
    await waitForRepo(api, ns, 'platform', 'Ready at the new commit after resuming', readyWith(`main@sha1:${sha2}`));
  });
});

async function setup(t: TestContext, info: ClusterInfo, prefix: string, concurrency?: number) {
  const ns = await testNamespace(t, info, prefix);
  const ctrl = await startController(t, info, { namespaces: [ns], ...(concurrency ? { concurrency } : {}) });
  return { api: ctrl.api, ns, ctrl };
}

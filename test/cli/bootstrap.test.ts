import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../src/kube/types.ts';
import { LocalCluster } from '../cluster/cluster.ts';
import { git } from '../git/exec.ts';
import { GitServer } from '../git/server.ts';
import { testKubeApi } from '../support/cluster.ts';
import { getRepo, getStack, readyAt, startController, waitForStack } from '../support/controller.ts';
import { governor, transcript } from './install-support.ts';

const NS = 'governor-system';
const CREDS = { username: 'fleet-bot', password: 'pa55-w0rd-not-in-git' };

// A cluster of its own: the self-managing Stack owns the CRDs, and uninstall deletes them, which
// would break every other test on the shared cluster.
test('bootstrap git commits the installation, manages itself from Git, is idempotent; uninstall guards applied objects', async (t) => {
  const cluster = await new LocalCluster().start();
  t.after(() => cluster.stop());
  const info = cluster.info();
  const kc = ['--kubeconfig', info.kubeconfigPath];
  const server = await new GitServer({ auth: CREDS }).start();
  t.after(() => server.stop());
  const url = await server.createRepo('fleet');
  const authedUrl = server.url('fleet', CREDS);
  const args = ['bootstrap', 'git', '--url', url, '--branch', 'main', '--path', 'clusters/test', '--username', CREDS.username, '--password-stdin', '--interval', '10s', ...kc];

  const first = await governor(args, { stdin: `${CREDS.password}\n` });
  assert.equal(first.code, 0, transcript(first));
  assert.match(first.out, /committed [0-9a-f]{12} "Add Governor installation" and pushed \(new branch main\)/, transcript(first));
  assert.match(first.out, /bootstrap complete/);
  assert.doesNotMatch(first.out + first.err, new RegExp(CREDS.password));

  // The commit: components.yaml and sync.yaml under <path>/governor-system, no credentials.
  const sha = (await git(['ls-remote', authedUrl, 'refs/heads/main'])).split('\t')[0]!;
  assert.match(sha, /^[0-9a-f]{40}$/);
  const clone = await mkdtemp(join(tmpdir(), 'governor-bootstrap-check-'));
  t.after(() => rm(clone, { recursive: true, force: true }));
  await git(['clone', '--quiet', '--branch', 'main', authedUrl, clone]);
  assert.equal((await git(['log', '-1', '--format=%s', 'HEAD'], { cwd: clone })).trim(), 'Add Governor installation');
  const dir = join(clone, 'clusters/test/governor-system');
  assert.deepEqual((await readdir(dir)).sort(), ['components.yaml', 'kustomization.yaml', 'sync.yaml']);
  const kinds = (file: string, text: string) =>
    parseAllDocuments(text).map((d) => {
      assert.deepEqual(d.errors, [], file);
      const o = d.toJS() as KubeObject;
      return `${o.kind}/${o.metadata.name}`;
    });
  const components = await readFile(join(dir, 'components.yaml'), 'utf8');
  assert.ok(kinds('components.yaml', components).includes('Deployment/governor-controller'));
  assert.ok(kinds('components.yaml', components).includes('CustomResourceDefinition/stacks.governor.dev'));
  const syncText = await readFile(join(dir, 'sync.yaml'), 'utf8');
  assert.deepEqual(kinds('sync.yaml', syncText), ['GitRepository/governor-system', 'Stack/governor-system']);
  assert.match(syncText, new RegExp(`url: ${url.replace(/[.]/g, '\\.')}`));
  assert.match(syncText, /path: \.\/clusters\/test/);
  for (const f of await readdir(dir)) assert.doesNotMatch(await readFile(join(dir, f), 'utf8'), new RegExp(CREDS.password), f);

  // The cluster: the installation, the credentials Secret, the GitRepository and the Stack.
  const api = await testKubeApi(t, info);
  assert.ok(await api.find({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: 'governor-controller' }));
  const secret = await api.get<KubeObject & { data: Record<string, string> }>({ apiVersion: 'v1', kind: 'Secret', namespace: NS, name: NS });
  assert.equal(Buffer.from(secret.data.password!, 'base64').toString(), CREDS.password);
  assert.equal(Buffer.from(secret.data.username!, 'base64').toString(), CREDS.username);
  const repo = await getRepo(api, NS, NS);
  assert.equal(repo?.spec.url, url);
  assert.equal(repo?.spec.secretRef?.name, NS);
  assert.equal((await getStack(api, NS, NS))?.spec.prune, true);

  // With a controller (standing in for the Deployment's, which cannot run here) the installation manages itself.
  const ctrl = await startController(t, info, { namespaces: [NS] });
  const ready = await waitForStack(api, NS, NS, 'Ready at the bootstrap commit', readyAt(sha), 90_000);
  const inventory = ready.status?.inventory?.entries.map((e) => e.id) ?? [];
  assert.ok(inventory.includes(`${NS}_governor-controller_apps_Deployment`), JSON.stringify(inventory));
  assert.ok(inventory.includes(`${NS}_${NS}_governor.dev_Stack`), 'the Stack manages itself');

  // Twice: no new commit, and it says nothing changed.
  const second = await governor(args, { stdin: `${CREDS.password}\n` });
  assert.equal(second.code, 0, transcript(second));
  assert.match(second.out, /nothing to commit/, transcript(second));
  assert.match(second.out, /nothing changed/, transcript(second));
  assert.equal((await git(['ls-remote', authedUrl, 'refs/heads/main'])).split('\t')[0], sha);

  // uninstall refuses while a Stack has applied objects ...
  const refused = await governor(['uninstall', ...kc]);
  assert.equal(refused.code, 1, transcript(refused));
  assert.match(refused.err, /1 Stack still has \d+ applied objects: governor-system\/governor-system/);
  assert.match(refused.err, /--force/);
  assert.ok(await api.find({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: 'governor-controller' }), 'nothing deleted');

  // ... and with --force removes everything but what the Stacks applied elsewhere.
  await ctrl.stop();
  const forced = await governor(['uninstall', '--force', ...kc]);
  assert.equal(forced.code, 0, transcript(forced));
  assert.match(forced.out, /Governor uninstalled/);
  assert.equal(await api.find({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: 'governor-controller' }), undefined);
  assert.equal(await api.find({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'governor-controller' }), undefined);
  for (const name of ['gitrepositories.governor.dev', 'stacks.governor.dev']) {
    assert.equal(await api.find({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name }), undefined, name);
  }
  const ns = await api.find({ apiVersion: 'v1', kind: 'Namespace', name: NS });
  assert.ok(ns === undefined || ns.metadata.deletionTimestamp, 'namespace deleted or terminating');
});

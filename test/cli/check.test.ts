import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installCrds } from '../../src/controller/crds.ts';
import { testCluster, testKubeApi, testNamespace } from '../support/cluster.ts';
import { waitFor } from '../cluster/http.ts';
import { governor } from './action-support.ts';

test('governor check: version, CRDs and the controller Deployment, each line ✔ or ✖', async (t) => {
  const info = await testCluster(t);
  const api = await testKubeApi(t, info);
  await installCrds(api);
  const ns = await testNamespace(t, info, 'cli-check');

  // No controller Deployment in this namespace: reported, but not required.
  const r = await governor(['check', '--kubeconfig', info.kubeconfigPath, '-n', ns]);
  assert.equal(r.code, 0, r.out + r.err);
  const lines = r.out.trimEnd().split('\n');
  assert.ok(lines.every((l) => /^[✔✖] /.test(l)), r.out);
  assert.match(r.out, /^✔ Kubernetes v1\.\d+\.\d+/m);
  assert.match(r.out, /^✔ CRD stacks\.governor\.dev established \(v1alpha1\)$/m);
  assert.match(r.out, /^✔ CRD gitrepositories\.governor\.dev established \(v1alpha1\)$/m);
  assert.match(r.out, new RegExp(`^✖ controller Deployment ${ns}/governor-controller not found .*governor install`, 'm'));
  assert.match(r.out, /^✔ all required checks passed$/m);

  // A controller Deployment that becomes available is reported healthy.
  await api.apply({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'governor-controller', namespace: ns },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'governor' } },
      template: { metadata: { labels: { app: 'governor' } }, spec: { containers: [{ name: 'controller', image: 'governor/controller:test' }] } },
    },
  });
  let last = '';
  await waitFor('check reports the controller healthy', async () => {
    const h = await governor(['check', '--kubeconfig', info.kubeconfigPath, '-n', ns]);
    last = h.out + h.err;
    return h.code === 0 && new RegExp(`^✔ controller Deployment ${ns}/governor-controller healthy \\(1/1 ready\\)`, 'm').test(h.out);
  }, 60_000, 500).catch((err: Error) => assert.fail(`${err.message}\n${last}`));
});

test('governor check: an unreachable cluster is ✖ and exit 1', async (t) => {
  const info = await testCluster(t);
  // A port nothing listens on.
  const port = await new Promise<number>((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => resolve(p));
    });
  });
  const dir = await mkdtemp(join(tmpdir(), 'governor-check-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, (await readFile(info.kubeconfigPath, 'utf8')).replace(/server: https:\/\/[^\s]+/, `server: https://127.0.0.1:${port}`));
  const r = await governor(['check', '--kubeconfig', kubeconfig]);
  assert.equal(r.code, 1, r.out + r.err);
  assert.match(r.out, /^✖ cannot reach the cluster at https:\/\/127\.0\.0\.1:\d+/m);
});

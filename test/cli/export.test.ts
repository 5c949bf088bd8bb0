import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../src/kube/types.ts';
import { testNamespace } from '../support/cluster.ts';
import { readyStack, runChild, runCli } from './read-support.ts';

test('governor export: our CRs as clean YAML, ready to commit', async (t) => {
  const s = await readyStack(t, 'cli-export');
  const kc = ['--kubeconfig', s.kubeconfig];
  await s.api.mergePatch(
    { apiVersion: 'governor.dev/v1alpha1', kind: 'Stack', namespace: s.ns, name: 'web' },
    {
      metadata: {
        labels: { team: 'web', 'governor.dev/stack-name': 'flux', 'governor.dev/stack-namespace': 'x' },
        annotations: { owner: 'alice', 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'governor.dev/reconcile-requested-at': 'now' },
      },
    },
  );

  await t.test('all: the source first, then the Stack; no status or server-set fields', async () => {
    const r = await runCli(['export', 'all', ...kc]);
    assert.equal(r.code, 0, r.err);
    const docs = parseAllDocuments(r.out);
    assert.deepEqual(docs.flatMap((d) => d.errors), []);
    const objs = docs.map((d) => d.toJS() as KubeObject & { spec: Record<string, unknown> });
    assert.deepEqual(objs.map((o) => `${o.kind}/${o.metadata.name}`), ['GitRepository/platform', 'Stack/web']);
    for (const o of objs) {
      assert.deepEqual(Object.keys(o).sort(), ['apiVersion', 'kind', 'metadata', 'spec']);
      assert.equal(o.apiVersion, 'governor.dev/v1alpha1');
      assert.ok(Object.keys(o.metadata).every((k) => ['name', 'namespace', 'labels', 'annotations'].includes(k)), JSON.stringify(o.metadata));
    }
    const st = objs[1]!;
    assert.deepEqual(st.metadata, { name: 'web', namespace: s.ns, labels: { team: 'web' }, annotations: { owner: 'alice' } });
    assert.equal(st.spec.path, './apps/web');
    assert.equal(objs[0]!.spec.url, s.url);
  });

  await t.test('what it exports applies back unchanged', async () => {
    const other = await testNamespace(t, s.info, 'cli-export-copy');
    const r = await runCli(['export', 'stack', 'web', ...kc]);
    const obj = parseAllDocuments(r.out)[0]!.toJS() as KubeObject;
    obj.metadata.namespace = other;
    const applied = await s.api.apply<KubeObject & { spec: unknown }>(obj, { dryRun: true });
    const live = await s.api.get<KubeObject & { spec: unknown }>({ apiVersion: 'governor.dev/v1alpha1', kind: 'Stack', namespace: s.ns, name: 'web' });
    assert.deepEqual(applied.spec, live.spec);
  });

  await t.test('-A, not found and empty', async () => {
    const all = await runCli(['export', 'stacks', '-A', ...kc]);
    assert.ok(parseAllDocuments(all.out).some((d) => (d.toJS() as KubeObject).metadata.namespace === s.ns));
    const missing = await runChild(['export', 'source', 'nope', ...kc]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /GitRepository "nope" not found/);
    const empty = await testNamespace(t, s.info, 'cli-export-empty');
    const none = await runChild(['export', 'all', '-n', empty, ...kc]);
    assert.equal(none.code, 0);
    assert.equal(none.out, '');
    assert.match(none.err, /No resources found/);
  });
});

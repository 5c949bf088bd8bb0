import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readyStack, runChild, runCli } from './read-support.ts';

test('governor tree: the inventory by namespace and kind with live health, and -o json', async (t) => {
  const s = await readyStack(t, 'cli-tree');
  const kc = ['--kubeconfig', s.kubeconfig];

  await t.test('text tree', async () => {
    const r = await runCli(['tree', 'stack', 'web', ...kc]);
    assert.equal(r.code, 0, r.err);
    assert.equal(
      r.out,
      [
        `Stack/${s.ns}/web  (main@sha1:${s.sha})`,
        `└── Namespace ${s.ns}`,
        '    ├── ConfigMap',
        '    │   └── web-config  Current',
        '    └── Deployment.apps',
        '        └── web  Current',
        '',
      ].join('\n'),
    );
  });

  await t.test('a deleted object shows NotFound; json lists every object with its health', async () => {
    await s.api.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: s.ns, name: 'web-config' });
    // Drift correction may put it back at once; either verdict is a valid live health.
    const r = await runCli(['tree', 'stack', 'web', '-o', 'json', ...kc]);
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out) as { stack: { name: string; namespace: string; revision: string }; objects: { kind: string; name: string; namespace: string; group: string; health: string }[] };
    assert.deepEqual(doc.stack, { namespace: s.ns, name: 'web', revision: `main@sha1:${s.sha}` });
    const byKind = Object.fromEntries(doc.objects.map((o) => [o.kind, o]));
    assert.equal(byKind.Deployment?.health, 'Current');
    assert.equal(byKind.Deployment?.group, 'apps');
    assert.ok(['NotFound', 'Current', 'InProgress'].includes(byKind.ConfigMap?.health ?? ''), JSON.stringify(doc));
  });

  await t.test('exit codes: not found 1, tree of a source 2', async () => {
    const missing = await runChild(['tree', 'stack', 'nope', ...kc]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /Stack "nope" not found/);
    assert.equal((await runChild(['tree', 'source', 'platform', ...kc])).code, 2);
  });
});

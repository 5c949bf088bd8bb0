import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readyStack, runChild, runCli } from './read-support.ts';

test('governor describe: spec, conditions, revision, inventory, drift, events; not found exits 1', async (t) => {
  const s = await readyStack(t, 'cli-describe');
  const kc = ['--kubeconfig', s.kubeconfig];

  await t.test('a Stack', async () => {
    const r = await runCli(['describe', 'stack', 'web', ...kc]);
    assert.equal(r.code, 0, r.err);
    const field = (label: string) => r.out.match(new RegExp(`^\\s*${label}:\\s+(.*)$`, 'm'))?.[1];
    assert.equal(field('Name'), 'web');
    assert.equal(field('Namespace'), s.ns);
    assert.equal(field('Source'), 'GitRepository/platform');
    assert.equal(field('Path'), './apps/web');
    assert.equal(field('Depends On'), '<none>');
    assert.equal(field('Last Applied Revision'), `main@sha1:${s.sha}`);
    assert.match(field('Inventory') ?? '', /^2 objects/);
    assert.equal(field('Drift'), '0 objects drifted');
    assert.match(r.out, /^Conditions:\n\s+TYPE\s+STATUS\s+REASON\s+MESSAGE\s+AGE\n\s+Ready\s+True\s+\S+/m);
    assert.match(r.out, /^Events:\n\s+LAST SEEN\s+TYPE\s+REASON\s+COUNT\s+MESSAGE\n/m);
    assert.match(r.out, /Normal\s+ReconciliationSucceeded/);
  });

  await t.test('a source shows its revision and commit', async () => {
    const r = await runCli(['describe', 'source', 'platform', ...kc]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, new RegExp(`^\\s+URL:\\s+${s.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    assert.match(r.out, /^\s+Ref:\s+branch=main$/m);
    assert.match(r.out, new RegExp(`^\\s+Revision:\\s+main@sha1:${s.sha}$`, 'm'));
    assert.match(r.out, new RegExp(`^\\s+Commit:\\s+${s.sha}$`, 'm'));
    assert.match(r.out, /^\s+Message:\s+web app$/m);
    assert.match(r.out, /Ready\s+True/);
  });

  await t.test('not found exits 1 with a clear message; an unknown kind exits 2', async () => {
    const r = await runChild(['describe', 'stack', 'nope', ...kc]);
    assert.equal(r.code, 1);
    assert.match(r.err, new RegExp(`error: Stack "nope" not found in namespace "${s.ns}"`));
    assert.equal((await runChild(['describe', 'widget', 'x', ...kc])).code, 2);
  });
});

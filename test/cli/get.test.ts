import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { testNamespace } from '../support/cluster.ts';
import { waitFor } from '../cluster/http.ts';
import { parseTable, readyStack, runChild, runCli, spawnGovernor } from './read-support.ts';

test('governor get: tables, wide, -A, json/yaml/name, empty namespaces, not found and --watch', async (t) => {
  const s = await readyStack(t, 'cli-get');
  const kc = ['--kubeconfig', s.kubeconfig];
  const short = `main@sha1:${s.sha.slice(0, 12)}`;

  await t.test('stacks table has stable columns and the short revision', async () => {
    const r = await runCli(['get', 'stacks', ...kc]);
    assert.equal(r.code, 0, r.err);
    const { headers, rows } = parseTable(r.out);
    assert.deepEqual(headers, ['NAME', 'READY', 'STATUS', 'REVISION', 'SUSPENDED', 'AGE']);
    assert.equal(rows.length, 1);
    const [name, ready, status, revision, suspended, age] = rows[0]!;
    assert.equal(name, 'web');
    assert.equal(ready, 'True');
    assert.ok(status && status.length <= 60, status);
    assert.equal(revision, short);
    assert.equal(suspended, 'false');
    assert.match(age!, /^\d+[smhd]$/);
    // aliases name the same thing
    assert.deepEqual(parseTable((await runCli(['get', 'st', ...kc])).out).rows.map((row) => row[0]), ['web']);
  });

  await t.test('-o wide adds source, path, drift and the full revision', async () => {
    const r = await runCli(['get', 'stack', '-o', 'wide', ...kc]);
    const { headers, rows } = parseTable(r.out);
    assert.deepEqual(headers, ['NAME', 'READY', 'STATUS', 'REVISION', 'SUSPENDED', 'AGE', 'SOURCE', 'PATH', 'DRIFT', 'LAST-APPLIED']);
    assert.deepEqual(rows[0]!.slice(6), ['GitRepository/platform', './apps/web', '0', `main@sha1:${s.sha}`]);
  });

  await t.test('sources, with URL in wide, and -A with a NAMESPACE column', async () => {
    const r = await runCli(['get', 'sources', ...kc]);
    assert.deepEqual(parseTable(r.out).headers, ['NAME', 'READY', 'STATUS', 'REVISION', 'SUSPENDED', 'AGE']);
    assert.equal(parseTable(r.out).rows[0]![3], short);
    const wide = parseTable((await runCli(['get', 'gitrepositories', '-o', 'wide', ...kc])).out);
    assert.deepEqual(wide.headers, ['NAME', 'URL', 'READY', 'STATUS', 'REVISION', 'SUSPENDED', 'AGE']);
    assert.equal(wide.rows[0]![1], s.url);
    const all = parseTable((await runCli(['get', 'stacks', '-A', ...kc])).out);
    assert.equal(all.headers[0], 'NAMESPACE');
    assert.ok(all.rows.some((row) => row[0] === s.ns && row[1] === 'web'));
  });

  await t.test('json and yaml are valid: a List for a list, the object for one name; managedFields hidden', async () => {
    const list = JSON.parse((await runCli(['get', 'all', '-o', 'json', ...kc])).out) as { kind: string; items: { kind: string; metadata: Record<string, unknown> }[] };
    assert.equal(list.kind, 'List');
    assert.deepEqual(list.items.map((i) => i.kind), ['GitRepository', 'Stack']);
    assert.ok(!('managedFields' in list.items[0]!.metadata));
    const one = JSON.parse((await runCli(['get', 'stack', 'web', '-o', 'json', ...kc])).out) as { kind: string; apiVersion: string; status: { lastAppliedRevision: string } };
    assert.equal(one.kind, 'Stack');
    assert.equal(one.apiVersion, 'governor.dev/v1alpha1');
    assert.equal(one.status.lastAppliedRevision, `main@sha1:${s.sha}`);
    const docs = parseAllDocuments((await runCli(['get', 'all', '-o', 'yaml', ...kc])).out);
    assert.deepEqual(docs.map((d) => (d.toJS() as { kind: string }).kind), ['GitRepository', 'Stack']);
    assert.deepEqual(docs.flatMap((d) => d.errors), []);
    const names = await runCli(['get', 'all', '-o', 'name', ...kc]);
    assert.equal(names.out, 'gitrepository.governor.dev/platform\nstack.governor.dev/web\n');
  });

  await t.test('exit codes: empty namespace 0 with a note, not found 1, bad kind 2', async () => {
    const empty = await testNamespace(t, s.info, 'cli-empty');
    const none = await runChild(['get', 'stacks', '-n', empty, '--kubeconfig', s.info.kubeconfigPath]);
    assert.equal(none.code, 0, none.err);
    assert.equal(none.out, '');
    assert.equal(none.err, `No resources found in ${empty} namespace.\n`);
    const noneJson = await runChild(['get', 'stacks', '-n', empty, '-o', 'json', '--kubeconfig', s.info.kubeconfigPath]);
    assert.deepEqual((JSON.parse(noneJson.out) as { items: unknown[] }).items, []);
    const missing = await runChild(['get', 'stack', 'nope', ...kc]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /Stack "nope" not found in namespace/);
    const bad = await runChild(['get', 'pods', ...kc]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /unknown kind "pods"/);
  });

  await t.test('--watch prints a row again when it changes and exits 0 on SIGINT', async () => {
    const { child, out, err, exited } = spawnGovernor(t, ['get', 'stacks', '--watch', ...kc]);
    await waitFor('the first table', async () => out().includes('SUSPENDED'), 20_000);
    // Give the watch a moment to open before the change it should see.
    await new Promise((r) => setTimeout(r, 1000));
    await s.api.mergePatch({ apiVersion: 'governor.dev/v1alpha1', kind: 'Stack', namespace: s.ns, name: 'web' }, { spec: { suspend: true } });
    await waitFor('a row showing the Stack suspended', async () => /^web\s+\S+.*\strue\s+\d+[smhd]$/m.test(out()), 20_000);
    assert.equal(out().match(/^NAME/gm)?.length, 1, 'the header is printed once');
    child.kill('SIGINT');
    assert.equal(await exited, 0, err());
  });
});

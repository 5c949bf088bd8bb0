import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../cluster/http.ts';
import { parseTable, readyStack, runChild, runCli, spawnGovernor } from './read-support.ts';

test('governor events: the Events of Governor objects, for one object or all, sorted, and --watch', async (t) => {
  const s = await readyStack(t, 'cli-events');
  const kc = ['--kubeconfig', s.kubeconfig];

  await t.test('--for one Stack', async () => {
    const r = await runCli(['events', '--for', 'stack/web', ...kc]);
    assert.equal(r.code, 0, r.err);
    const { headers, rows } = parseTable(r.out);
    assert.deepEqual(headers, ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    assert.ok(rows.every((row) => row[3] === 'Stack/web'), r.out);
    assert.ok(rows.some((row) => row[1] === 'Normal' && row[2] === 'ReconciliationSucceeded'), r.out);
    // oldest first: the success comes after what led to it
    const reasons = rows.map((row) => row[2]);
    assert.ok(reasons.lastIndexOf('ReconciliationSucceeded') > reasons.indexOf('Applied'), r.out);
  });

  await t.test('all objects, -A, and json', async () => {
    const r = await runCli(['events', ...kc]);
    const objects = new Set(parseTable(r.out).rows.map((row) => row[3]));
    assert.ok(objects.has('Stack/web') && objects.has('GitRepository/platform'), r.out);
    const source = parseTable((await runCli(['events', '--for', 'source/platform', ...kc])).out);
    assert.ok(source.rows.length > 0 && source.rows.every((row) => row[3] === 'GitRepository/platform'));
    const all = parseTable((await runCli(['events', '-A', ...kc])).out);
    assert.equal(all.headers[0], 'NAMESPACE');
    assert.ok(all.rows.some((row) => row[0] === s.ns));
    const list = JSON.parse((await runCli(['events', '--for', 'stack/web', '-o', 'json', ...kc])).out) as { kind: string; items: { involvedObject: { apiVersion: string; name: string } }[] };
    assert.equal(list.kind, 'List');
    assert.ok(list.items.length > 0 && list.items.every((e) => e.involvedObject.apiVersion === 'governor.dev/v1alpha1' && e.involvedObject.name === 'web'));
  });

  await t.test('usage errors exit 2; no events is not an error', async () => {
    assert.equal((await runChild(['events', '--for', 'web', ...kc])).code, 2);
    const none = await runChild(['events', '--for', 'stack/nothing-here', ...kc]);
    assert.equal(none.code, 0, none.err);
    assert.match(none.err, /No events found/);
  });

  await t.test('--watch prints new events until SIGINT', async () => {
    const { child, out, err, exited } = spawnGovernor(t, ['events', '--for', 'stack/web', '--watch', ...kc]);
    await waitFor('the first table', async () => out().includes('REASON'), 20_000);
    await new Promise((r) => setTimeout(r, 1000));
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await s.api.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `web.cli-test`, namespace: s.ns },
      involvedObject: { apiVersion: 'governor.dev/v1alpha1', kind: 'Stack', name: 'web', namespace: s.ns },
      type: 'Warning',
      reason: 'CliWatchTest',
      message: 'seen by the watch',
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      source: { component: 'test' },
    });
    await waitFor('the new event', async () => /Warning\s+CliWatchTest\s+Stack\/web\s+seen by the watch/.test(out()), 20_000);
    child.kill('SIGINT');
    assert.equal(await exited, 0, err());
  });
});

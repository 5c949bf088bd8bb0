import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { waitFor } from '../cluster/http.ts';
import { testNamespace } from '../support/cluster.ts';
import { readyStack, runChild, runCli } from './read-support.ts';

test("governor logs: the controller's lines for one Stack, pretty-printed, from a log file or the pods", async (t) => {
  const s = await readyStack(t, 'cli-logs');
  const kc = ['--kubeconfig', s.kubeconfig];
  const file = s.ctrl.logFile;
  // pino writes asynchronously; the line about the apply is there soon after Ready.
  await waitFor('the applied log line', async () => (await readFile(file, 'utf8')).includes('"applied"'), 10_000);

  await t.test('one Stack from --log-file, as TIME LEVEL msg key=value', async () => {
    const r = await runCli(['logs', '--stack', 'web', '--log-file', file, ...kc]);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trimEnd().split('\n');
    assert.ok(lines.length > 0);
    for (const line of lines) {
      assert.match(line, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z (TRACE|DEBUG|INFO |WARN |ERROR|FATAL) /, line);
      assert.match(line, / name=web( |$)/, line);
      assert.match(line, new RegExp(` namespace=${s.ns}( |$)`), line);
    }
    assert.ok(lines.some((l) => / INFO {2}applied kind=Stack namespace=\S+ name=web /.test(l)), r.out);
    const other = await runCli(['logs', '--stack', 'other', '--log-file', file, ...kc]);
    assert.equal(other.out, '');
    assert.match(other.err, /No log lines/);
  });

  await t.test('--tail and --raw', async () => {
    const tail = await runCli(['logs', '--stack', 'web', '--log-file', file, '--tail', '1', '--raw', ...kc]);
    const lines = tail.out.trimEnd().split('\n');
    assert.equal(lines.length, 1);
    const entry = JSON.parse(lines[0]!) as { name: string; namespace: string };
    assert.deepEqual([entry.name, entry.namespace], ['web', s.ns]);
    const all = await runCli(['logs', '--log-file', file, ...kc]);
    assert.ok(all.out.split('\n').length > lines.length, 'without --stack, every line');
  });

  await t.test('no controller pods, or a missing file, exit 1 with a hint', async () => {
    const empty = await testNamespace(t, s.info, 'cli-nopods');
    const r = await runChild(['logs', '--stack', 'web', '--controller-namespace', empty, ...kc]);
    assert.equal(r.code, 1);
    assert.match(r.err, /no controller pods/);
    assert.match(r.err, /hint: .*--log-file/);
    assert.equal((await runChild(['logs', '--log-file', '/nonexistent/governor.log'])).code, 1);
  });
});

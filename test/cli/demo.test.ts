import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GOVERNOR_BIN } from '../support/cli.ts';
import { waitFor } from '../cluster/http.ts';

/** PIDs of processes whose command line mentions the directory. */
async function processesUnder(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).replaceAll('\0', ' ');
      const state = (await readFile(`/proc/${entry}/stat`, 'utf8')).split(') ')[1]?.[0];
      if (cmdline.includes(dir) && state !== 'Z') pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

test('governor demo brings every example Stack to Ready, and Ctrl-C stops everything it started', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'governor-demo-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const child = spawn(GOVERNOR_BIN, ['demo', '--dir', dir, '--nodes', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => child.kill('SIGKILL'));
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  await waitFor('the demo to be ready', async () => {
    if (child.exitCode !== null) throw new Error(`demo exited early:\n${out}`);
    return out.includes('Press Ctrl-C');
  }, 240_000, 250);
  for (const name of ['cluster', 'infrastructure', 'hello', 'greeter']) {
    assert.match(out, new RegExp(`Stack governor-system/${name}\\s+Ready=True`), out);
  }
  assert.ok((await processesUnder(dir)).length >= 5, 'the control plane runs from the demo directory');

  child.kill('SIGINT');
  assert.equal(await exited, 0, out);
  assert.match(out, /governor demo: stopped\./);
  await waitFor('every demo process to be gone', async () => (await processesUnder(dir)).length === 0, 10_000, 100);
});

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
  const child = spawn(GOVERNOR_BIN, ['demo', '--dir', dir, '--nodes', '1', '--dashboard-addr', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
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

  // The dashboard link signs in (once) and shows the same four Stacks Ready.
  const link = /The dashboard: (http:\/\/127\.0\.0\.1:\d+\/)#login=(\S+)/.exec(out);
  assert.ok(link, out);
  const [, base, code] = link as unknown as [string, string, string];
  assert.equal((await fetch(`${base}api/overview`)).status, 401, 'nothing without signing in');
  const signin = await fetch(`${base}api/session/login-link`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
  assert.equal(signin.status, 200);
  const cookie = signin.headers.get('set-cookie')!.split(';')[0]!;
  const overview = (await (await fetch(`${base}api/overview`, { headers: { cookie } })).json()) as { stacks: Record<string, number> };
  assert.ok(overview.stacks.ready! >= 4, JSON.stringify(overview));
  const page = await fetch(base, { headers: { cookie } });
  assert.match(await page.text(), /<div id="root">|<script type="module"/, 'the web app is served');

  child.kill('SIGINT');
  assert.equal(await exited, 0, out);
  assert.match(out, /governor demo: stopped\./);
  await waitFor('every demo process to be gone', async () => (await processesUnder(dir)).length === 0, 10_000, 100);
});

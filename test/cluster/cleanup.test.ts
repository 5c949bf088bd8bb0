import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { pidAlive } from './process.ts';
import { waitFor } from './http.ts';

/** Runs the fixture, returns the component PIDs it reported once its cluster was up. */
function runFixture(mode: 'wait' | 'throw', onPids: (pids: number[], child: ReturnType<typeof spawn>) => void): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [new URL('./fixtures/start-then.ts', import.meta.url).pathname, mode], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, GOVERNOR_TEST_CLUSTER: '' },
    });
    let out = '';
    let pids: number[] = [];
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line && pids.length === 0) {
        pids = Object.values(JSON.parse(line) as Record<string, number>);
        onPids(pids, child);
      }
    });
    child.once('error', reject);
    child.once('exit', () => (pids.length ? resolve(pids) : reject(new Error(`fixture exited before reporting PIDs: ${out}`))));
  });
}

async function assertAllGone(pids: number[]): Promise<void> {
  assert.equal(pids.length, 5);
  // The children are killed synchronously on exit; the kernel may need a moment to reap them.
  await waitFor('every component to be gone', async () => pids.every((p) => !pidAlive(p)), 10_000, 100);
  for (const pid of pids) assert.equal(pidAlive(pid), false, `component ${pid} is gone`);
}

test('an interrupted test run (SIGINT) leaves none of its cluster processes running', async () => {
  const pids = await runFixture('wait', (_pids, child) => child.kill('SIGINT'));
  await assertAllGone(pids);
});

test('a test that fails with an uncaught error leaves none of its cluster processes running', async () => {
  const pids = await runFixture('throw', () => undefined);
  await assertAllGone(pids);
});

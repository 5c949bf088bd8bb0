import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue } from './workqueue.ts';

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

test('repeated adds of a waiting key coalesce into one run', async () => {
  const runs: string[] = [];
  const q = new WorkQueue({ concurrency: 1, handler: async (k) => void runs.push(k) });
  q.add('ns/a');
  q.add('ns/a');
  q.add('ns/b');
  q.add('ns/a');
  q.start();
  await tick(20);
  assert.deepEqual(runs, ['ns/a', 'ns/b']);
  await q.stop();
});

test('a key added while it is being handled runs again afterwards, never concurrently', async () => {
  let inFlight = 0;
  let maxInFlight = 0;
  let runs = 0;
  let release!: () => void;
  const q = new WorkQueue({
    concurrency: 4,
    handler: async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      runs++;
      if (runs === 1) await new Promise<void>((r) => (release = r));
      inFlight--;
    },
  });
  q.start();
  q.add('k');
  await tick();
  q.add('k');
  q.add('k');
  await tick();
  assert.equal(runs, 1, 'second run waits for the first');
  release();
  await tick(20);
  assert.equal(runs, 2, 'the adds during the run coalesce into one more run');
  assert.equal(maxInFlight, 1);
  await q.stop();
});

test('concurrency is bounded', async () => {
  let inFlight = 0;
  let maxInFlight = 0;
  const q = new WorkQueue({
    concurrency: 3,
    handler: async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await tick(10);
      inFlight--;
    },
  });
  for (let i = 0; i < 20; i++) q.add(`k${i}`);
  assert.equal(q.depth(), 20);
  q.start();
  // However slow the machine, the queue drains; how fast is not what this test is about.
  for (let waited = 0; q.depth() > 0 || inFlight > 0; waited += 10) {
    assert.ok(waited < 10_000, 'the queue drains');
    await tick(10);
  }
  assert.equal(maxInFlight, 3);
  await q.stop();
});

test('failures retry with exponential backoff and jitter; success resets it', async () => {
  const q = new WorkQueue({ concurrency: 1, handler: async () => undefined, baseDelayMs: 100, maxDelayMs: 1000, jitter: 0.5, random: () => 1 });
  assert.deepEqual([1, 2, 3, 4, 5].map((n) => q.backoff(n)), [150, 300, 600, 1200, 1500]);

  const times: number[] = [];
  let fail = 3;
  const errors: number[] = [];
  const q2 = new WorkQueue({
    concurrency: 1,
    baseDelayMs: 10,
    jitter: 0,
    handler: async () => {
      times.push(Date.now());
      if (fail-- > 0) throw new Error('boom');
    },
    onError: (_k, _e, retry) => errors.push(retry),
  });
  q2.start();
  q2.add('x');
  await tick(200);
  assert.deepEqual(errors, [10, 20, 40]);
  assert.equal(times.length, 4, 'three failures then one success, then nothing more');
  await q2.stop();
});

test('requeueAfter schedules the next run; an earlier add wins over a later schedule', async () => {
  let runs = 0;
  const q = new WorkQueue({ concurrency: 1, handler: async () => (runs++, { requeueAfterMs: 40 }) });
  q.start();
  q.add('k');
  await tick(10);
  assert.equal(runs, 1);
  await tick(60);
  assert.equal(runs, 2, 'requeued after its interval');
  q.add('k');
  await tick(10);
  assert.equal(runs, 3, 'an event does not wait for the interval');
  await q.stop();
  await tick(60);
  assert.equal(runs, 3, 'nothing runs after stop');
});

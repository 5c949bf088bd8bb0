import { test } from 'node:test';
import assert from 'node:assert/strict';
import { declaredTooLarge, readBodyLimited } from './body.ts';

function streamOf(chunks: Uint8Array[], onPull?: () => void): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      onPull?.();
      const next = chunks[i++];
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
}

test('a body within the limit is returned whole', async () => {
  const body = await readBodyLimited(streamOf([Buffer.from('ab'), Buffer.from('cd')]), 4);
  assert.equal(body?.toString(), 'abcd');
});

test('no body reads as empty', async () => {
  assert.equal((await readBodyLimited(null, 10))?.length, 0);
});

test('reading stops at the first chunk past the limit', async () => {
  let pulls = 0;
  const chunks = Array.from({ length: 100 }, () => Buffer.alloc(10));
  const body = await readBodyLimited(streamOf(chunks, () => pulls++), 25);
  assert.equal(body, undefined);
  assert.ok(pulls <= 4, `pulled ${pulls} chunks`);
});

test('a declared Content-Length over the limit is refused up front', () => {
  assert.equal(declaredTooLarge('11', 10), true);
  assert.equal(declaredTooLarge('10', 10), false);
  assert.equal(declaredTooLarge(undefined, 10), false);
  assert.equal(declaredTooLarge('', 10), false);
});

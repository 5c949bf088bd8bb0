/**
 * Reads a request body of at most `limit` bytes. Returns undefined as soon as the limit is
 * passed, without reading further, so a chunked body with no Content-Length cannot make the
 * process buffer more than the limit plus one chunk.
 */
export async function readBodyLimited(stream: ReadableStream<Uint8Array> | null, limit: number): Promise<Buffer | undefined> {
  if (!stream) return Buffer.alloc(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) return undefined;
      chunks.push(value);
    }
  } finally {
    // Not cancel(): cancelling destroys the socket before the 413 is written; the HTTP
    // adapter drains (and, past its own bound, closes) what the client still sends.
    reader.releaseLock();
  }
  return Buffer.concat(chunks, size);
}

/** Whether a declared Content-Length already rules the body out, before reading a byte of it. */
export function declaredTooLarge(contentLength: string | undefined, limit: number): boolean {
  if (contentLength === undefined) return false;
  const n = Number(contentLength);
  return Number.isFinite(n) && n > limit;
}

import type { TestContext } from 'node:test';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  json(): unknown;
}

/**
 * A real HTTP server on loopback playing Slack, Teams, Discord, a webhook or a Git host's API:
 * it records every request and answers with what `respond` says (200 by default).
 */
export async function httpRecorder(
  t: TestContext,
  respond: (req: RecordedRequest, index: number) => number | { status: number; body?: unknown } = () => 200,
): Promise<{ url: string; requests: RecordedRequest[]; on(path: string): RecordedRequest[] }> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        json: () => JSON.parse(body.toString('utf8')) as unknown,
      };
      requests.push(recorded);
      const answer = respond(recorded, requests.length - 1);
      const { status, body: out } = typeof answer === 'number' ? { status: answer, body: undefined } : answer;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(out ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, on: (path) => requests.filter((r) => r.path.startsWith(path)) };
}

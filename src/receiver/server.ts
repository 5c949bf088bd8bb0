import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { Receiver } from '../api/receiver.ts';
import type { ControllerMetrics } from '../controller/metrics.ts';
import type { Logger } from '../log.ts';
import { parseAddress } from '../server/probes.ts';
import { declaredTooLarge, readBodyLimited } from './body.ts';
import { shouldTrigger } from './events.ts';
import { WEBHOOK_PATH_PATTERN } from './path.ts';
import { verifyWebhook } from './verify.ts';

/**
 * 1 MiB. GitHub caps payloads at 25 MB, but push, tag and ping payloads are usually a few KiB,
 * and this endpoint answers anyone who knows the path: the body must be read before its HMAC can
 * be checked, so the limit bounds what an unauthenticated caller can make the process buffer. A
 * push of very many commits can exceed it; it is refused 413, and the GitRepository's own
 * interval still fetches that revision, so the cost is latency only.
 */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export type ReceiverResult = 'accepted' | 'ignored' | 'unauthorized' | 'too_large' | 'not_found' | 'error';

export interface ReceiverAppDeps {
  /** The Receiver whose status.webhookPath is this path, and its token (from its Secret); undefined when none or suspended. */
  lookup(path: string): Promise<{ receiver: Receiver; token: string } | undefined>;
  /** Marks the Receiver's resources for an immediate reconcile. */
  trigger(receiver: Receiver, event: string | undefined): Promise<void>;
  /** Bodies above this are refused with 413; defaults to DEFAULT_MAX_BODY_BYTES. */
  maxBodyBytes?: number;
  log: Logger;
  metrics?: ControllerMetrics;
}

// Fixed bodies: a caller learns the status and nothing about which check failed or why.
const NOT_FOUND = { error: 'not found' } as const;
const UNAUTHORIZED = { error: 'unauthorized' } as const;
const TOO_LARGE = { error: 'payload too large' } as const;
const INTERNAL = { error: 'internal error' } as const;

/**
 * The webhook endpoint: POST /hook/<64 hex>. A call is refused 404 unless a Receiver answers on
 * the path, 413 when the body passes the limit, 401 when its signature or token is wrong; a valid
 * one reconciles the Receiver's resources (202) unless its event is filtered out (200 ignored).
 */
export function receiverApp(deps: ReceiverAppDeps): Hono {
  const limit = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const count = (type: string, result: ReceiverResult) => deps.metrics?.receiverRequests.inc({ type, result });
  const app = new Hono();

  app.all('/hook/:digest', async (c) => {
    // Answered before any lookup, so the method alone never tells a prober a path exists.
    if (c.req.method !== 'POST') return c.json({ error: 'method not allowed' }, 405, { allow: 'POST' });
    const path = c.req.path;
    if (!WEBHOOK_PATH_PATTERN.test(path)) {
      count('unknown', 'not_found');
      return c.json(NOT_FOUND, 404);
    }

    let found: Awaited<ReturnType<ReceiverAppDeps['lookup']>>;
    try {
      found = await deps.lookup(path);
    } catch (err) {
      deps.log.error({ err }, 'webhook receiver lookup failed');
      count('unknown', 'error');
      return c.json(INTERNAL, 500);
    }
    if (!found) {
      count('unknown', 'not_found');
      return c.json(NOT_FOUND, 404);
    }
    const { receiver, token } = found;
    const type = receiver.spec.type;
    const log = deps.log.child({ receiver: `${receiver.metadata.namespace}/${receiver.metadata.name}`, type });

    const tooLarge = () => {
      count(type, 'too_large');
      // The rest of the body is not read; closing the connection stops the client sending it.
      return c.json(TOO_LARGE, 413, { connection: 'close' });
    };
    if (declaredTooLarge(c.req.header('content-length'), limit)) return tooLarge();
    const body = await readBodyLimited(c.req.raw.body, limit);
    if (!body) return tooLarge();

    const verified = verifyWebhook({
      type,
      headers: c.req.header(),
      body,
      token,
      onReject: (reason) => log.debug({ reason }, 'webhook call refused'),
    });
    if (!verified.ok) {
      count(type, 'unauthorized');
      return c.json(UNAUTHORIZED, 401);
    }

    const { event } = verified;
    if (!shouldTrigger(type, event, receiver.spec.events)) {
      log.debug({ event }, 'webhook call ignored: event not selected');
      count(type, 'ignored');
      return c.json({ status: 'ignored' }, 200);
    }
    try {
      await deps.trigger(receiver, event);
    } catch (err) {
      log.error({ err, event }, 'webhook call verified but triggering a reconcile failed');
      count(type, 'error');
      return c.json(INTERNAL, 500);
    }
    log.info({ event }, 'webhook call accepted: reconcile requested');
    count(type, 'accepted');
    return c.json({ status: 'accepted' }, 202);
  });

  app.notFound((c) => {
    count('unknown', 'not_found');
    return c.json(NOT_FOUND, 404);
  });
  app.onError((err, c) => {
    deps.log.error({ err }, 'webhook receiver failed');
    count('unknown', 'error');
    return c.json(INTERNAL, 500);
  });
  return app;
}

export interface ReceiverServerOptions {
  /** host:port; `:9292` binds every interface. */
  address: string;
  app: Hono;
}

export interface ReceiverServer {
  port: number;
  close(): Promise<void>;
}

// Webhook senders deliver in one short request; tight limits keep slow or idle clients from
// holding sockets on an endpoint that is open to the internet.
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;

export async function startReceiverServer(opts: ReceiverServerOptions): Promise<ReceiverServer> {
  const { host, port } = parseAddress(opts.address);
  // No createServer option is passed, so serve() makes a node:http Server.
  const server = serve({
    fetch: opts.app.fetch,
    hostname: host,
    port,
    // The controller's own fetch calls (notifications, Git hosts) keep Node's Request/Response.
    overrideGlobalObjects: false,
    serverOptions: { headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
  }) as Server;
  await new Promise<void>((resolve, reject) => {
    if (server.listening) return resolve();
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.once('listening', () => {
      server.off('error', onError);
      resolve();
    });
  });
  const addr = server.address();
  return {
    port: typeof addr === 'object' && addr ? addr.port : port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Kept-alive sockets would otherwise hold close() open until they time out.
        server.closeIdleConnections();
      }),
  };
}

/**
 * One place that puts a controller together, for `governor controller`, the demo and the tests
 * alike: the Manager, the notification dispatcher fed by every Event it records, and the webhook
 * server that turns valid calls into reconcile requests.
 */
import type { KubeApi } from '../kube/api.ts';
import type { Logger } from '../log.ts';
import { Notifier } from '../notification/dispatcher.ts';
import { receiverApp, startReceiverServer } from '../receiver/server.ts';
import { NotifyingEventSink, type EventSink } from './events.ts';
import { Manager, type ManagerOptions } from './manager.ts';
import type { ControllerMetrics } from './metrics.ts';
import { notifierSources, receiverHooks } from './notification/wiring.ts';

export interface AssembleOptions extends Omit<ManagerOptions, 'events'> {
  /** Where Events are recorded (Kubernetes); every one is also offered to the Alerts. */
  recorder: EventSink;
  /** Delivery retries; tests shorten the backoff. */
  notificationRetry?: { attempts?: number; baseDelayMs?: number };
}

export interface Assembled {
  manager: Manager;
  notifier: Notifier;
  stop(): Promise<void>;
}

export function assembleController(opts: AssembleOptions): Assembled {
  const { recorder, notificationRetry, ...rest } = opts;
  // The dispatcher reads the Manager's caches, and the Manager records through the dispatcher:
  // the closures below only run once both exist.
  let manager: Manager | undefined = undefined;
  const cache = {
    cached: ((kind) => manager?.cached(kind) ?? []) as Manager['cached'],
    find: ((kind, namespace, name) => manager?.find(kind, namespace, name)) as Manager['find'],
  };
  const notifier = new Notifier({
    ...notifierSources(cache, opts.api),
    events: recorder,
    log: opts.log,
    metrics: opts.metrics,
    ...(notificationRetry ? { retry: notificationRetry } : {}),
  });
  manager = new Manager({ ...rest, events: new NotifyingEventSink(recorder, (e) => notifier.notify(e)) });
  const m = manager;
  return {
    manager: m,
    notifier,
    stop: async () => {
      await m.stop();
      await notifier.stop();
    },
  };
}

/** The webhook endpoint of every Receiver, on its own address (Flux's is :9292). */
export async function startWebhooks(opts: { address: string; manager: Manager; api: KubeApi; log: Logger; metrics?: ControllerMetrics; maxBodyBytes?: number }) {
  const app = receiverApp({
    ...receiverHooks(opts.manager, opts.api, opts.log),
    log: opts.log,
    ...(opts.metrics ? { metrics: opts.metrics } : {}),
    ...(opts.maxBodyBytes ? { maxBodyBytes: opts.maxBodyBytes } : {}),
  });
  return startReceiverServer({ address: opts.address, app });
}

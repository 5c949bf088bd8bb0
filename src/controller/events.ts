import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { KubeClient } from '../kube/client.ts';
import type { KubeObject } from '../kube/types.ts';
import type { NotificationEvent } from '../notification/event.ts';
import { REVISION_ANNOTATION } from '../api/event-annotations.ts';

export type EventType = 'Normal' | 'Warning';

/** What an Event says beyond its reason and message. */
export interface EventMeta {
  /** The source revision the event is about (`main@sha1:…`); also the annotation governor.dev/revision. */
  revision?: string;
  /** More annotations on the Event (such as governor.dev/drift); never secret values. */
  annotations?: Record<string, string>;
}

export interface EventSink {
  record(obj: KubeObject, type: EventType, reason: string, message: string, meta?: EventMeta): Promise<void>;
}


/**
 * Writes core/v1 Events about Governor objects, where `kubectl describe` and `kubectl get events`
 * show them. A failed write is logged by the caller, never fatal: events are best effort.
 */
export class KubeEventRecorder implements EventSink {
  private readonly client: KubeClient;
  private readonly component: string;
  private readonly instance: string;

  constructor(client: KubeClient, opts: { component?: string; instance?: string } = {}) {
    this.client = client;
    this.component = opts.component ?? 'governor-controller';
    this.instance = opts.instance ?? hostname();
  }

  async record(obj: KubeObject, type: EventType, reason: string, message: string, meta: EventMeta = {}): Promise<void> {
    const ns = obj.metadata.namespace ?? 'default';
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const annotations = { ...meta.annotations, ...(meta.revision ? { [REVISION_ANNOTATION]: meta.revision } : {}) };
    await this.client.request('POST', `/api/v1/namespaces/${encodeURIComponent(ns)}/events`, {
      body: {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: {
          name: `${obj.metadata.name}.${Date.now().toString(16)}${randomBytes(2).toString('hex')}`,
          namespace: ns,
          ...(Object.keys(annotations).length ? { annotations } : {}),
        },
        involvedObject: {
          apiVersion: obj.apiVersion,
          kind: obj.kind,
          name: obj.metadata.name,
          namespace: ns,
          uid: obj.metadata.uid,
          resourceVersion: obj.metadata.resourceVersion,
        },
        type,
        reason,
        message: message.length > 1000 ? message.slice(0, 1000) + '…' : message,
        source: { component: this.component },
        reportingComponent: `governor.dev/${this.component}`,
        reportingInstance: this.instance,
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      },
    });
  }
}

const NOTIFIED_KINDS = new Set(['Stack', 'GitRepository']);

/**
 * Records every Event in Kubernetes and hands it to the notification dispatcher as well, so an
 * alert says exactly what `kubectl describe` shows. Notifying never delays or fails the record.
 */
export class NotifyingEventSink implements EventSink {
  private readonly inner: EventSink;
  private readonly notify: (event: NotificationEvent) => void;

  constructor(inner: EventSink, notify: (event: NotificationEvent) => void) {
    this.inner = inner;
    this.notify = notify;
  }

  async record(obj: KubeObject, type: EventType, reason: string, message: string, meta: EventMeta = {}): Promise<void> {
    // Alerts are about Stacks and sources. A Provider's or an Alert's own events (NotificationFailed
    // above all) must not feed back into the notifications that caused them.
    if (NOTIFIED_KINDS.has(obj.kind)) {
      this.notify({
        involvedObject: {
          apiVersion: obj.apiVersion,
          kind: obj.kind,
          namespace: obj.metadata.namespace ?? 'default',
          name: obj.metadata.name,
          ...(obj.metadata.uid ? { uid: obj.metadata.uid } : {}),
          ...(obj.metadata.labels ? { labels: obj.metadata.labels } : {}),
        },
        severity: type === 'Warning' ? 'error' : 'info',
        reason,
        message,
        ...(meta.revision ? { revision: meta.revision } : {}),
        timestamp: new Date().toISOString(),
      });
    }
    await this.inner.record(obj, type, reason, message, meta);
  }
}

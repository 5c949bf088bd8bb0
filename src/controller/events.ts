import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { KubeClient } from '../kube/client.ts';
import type { KubeObject } from '../kube/types.ts';

export type EventType = 'Normal' | 'Warning';

export interface EventSink {
  record(obj: KubeObject, type: EventType, reason: string, message: string): Promise<void>;
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

  async record(obj: KubeObject, type: EventType, reason: string, message: string): Promise<void> {
    const ns = obj.metadata.namespace ?? 'default';
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await this.client.request('POST', `/api/v1/namespaces/${encodeURIComponent(ns)}/events`, {
      body: {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `${obj.metadata.name}.${Date.now().toString(16)}${randomBytes(2).toString('hex')}`, namespace: ns },
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

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../kube/types.ts';
import type { NotificationEvent } from '../notification/event.ts';
import { NotifyingEventSink, type EventMeta, type EventSink, type EventType } from './events.ts';

function recorder(): EventSink & { recorded: [string, EventType, string, string, EventMeta | undefined][] } {
  const recorded: [string, EventType, string, string, EventMeta | undefined][] = [];
  return { recorded, record: async (obj, type, reason, message, meta) => void recorded.push([obj.kind, type, reason, message, meta]) };
}

const obj = (kind: string): KubeObject => ({ apiVersion: 'governor.dev/v1alpha1', kind, metadata: { name: 'web', namespace: 'apps', labels: { team: 'a' } } });

test('every Event is recorded; those of Stacks and sources are also offered to the Alerts, with severity and revision', async () => {
  const inner = recorder();
  const sent: NotificationEvent[] = [];
  const sink = new NotifyingEventSink(inner, (e) => sent.push(e));
  await sink.record(obj('Stack'), 'Warning', 'HealthCheckFailed', 'Deployment/apps/web failed', { revision: 'main@sha1:' + 'a'.repeat(40) });
  await sink.record(obj('GitRepository'), 'Normal', 'Succeeded', 'stored artifact');
  // A Provider's or an Alert's own events never feed back into notifications.
  await sink.record(obj('Alert'), 'Warning', 'NotificationFailed', 'delivery failed');
  await sink.record(obj('Provider'), 'Normal', 'Succeeded', 'slack provider ready');

  assert.deepEqual(inner.recorded.map((r) => `${r[0]} ${r[2]}`), ['Stack HealthCheckFailed', 'GitRepository Succeeded', 'Alert NotificationFailed', 'Provider Succeeded']);
  assert.deepEqual(
    sent.map((e) => [e.involvedObject.kind, e.severity, e.reason, e.revision]),
    [
      ['Stack', 'error', 'HealthCheckFailed', 'main@sha1:' + 'a'.repeat(40)],
      ['GitRepository', 'info', 'Succeeded', undefined],
    ],
  );
  assert.deepEqual(sent[0]!.involvedObject.labels, { team: 'a' }, 'labels go along for matchLabels');
});

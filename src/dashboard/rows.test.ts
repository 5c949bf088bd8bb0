import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GitRepository, Stack } from '../api/index.ts';
import { eventView, sourceRow, stackRow, stackState } from './rows.ts';

const ready = (status: 'True' | 'False' | 'Unknown', reason = 'ReconciliationSucceeded', message = 'Applied revision: main@sha1:abc') => ({
  type: 'Ready',
  status,
  reason,
  message,
  lastTransitionTime: '2026-01-01T00:00:00Z',
});

function stack(over: { spec?: Partial<Stack['spec']>; status?: Stack['status']; generation?: number } = {}): Stack {
  return {
    apiVersion: 'governor.dev/v1alpha1',
    kind: 'Stack',
    metadata: { name: 'web', namespace: 'apps', generation: over.generation ?? 1 },
    spec: { sourceRef: { kind: 'GitRepository', name: 'platform' }, path: './web', interval: '10m', prune: true, wait: false, suspend: false, force: false, drift: { mode: 'correct' }, ...over.spec },
    ...(over.status ? { status: over.status } : {}),
  } as Stack;
}

test('state follows the precedence suspended, failed, drifted, progressing, ready, unknown', () => {
  assert.equal(stackState(stack()), 'unknown');
  assert.equal(stackState(stack({ status: { observedGeneration: 1, conditions: [ready('True')] } })), 'ready');
  assert.equal(stackState(stack({ generation: 2, status: { observedGeneration: 1, conditions: [ready('True')] } })), 'progressing');
  assert.equal(stackState(stack({ status: { observedGeneration: 1, conditions: [ready('Unknown', 'Progressing')] } })), 'progressing');
  assert.equal(stackState(stack({ status: { observedGeneration: 1, conditions: [ready('False', 'DependencyNotReady')] } })), 'progressing');
  assert.equal(stackState(stack({ status: { observedGeneration: 1, conditions: [ready('True')], drift: { count: 2 } } })), 'drifted');
  assert.equal(stackState(stack({ status: { observedGeneration: 1, conditions: [ready('False', 'ApplyFailed')], drift: { count: 2 } } })), 'failed');
  assert.equal(stackState(stack({ spec: { suspend: true }, status: { observedGeneration: 1, conditions: [ready('False', 'ApplyFailed')] } })), 'suspended');
});

test('a Stack row: source defaults to the Stack namespace, dependencies are qualified, inventory counted', () => {
  const row = stackRow(
    stack({
      spec: { dependsOn: [{ name: 'db' }, { name: 'infra', namespace: 'platform' }] },
      status: {
        observedGeneration: 1,
        conditions: [ready('True')],
        lastAppliedRevision: 'main@sha1:abc',
        inventory: { entries: [{ id: 'apps_a__ConfigMap', v: 'v1' }] },
        lastHandledReconcileAt: '2026-01-01T00:00:05.123Z',
      },
    }),
    { durationSeconds: 1.5 },
  );
  assert.deepEqual(row, {
    namespace: 'apps',
    name: 'web',
    state: 'ready',
    message: 'Applied revision: main@sha1:abc',
    source: 'apps/platform',
    path: './web',
    revision: 'main@sha1:abc',
    suspended: false,
    driftCount: 0,
    durationSeconds: 1.5,
    lastTransitionTime: '2026-01-01T00:00:00Z',
    objects: 1,
    dependsOn: [
      { namespace: 'apps', name: 'db' },
      { namespace: 'platform', name: 'infra' },
    ],
    lastHandledReconcileAt: '2026-01-01T00:00:05.123Z',
  });
});

test('a source row names its ref and carries the commit and the error', () => {
  const repo = {
    apiVersion: 'governor.dev/v1alpha1',
    kind: 'GitRepository',
    metadata: { name: 'platform', namespace: 'apps', generation: 1 },
    spec: { url: 'https://git.example.com/p.git', ref: { tag: 'v1' }, interval: '1m', timeout: '60s', suspend: false },
    status: {
      observedGeneration: 1,
      conditions: [ready('False', 'GitAuthFailed', 'authentication failed')],
      artifact: { revision: 'v1@sha1:abc', commit: { sha: 'abc', message: 'first', author: 'A <a@x>', time: '2026-01-01T00:00:00Z' }, lastUpdateTime: '2026-01-02T00:00:00Z' },
    },
  } as GitRepository;
  const row = sourceRow(repo);
  assert.equal(row.ref, 'tag v1');
  assert.equal(row.state, 'failed');
  assert.equal(row.error, 'authentication failed');
  assert.deepEqual(row.commit, { sha: 'abc', message: 'first', author: 'A <a@x>', time: '2026-01-01T00:00:00Z' });
  assert.equal(row.lastFetchTime, '2026-01-02T00:00:00Z');
});

test('an event view takes the newest timestamp it has', () => {
  const v = eventView({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'e', namespace: 'apps', creationTimestamp: '2026-01-01T00:00:00Z' },
    involvedObject: { kind: 'Stack', name: 'web', namespace: 'apps' },
    type: 'Warning',
    reason: 'ApplyFailed',
    message: 'boom',
    eventTime: '2026-01-01T00:00:05Z',
  });
  assert.deepEqual(v, { type: 'Warning', reason: 'ApplyFailed', message: 'boom', object: { kind: 'Stack', namespace: 'apps', name: 'web' }, count: 1, lastTimestamp: '2026-01-01T00:00:05Z' });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StackRow } from '../model.ts';
import { afterError, afterResult, afterTimeout, afterUpdate, buttonText, ECHO_MS, IDLE, isBusy } from './actions.ts';

const row: StackRow = {
  namespace: 'default',
  name: 'apps',
  state: 'ready',
  message: 'Applied revision: main@sha1:abc',
  source: 'default/platform',
  path: './apps',
  suspended: false,
  driftCount: 0,
  objects: 4,
  dependsOn: [],
  lastTransitionTime: '2026-01-01T00:00:00Z',
};

test('a refused action is an error with the server message', () => {
  assert.deepEqual(afterResult('reconcile', { accepted: false, message: 'forbidden' }, row, 0), { phase: 'error', action: 'reconcile', message: 'forbidden' });
});

test('reconcile: waits past its own echo, shows progress, then the outcome', () => {
  let phase = afterResult('reconcile', { accepted: true, message: 'requested' }, row, 1000);
  assert.equal(phase.phase, 'waiting');
  assert.equal(phase.phase === 'waiting' && phase.message, 'requested; waiting for the controller…');
  assert.ok(isBusy(phase));
  assert.equal(buttonText('reconcile', phase), 'Reconciling…');
  assert.equal(buttonText('suspend', phase), 'Suspend');
  phase = afterUpdate(phase, { ...row }, 1000 + ECHO_MS / 2);
  assert.equal(phase.phase, 'waiting', 'an unchanged row right away is the request itself');
  phase = afterUpdate(phase, { ...row, state: 'progressing', message: 'applying' }, 1200);
  assert.equal(phase.phase, 'waiting');
  assert.equal(phase.phase === 'waiting' && phase.message, 'Reconciling: applying');
  phase = afterUpdate(phase, { ...row, state: 'failed', message: 'apply failed' }, 2000);
  assert.deepEqual(phase, { phase: 'done', action: 'reconcile', ok: false, message: 'Reconciled. Failed: apply failed' });
  assert.equal(buttonText('reconcile', phase), 'Reconcile');
});

test('reconcile: an unchanged row later is the result', () => {
  const phase = afterResult('reconcile', { accepted: true, message: '' }, row, 0);
  const done = afterUpdate(phase, { ...row }, ECHO_MS + 1);
  assert.equal(done.phase, 'done');
  assert.equal(done.phase === 'done' && done.ok, true);
});

test('suspend finishes when the row says suspended, even before the response', () => {
  let phase = afterResult('suspend', { accepted: true, message: '' }, row, 0);
  phase = afterUpdate(phase, { ...row, state: 'progressing' }, 10);
  assert.equal(phase.phase, 'waiting');
  phase = afterUpdate(phase, { ...row, suspended: true, state: 'suspended' }, 20);
  assert.equal(phase.phase, 'done');
  assert.equal(afterResult('suspend', { accepted: true, message: '' }, { ...row, suspended: true }, 0).phase, 'done');
});

test('resume finishes once unsuspended and settled', () => {
  const suspended = { ...row, suspended: true, state: 'suspended' as const };
  let phase = afterResult('resume', { accepted: true, message: '' }, suspended, 0);
  phase = afterUpdate(phase, suspended, 2000);
  assert.equal(phase.phase, 'waiting');
  phase = afterUpdate(phase, { ...row, state: 'progressing' }, 2100);
  assert.equal(phase.phase, 'waiting');
  phase = afterUpdate(phase, row, 2200);
  assert.equal(phase.phase === 'done' && phase.message, 'Resumed. Ready: Applied revision: main@sha1:abc');
});

test('timeouts and errors', () => {
  const waiting = afterResult('reconcile', { accepted: true, message: '' }, row, 0);
  assert.equal(afterTimeout(waiting).phase, 'done');
  assert.equal(afterTimeout(IDLE), IDLE);
  assert.equal(afterUpdate(IDLE, row, 0), IDLE);
  assert.deepEqual(afterError('suspend', new Error('403 forbidden')), { phase: 'error', action: 'suspend', message: 'Suspend failed: 403 forbidden' });
});

test('reconcile with requestedAt: done exactly when the controller reports that request handled', () => {
  const at = '2026-01-01T00:01:00.000Z';
  let phase = afterResult('reconcile', { accepted: true, message: 'requested', requestedAt: at }, { ...row, lastHandledReconcileAt: '2026-01-01T00:00:00.000Z' }, 0);
  assert.equal(phase.phase, 'waiting');
  phase = afterUpdate(phase, { ...row, durationSeconds: 3, lastHandledReconcileAt: '2026-01-01T00:00:00.000Z' }, ECHO_MS * 10);
  assert.equal(phase.phase, 'waiting', 'a changed row that answers an earlier request is not the answer');
  phase = afterUpdate(phase, { ...row, state: 'progressing', message: 'applying', lastHandledReconcileAt: at }, ECHO_MS * 10);
  assert.equal(phase.phase, 'waiting');
  // Nothing but the handled request changed: still the answer, however soon it comes.
  phase = afterUpdate(phase, { ...row, lastHandledReconcileAt: at }, 1);
  assert.deepEqual(phase, { phase: 'done', action: 'reconcile', ok: true, message: 'Reconciled. Ready: Applied revision: main@sha1:abc' });
});

test('resume with requestedAt: unsuspended is not enough, the request must be handled', () => {
  const at = '2026-01-01T00:01:00.000Z';
  const suspended = { ...row, suspended: true, state: 'suspended' as const };
  let phase = afterResult('resume', { accepted: true, message: '', requestedAt: at }, suspended, 0);
  phase = afterUpdate(phase, row, 100);
  assert.equal(phase.phase, 'waiting');
  phase = afterUpdate(phase, { ...row, state: 'failed', message: 'apply failed', lastHandledReconcileAt: at }, 200);
  assert.deepEqual(phase, { phase: 'done', action: 'resume', ok: false, message: 'Resumed. Failed: apply failed' });
});

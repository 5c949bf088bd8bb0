import type { ActionResult, StackRow } from '../model.ts';
import type { Action } from './api.ts';
import { stateLabel } from './states.ts';

/**
 * The feedback of one action button press: sending the request, waiting for the controller's
 * answer to arrive on the live stream, and the outcome.
 */
export type ActionPhase =
  | { phase: 'idle' }
  | { phase: 'sending'; action: Action }
  | { phase: 'waiting'; action: Action; acceptedAt: number; before: StackRow; message: string; requestedAt?: string }
  | { phase: 'done'; action: Action; ok: boolean; message: string }
  | { phase: 'error'; action: Action; message: string };

export const IDLE: ActionPhase = { phase: 'idle' };

/** Updates with an unchanged row this soon after the request are the request itself (the annotation written), not the result. */
export const ECHO_MS = 750;

/** How long to wait for the stream before saying so. */
export const WAIT_MS = 60_000;

const PRESENT: Record<Action, string> = { reconcile: 'Reconciling…', suspend: 'Suspending…', resume: 'Resuming…' };
const LABEL: Record<Action, string> = { reconcile: 'Reconcile', suspend: 'Suspend', resume: 'Resume' };

export function actionLabel(action: Action): string {
  return LABEL[action];
}

/** The button's text: its pending form while this action is under way. */
export function buttonText(action: Action, phase: ActionPhase): string {
  const busy = (phase.phase === 'sending' || phase.phase === 'waiting') && phase.action === action;
  return busy ? PRESENT[action] : LABEL[action];
}

export function isBusy(phase: ActionPhase): boolean {
  return phase.phase === 'sending' || phase.phase === 'waiting';
}

function sameRow(a: StackRow, b: StackRow): boolean {
  return (
    a.state === b.state &&
    a.message === b.message &&
    a.revision === b.revision &&
    a.suspended === b.suspended &&
    a.lastTransitionTime === b.lastTransitionTime &&
    a.durationSeconds === b.durationSeconds &&
    a.driftCount === b.driftCount &&
    a.objects === b.objects
  );
}

function outcomeOf(row: StackRow): { ok: boolean; text: string } {
  const text = row.message ? `${stateLabel(row.state)}: ${row.message}` : stateLabel(row.state);
  return { ok: row.state !== 'failed', text };
}

/** The server's answer to the POST. `latest` is the row as the stream last showed it. */
export function afterResult(action: Action, result: ActionResult, latest: StackRow, now: number): ActionPhase {
  if (!result.accepted) return { phase: 'error', action, message: result.message || `${LABEL[action]} was refused` };
  const said = result.message.trim().replace(/[.;:]$/, '');
  const message = said ? `${said}; waiting for the controller…` : 'Requested; waiting for the controller…';
  const waiting: ActionPhase = { phase: 'waiting', action, acceptedAt: now, before: latest, message, ...(result.requestedAt ? { requestedAt: result.requestedAt } : {}) };
  // Suspend and resume may already show (the stream can beat the response).
  if (action === 'suspend' && latest.suspended) return { phase: 'done', action, ok: true, message: 'Suspended.' };
  return waiting;
}

/** A new row for the Stack arrived on the stream. */
export function afterUpdate(phase: ActionPhase, row: StackRow, now: number): ActionPhase {
  if (phase.phase !== 'waiting') return phase;
  const { action } = phase;
  if (action === 'suspend') {
    return row.suspended ? { phase: 'done', action, ok: true, message: 'Suspended: the controller leaves this Stack alone until resumed.' } : phase;
  }
  if (action === 'resume' && row.suspended) return phase;
  if (row.state === 'progressing') return { ...phase, message: row.message ? `Reconciling: ${row.message}` : 'Reconciling…' };
  // The controller says which request it handled: a reconcile that changed nothing else is
  // answered all the same, and an earlier answer or the request's own echo is not taken for it.
  if (phase.requestedAt !== undefined) {
    if (row.lastHandledReconcileAt !== phase.requestedAt) return phase;
  } else if (action === 'reconcile' && sameRow(row, phase.before) && now - phase.acceptedAt < ECHO_MS) {
    return phase;
  }
  const outcome = outcomeOf(row);
  const verb = action === 'resume' ? 'Resumed' : 'Reconciled';
  return { phase: 'done', action, ok: outcome.ok, message: `${verb}. ${outcome.text}` };
}

/** Nothing arrived within WAIT_MS. */
export function afterTimeout(phase: ActionPhase): ActionPhase {
  if (phase.phase !== 'waiting') return phase;
  return { phase: 'done', action: phase.action, ok: true, message: 'Requested. No update from the controller yet; this page updates when it reports.' };
}

/** The request failed (network, 403, 409…). */
export function afterError(action: Action, error: unknown): ActionPhase {
  const message = error instanceof Error ? error.message : String(error);
  return { phase: 'error', action, message: `${LABEL[action]} failed: ${message}` };
}

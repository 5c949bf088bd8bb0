import { useEffect, useRef, useState } from 'react';
import { useApp, useLiveEvents } from '../app-context.ts';
import { afterError, afterResult, afterTimeout, afterUpdate, buttonText, IDLE, isBusy, WAIT_MS, type ActionPhase } from '../lib/actions.ts';
import type { Action } from '../lib/api.ts';
import { sameKey } from '../lib/routes.ts';
import type { StackDetail } from '../model.ts';

/** Reconcile, Suspend/Resume — only what `can` allows — with the request's progress and outcome. */
export function StackActions({ detail }: { detail: StackDetail }) {
  const { api } = useApp();
  const { stack, can } = detail;
  const [phase, setPhase] = useState<ActionPhase>(IDLE);
  const latest = useRef(stack);
  useEffect(() => {
    latest.current = stack;
  }, [stack]);

  // Only rows from the stream judge the outcome (a refetch of an unchanged Stack is no answer).
  useLiveEvents((event) => {
    if (event.type !== 'stack' || !sameKey(event.stack, stack)) return;
    latest.current = event.stack;
    setPhase((p) => afterUpdate(p, event.stack, Date.now()));
  });

  const waiting = phase.phase === 'waiting';
  useEffect(() => {
    if (!waiting) return;
    const timer = setTimeout(() => setPhase(afterTimeout), WAIT_MS);
    return () => clearTimeout(timer);
  }, [waiting]);

  const run = (action: Action) => {
    setPhase({ phase: 'sending', action });
    api.act('stacks', stack, action).then(
      (result) => setPhase(afterResult(action, result, latest.current, Date.now())),
      (error: unknown) => setPhase(afterError(action, error)),
    );
  };

  const busy = isBusy(phase);
  const buttons: { action: Action; show: boolean; primary?: boolean }[] = [
    { action: 'reconcile', show: can.reconcile, primary: !stack.suspended },
    { action: 'suspend', show: can.suspend && !stack.suspended },
    { action: 'resume', show: can.suspend && stack.suspended, primary: true },
  ];
  const shown = buttons.filter((b) => b.show);

  return (
    <div className="actions" aria-label="Actions">
      {shown.length === 0 ? (
        <p className="muted small" data-testid="actions-none">
          Your Kubernetes permissions do not allow reconciling or suspending this Stack.
        </p>
      ) : (
        <div className="action-buttons">
          {shown.map((b) => (
            <button
              key={b.action}
              type="button"
              className={`button${b.primary ? ' primary' : ''}`}
              data-testid={`action-${b.action}`}
              disabled={busy}
              aria-busy={busy && 'action' in phase && phase.action === b.action ? true : undefined}
              onClick={() => run(b.action)}
            >
              {busy && 'action' in phase && phase.action === b.action && <span className="spinner" aria-hidden="true" />}
              {buttonText(b.action, phase)}
            </button>
          ))}
        </div>
      )}
      <p className={`action-status status-${phase.phase}${phase.phase === 'done' && !phase.ok ? ' status-failed' : ''}`} role="status" aria-live="polite" data-testid="action-status" data-phase={phase.phase}>
        {phase.phase === 'sending' && 'Sending…'}
        {phase.phase === 'waiting' && phase.message}
        {phase.phase === 'done' && phase.message}
        {phase.phase === 'error' && phase.message}
      </p>
    </div>
  );
}

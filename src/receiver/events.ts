import type { ReceiverType } from '../api/receiver.ts';
import { normaliseGitlabEvent } from './verify.ts';

/**
 * Whether a verified call should reconcile anything. GitHub's ping only proves the hook is set up,
 * so it never triggers, whatever spec.events says. An empty or absent spec.events acts on every
 * event; a non-empty one needs the call to name one of them (case-insensitively), so a call
 * that names no event is then ignored.
 */
export function shouldTrigger(type: ReceiverType, event: string | undefined, events: readonly string[] | undefined): boolean {
  if (type === 'github' && event?.toLowerCase() === 'ping') return false;
  if (!events || events.length === 0) return true;
  if (event === undefined) return false;
  const norm = type === 'gitlab' ? normaliseGitlabEvent : (e: string) => e.trim().toLowerCase();
  const wanted = norm(event);
  return events.some((e) => norm(e) === wanted);
}

import type { ConditionView, Health, State } from '../model.ts';
import { STATES } from './query.ts';

export { STATES };

const STATE_LABELS: Record<State, string> = {
  ready: 'Ready',
  progressing: 'Progressing',
  failed: 'Failed',
  drifted: 'Drifted',
  suspended: 'Suspended',
  unknown: 'Unknown',
};

export function stateLabel(state: State): string {
  return STATE_LABELS[state] ?? state;
}

/** The colour family a Health is drawn in (CSS class suffix). */
export type Tone = 'ok' | 'busy' | 'bad' | 'warn' | 'off' | 'none';

const STATE_TONES: Record<State, Tone> = {
  ready: 'ok',
  progressing: 'busy',
  failed: 'bad',
  drifted: 'warn',
  suspended: 'off',
  unknown: 'none',
};

const HEALTH_TONES: Record<Health, Tone> = {
  Current: 'ok',
  InProgress: 'busy',
  Failed: 'bad',
  Terminating: 'off',
  NotFound: 'off',
  Unknown: 'none',
};

export function stateTone(state: State): Tone {
  return STATE_TONES[state] ?? 'none';
}

export function healthTone(health: Health): Tone {
  return HEALTH_TONES[health] ?? 'none';
}

const HEALTH_LABELS: Record<Health, string> = {
  Current: 'Current',
  InProgress: 'In progress',
  Failed: 'Failed',
  Terminating: 'Terminating',
  NotFound: 'Not found',
  Unknown: 'Unknown',
};

export function healthLabel(health: Health): string {
  return HEALTH_LABELS[health] ?? health;
}

/**
 * How a condition reads: Ready/Healthy True is good, False bad; for the "abnormal-true" conditions
 * (Reconciling, Stalled, Drifted…) True is the notable state.
 */
export function conditionTone(condition: Pick<ConditionView, 'type' | 'status'>): Tone {
  if (condition.status === 'Unknown') return 'busy';
  const abnormal: Record<string, Tone> = { Reconciling: 'busy', Stalled: 'bad', Drifted: 'warn', Suspended: 'off' };
  const whenTrue = abnormal[condition.type];
  if (whenTrue) return condition.status === 'True' ? whenTrue : 'none';
  return condition.status === 'True' ? 'ok' : 'bad';
}

/** Sum of a count record (Overview.stacks, Page.facets.states). */
export function total(counts: Partial<Record<State, number>>): number {
  let sum = 0;
  for (const state of STATES) sum += counts[state] ?? 0;
  return sum;
}

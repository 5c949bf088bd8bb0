import type { Health, State } from '../model.ts';
import { healthLabel, healthTone, stateLabel, stateTone } from '../lib/states.ts';

/** A State as a coloured pill that also spells the state out. */
export function StateBadge({ state, testid, large }: { state: State; testid?: string; large?: boolean }) {
  return (
    <span className={`badge tone-${stateTone(state)}${large ? ' badge-large' : ''}`} data-testid={testid} data-state={state}>
      <span className="dot" aria-hidden="true" />
      {stateLabel(state)}
    </span>
  );
}

export function HealthBadge({ health }: { health: Health }) {
  return (
    <span className={`badge tone-${healthTone(health)}`} data-health={health}>
      <span className="dot" aria-hidden="true" />
      {healthLabel(health)}
    </span>
  );
}

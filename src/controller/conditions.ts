import type { Condition } from '../api/index.ts';

export interface ConditionInput {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

/**
 * Returns the conditions with one set. lastTransitionTime moves only when the status changes,
 * as metav1.Condition requires; reason and message always take the new values.
 */
export function setCondition(conditions: readonly Condition[] | undefined, c: ConditionInput, generation: number | undefined, now: Date): Condition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((x) => x.type === c.type);
  const prev = i >= 0 ? list[i] : undefined;
  const next: Condition = {
    type: c.type,
    status: c.status,
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    lastTransitionTime: prev && prev.status === c.status ? prev.lastTransitionTime : now.toISOString().replace(/\.\d+Z$/, 'Z'),
    reason: c.reason,
    // The API server caps messages at 32 KiB; a long apply error must not make the status patch fail.
    message: c.message.length > 32000 ? c.message.slice(0, 32000) + '…' : c.message,
  };
  if (i >= 0) list[i] = next;
  else list.push(next);
  return list;
}

export function removeCondition(conditions: readonly Condition[] | undefined, type: string): Condition[] {
  return (conditions ?? []).filter((c) => c.type !== type);
}

export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

export function isReady(obj: { metadata: { generation?: number }; status?: { observedGeneration?: number; conditions?: Condition[] } }): boolean {
  const ready = findCondition(obj.status?.conditions, 'Ready');
  return ready?.status === 'True' && obj.status?.observedGeneration === obj.metadata.generation;
}

/** The kstatus triple for an outcome: Ready, plus Reconciling/Stalled only while they apply. */
export function outcomeConditions(
  conditions: readonly Condition[] | undefined,
  outcome: { ready: 'True' | 'False' | 'Unknown'; reason: string; message: string; stalled?: boolean; reconciling?: boolean },
  generation: number | undefined,
  now: Date,
): Condition[] {
  let list = setCondition(conditions, { type: 'Ready', status: outcome.ready, reason: outcome.reason, message: outcome.message }, generation, now);
  list = outcome.reconciling
    ? setCondition(list, { type: 'Reconciling', status: 'True', reason: 'Progressing', message: outcome.message }, generation, now)
    : removeCondition(list, 'Reconciling');
  list = outcome.stalled
    ? setCondition(list, { type: 'Stalled', status: 'True', reason: outcome.reason, message: outcome.message }, generation, now)
    : removeCondition(list, 'Stalled');
  return list;
}

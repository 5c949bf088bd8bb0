/**
 * Stacks, sources and Events as the dashboard's tables show them: pure functions of one object,
 * computed once per informer event rather than per request.
 */
import type { Condition, GitRepository, Stack } from '../api/index.ts';
import { ErrorCodes } from '../errors.ts';
import { eventTime, type CoreEvent } from '../kube/events.ts';
import type { CommitView, ConditionView, EventView, ObjectKey, SourceRow, StackRow, State } from './model.ts';
import { findCondition } from '../controller/conditions.ts';

export const STATES: readonly State[] = ['suspended', 'failed', 'drifted', 'progressing', 'ready', 'unknown'];

export function emptyStateCounts(): Record<State, number> {
  return { suspended: 0, failed: 0, drifted: 0, progressing: 0, ready: 0, unknown: 0 };
}

export function keyOf(k: ObjectKey): string {
  return `${k.namespace}/${k.name}`;
}

type Reconciled = { metadata: { generation?: number }; spec?: { suspend?: boolean }; status?: { observedGeneration?: number; conditions?: Condition[] } };

/**
 * One state in the precedence of model.ts. Waiting for a dependency is the normal order of
 * things (the controller records it as a Normal event), so it counts as progressing, not failed.
 */
function baseState(obj: Reconciled, drifted: boolean): State {
  if (obj.spec?.suspend) return 'suspended';
  const conditions = obj.status?.conditions;
  const ready = findCondition(conditions, 'Ready');
  if (findCondition(conditions, 'Stalled')?.status === 'True') return 'failed';
  if (ready?.status === 'False' && ready.reason !== ErrorCodes.DependencyNotReady) return 'failed';
  if (drifted) return 'drifted';
  if (!ready) return 'unknown';
  const stale = obj.metadata.generation !== undefined && obj.status?.observedGeneration !== obj.metadata.generation;
  if (findCondition(conditions, 'Reconciling')?.status === 'True' || ready.status !== 'True' || stale) return 'progressing';
  return 'ready';
}

export function stackState(s: Stack): State {
  return baseState(s, (s.status?.drift?.count ?? 0) > 0);
}

export function sourceState(r: GitRepository): State {
  return baseState(r, false);
}

/** The Ready condition's message, or its reason when the message is empty. */
function readyMessage(conditions: readonly Condition[] | undefined): string {
  const ready = findCondition(conditions, 'Ready');
  return ready?.message || ready?.reason || '';
}

export function stackRow(s: Stack, extra: { durationSeconds?: number } = {}): StackRow {
  const namespace = s.metadata.namespace ?? '';
  const ref = s.spec.sourceRef;
  const ready = findCondition(s.status?.conditions, 'Ready');
  return {
    namespace,
    name: s.metadata.name,
    state: stackState(s),
    message: readyMessage(s.status?.conditions),
    source: `${ref.namespace ?? namespace}/${ref.name}`,
    path: s.spec.path,
    ...(s.status?.lastAppliedRevision ? { revision: s.status.lastAppliedRevision } : {}),
    suspended: Boolean(s.spec.suspend),
    driftCount: s.status?.drift?.count ?? 0,
    ...(s.status?.drift?.lastDriftTime ? { lastDriftTime: s.status.drift.lastDriftTime } : {}),
    ...(extra.durationSeconds !== undefined ? { durationSeconds: extra.durationSeconds } : {}),
    ...(ready?.lastTransitionTime ? { lastTransitionTime: ready.lastTransitionTime } : {}),
    objects: s.status?.inventory?.entries?.length ?? 0,
    dependsOn: (s.spec.dependsOn ?? []).map((d) => ({ namespace: d.namespace ?? namespace, name: d.name })),
    ...(s.status?.lastHandledReconcileAt ? { lastHandledReconcileAt: s.status.lastHandledReconcileAt } : {}),
  };
}

/** `branch main`, `tag v1`, …: the ref that decides, in the controller's precedence. */
export function describeGitRef(ref: GitRepository['spec']['ref'] | undefined): string {
  if (ref?.commit) return `commit ${ref.commit.slice(0, 12)}`;
  if (ref?.semver) return `semver ${ref.semver}`;
  if (ref?.tag) return `tag ${ref.tag}`;
  return `branch ${ref?.branch ?? 'main'}`;
}

export function commitView(r: GitRepository): CommitView | undefined {
  const c = r.status?.artifact?.commit;
  if (!c || typeof c.sha !== 'string') return undefined;
  return { sha: c.sha, message: c.message ?? '', author: c.author ?? '', time: c.time ?? '' };
}

export function sourceRow(r: GitRepository): SourceRow {
  const state = sourceState(r);
  const ready = findCondition(r.status?.conditions, 'Ready');
  const commit = commitView(r);
  return {
    namespace: r.metadata.namespace ?? '',
    name: r.metadata.name,
    state,
    message: readyMessage(r.status?.conditions),
    url: r.spec.url,
    ref: describeGitRef(r.spec.ref),
    ...(r.status?.artifact?.revision ? { revision: r.status.artifact.revision } : {}),
    ...(commit ? { commit } : {}),
    ...(r.status?.artifact?.lastUpdateTime ? { lastFetchTime: r.status.artifact.lastUpdateTime } : {}),
    suspended: Boolean(r.spec.suspend),
    ...(ready?.status === 'False' ? { error: ready.message || ready.reason } : {}),
  };
}

export function conditionViews(conditions: readonly Condition[] | undefined): ConditionView[] {
  return (conditions ?? []).map((c) => ({
    type: c.type,
    status: c.status,
    reason: c.reason ?? '',
    message: c.message ?? '',
    lastTransitionTime: c.lastTransitionTime ?? '',
  }));
}

export function eventView(e: CoreEvent): EventView {
  return {
    type: e.type === 'Warning' ? 'Warning' : 'Normal',
    reason: e.reason ?? '',
    message: e.message ?? '',
    object: { kind: e.involvedObject.kind ?? '', namespace: e.involvedObject.namespace ?? e.metadata.namespace ?? '', name: e.involvedObject.name ?? '' },
    count: e.count ?? 1,
    lastTimestamp: eventTime(e) ?? '',
  };
}

import { createHash } from 'node:crypto';
import type { Condition, Stack, StackSpec, StackStatus } from '../../api/index.ts';
import { applyObjects, type ApplyResult } from '../../engine/apply.ts';
import { describeDrift } from '../../engine/drift/compare.ts';
import type { KubeApi } from '../../kube/api.ts';
import { describeRef, type KubeObject } from '../../kube/types.ts';
import type { Logger } from '../../log.ts';
import { removeCondition, setCondition } from '../conditions.ts';
import type { AppliedObject, DriftFinding, DriftTracker } from '../drift/tracker.ts';
import type { DriftWatcher } from '../drift/watcher.ts';
import type { EventSink } from '../events.ts';
import type { ControllerMetrics } from '../metrics.ts';

export interface DriftDeps {
  tracker: DriftTracker;
  watcher: DriftWatcher;
}

export const DRIFTED = 'Drifted';

/** Everything a render depends on besides the files: same fingerprint, same objects. */
export function fingerprintOf(revision: string, generation: number | undefined, variables: Record<string, string> | undefined): string {
  const vars = variables ? Object.entries(variables).sort(([a], [b]) => a.localeCompare(b)) : null;
  return createHash('sha256').update(JSON.stringify([revision, generation ?? 0, vars])).digest('hex');
}

/** Rendered objects by the identity the apply reports, so each applied answer finds its source. */
function renderedById(objects: readonly KubeObject[], applied: ApplyResult): Map<string, AppliedObject> {
  const out = new Map<string, AppliedObject>();
  for (const c of applied.changes) {
    if (!c.object) continue;
    const rendered = objects.find(
      (o) => o.kind === c.ref.kind && o.metadata.name === c.ref.name && (o.metadata.namespace ?? '') === (c.ref.namespace ?? '') && o.apiVersion === c.ref.apiVersion,
    );
    if (rendered) out.set(c.id, { rendered, applied: c.object });
  }
  return out;
}

/** After a successful apply: remember what was applied and watch exactly those objects. */
export async function rememberApplied(
  drift: DriftDeps,
  stack: Stack,
  spec: StackSpec,
  fingerprint: string,
  objects: readonly KubeObject[],
  applied: ApplyResult,
  entries: { id: string; v: string }[],
): Promise<void> {
  const key = `${stack.metadata.namespace}/${stack.metadata.name}`;
  drift.tracker.remember(key, { fingerprint, mode: spec.drift.mode, ignore: spec.drift.ignore, objects: renderedById(objects, applied) });
  await drift.watcher.track({ namespace: stack.metadata.namespace!, name: stack.metadata.name }, entries);
}

export async function forgetStack(drift: DriftDeps | undefined, namespace: string, name: string): Promise<void> {
  if (!drift) return;
  drift.tracker.forget(`${namespace}/${name}`);
  await drift.watcher.untrack({ namespace, name });
}

function findingText(f: DriftFinding): string {
  const what = describeRef({ kind: f.object.kind, name: f.object.metadata.name, namespace: f.object.metadata.namespace });
  return f.deleted ? `${what} was deleted` : `${what} changed: ${describeDrift(f.object.kind, f.paths)}`;
}

export interface QuietDeps {
  events: EventSink;
  log: Logger;
  metrics?: ControllerMetrics;
  now: Date;
}

/**
 * A reconcile at an unchanged fingerprint: nothing to render, dry-run or write unless drift was
 * seen. Then it is reported, and corrected (only the drifted objects) in `correct` mode.
 * Returns the status to write (unchanged when there is nothing to say).
 */
export async function handleDrift(
  stack: Stack,
  spec: StackSpec,
  drift: DriftDeps,
  target: KubeApi,
  deps: QuietDeps,
  base: StackStatus,
): Promise<{ status: StackStatus; failure?: string }> {
  const { namespace, name } = stack.metadata as { namespace: string; name: string };
  const key = `${namespace}/${name}`;
  const findings = drift.tracker.takePending(key);
  let status: StackStatus = base;
  if (findings.length) {
    const message = findings.map(findingText).join('; ');
    deps.log.warn({ kind: 'Stack', namespace, name, drift: findings.map((f) => ({ id: f.id, paths: f.paths, deleted: f.deleted })) }, 'drift detected');
    deps.metrics?.driftDetected.inc({ namespace, name }, findings.length);
    await deps.events.record(stack, 'Warning', 'DriftDetected', message).catch(() => undefined);
    status = { ...status, drift: { count: findings.length, lastDriftTime: stamp(deps.now) } };
  }
  if (spec.drift.mode === 'correct' && findings.length) {
    const objects = findings.map((f) => drift.tracker.object(key, f.id)?.rendered).filter((o): o is KubeObject => o !== undefined);
    const result = await applyObjects(target, objects, { owner: { name, namespace }, force: spec.force });
    for (const c of result.changes) if (c.object) drift.tracker.updateApplied(key, c.id, c.object);
    const fixed = result.changes.filter((c) => c.action !== 'unchanged' && c.action !== 'skipped');
    if (fixed.length) {
      deps.metrics?.driftCorrected.inc({ namespace, name }, fixed.length);
      await deps.events
        .record(stack, 'Normal', 'DriftCorrected', fixed.map((c) => `${describeRef(c.ref)} ${c.action}`).join('; '))
        .catch(() => undefined);
      deps.log.info({ kind: 'Stack', namespace, name, corrected: fixed.map((c) => c.id) }, 'drift corrected');
    }
    if (result.failures.length) {
      return { status, failure: `correcting drift failed: ${result.failures.map((f) => `${describeRef(f.ref)}: ${f.message}`).join('; ')}` };
    }
    status = { ...status, drift: { count: 0, lastDriftTime: status.drift?.lastDriftTime ?? stamp(deps.now) } };
  }
  if (spec.drift.mode === 'warn') status = withOutOfSync(status, drift.tracker.outOfSync(key), stack.metadata.generation, deps.now);
  return { status };
}

/** In warn mode the Stack says which objects differ from Git, until they are back in line. */
export function withOutOfSync(status: StackStatus, outOfSync: DriftFinding[], generation: number | undefined, now: Date): StackStatus {
  let conditions: Condition[] = status.conditions ?? [];
  conditions = outOfSync.length
    ? setCondition(
        conditions,
        { type: DRIFTED, status: 'True', reason: 'OutOfSync', message: `${outOfSync.length} object(s) differ from Git: ${outOfSync.map(findingText).join('; ')}` },
        generation,
        now,
      )
    : removeCondition(conditions, DRIFTED);
  return { ...status, conditions, drift: { count: outOfSync.length, ...(status.drift?.lastDriftTime ? { lastDriftTime: status.drift.lastDriftTime } : {}) } };
}

function stamp(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}

import { createHash } from 'node:crypto';
import type { Condition, Stack, StackSpec, StackStatus } from '../../api/index.ts';
import { applyObjects, type ApplyResult } from '../../engine/apply.ts';
import { compileIgnore, describeDrift, hasDrift, ignoredFor, jsonEqual, pointerSegments } from '../../engine/drift/compare.ts';
import type { KubeApi } from '../../kube/api.ts';
import { describeRef, type KubeObject } from '../../kube/types.ts';
import type { Logger } from '../../log.ts';
import { removeCondition, setCondition } from '../conditions.ts';
import type { AppliedObject, DriftFinding, DriftTracker } from '../drift/tracker.ts';
import type { DriftWatcher } from '../drift/watcher.ts';
import type { EventSink } from '../events.ts';
import { driftAnnotations } from './drift-record.ts';
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

/**
 * For applyObjects' `knownUnchanged`: the live object of `id` when the Stack applied exactly this
 * object last time and neither its watch nor a comparison of the cached live object shows any
 * change since. Anything less certain (no watch yet, a restart, drift, ignore rules that swapped
 * in live values) answers undefined, and the object is dry-run as before.
 */
export function unchangedSinceApply(drift: DriftDeps, key: string, input: KubeObject, id: string): KubeObject | undefined {
  const last = drift.tracker.object(key, id);
  if (!last || !drift.tracker.inSync(key, id) || !jsonEqual(last.rendered, input)) return undefined;
  const live = drift.watcher.get(id);
  if (!live || hasDrift(last.rendered, last.applied, live)) return undefined;
  // The watch cache's own object: callers keep and compare it, so they get a copy.
  return structuredClone(live);
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
    const samples = findings.map((f) => ({ object: f.object, rendered: drift.tracker.object(key, f.id)?.rendered, paths: f.paths, deleted: f.deleted }));
    await deps.events
      .record(stack, 'Warning', 'DriftDetected', message, { revision: stack.status?.lastAppliedRevision, annotations: driftAnnotations(samples) })
      .catch(() => undefined);
    status = { ...status, drift: { count: findings.length, lastDriftTime: stamp(deps.now) } };
  }
  if (spec.drift.mode === 'correct' && findings.length) {
    const ignore = compileIgnore(spec.drift.ignore);
    const objects = findings
      .map((f) => {
        const rendered = drift.tracker.object(key, f.id)?.rendered;
        if (!rendered || f.deleted) return rendered;
        // Fields the ignore rules leave alone keep their live values: correcting the image must not reset a scale.
        const live = drift.watcher.get(f.id) ?? f.object;
        return keepIgnored(rendered, live, ignoredFor(ignore, live));
      })
      .filter((o): o is KubeObject => o !== undefined);
    const result = await applyObjects(target, objects, { owner: { name, namespace }, force: spec.force });
    for (const c of result.changes) if (c.object) drift.tracker.updateApplied(key, c.id, c.object);
    const fixed = result.changes.filter((c) => c.action !== 'unchanged' && c.action !== 'skipped');
    if (fixed.length) {
      deps.metrics?.driftCorrected.inc({ namespace, name }, fixed.length);
      await deps.events
        .record(stack, 'Normal', 'DriftCorrected', fixed.map((c) => `${describeRef(c.ref)} ${c.action}`).join('; '), {
          revision: stack.status?.lastAppliedRevision,
        })
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

/**
 * Before a full apply: objects with fields under `drift.ignore` keep those fields' live values
 * (one read each, only for such objects), so neither a new revision nor a restart resets them.
 */
export async function preserveIgnoredFields(api: KubeApi, objects: readonly KubeObject[], rules: StackSpec['drift']['ignore']): Promise<KubeObject[]> {
  if (!rules?.length) return [...objects];
  const compiled = compileIgnore(rules);
  return Promise.all(
    objects.map(async (obj) => {
      const pointers = ignoredFor(compiled, obj);
      if (!pointers.length) return obj;
      const live = await api.find({ apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, namespace: obj.metadata.namespace });
      return live ? keepIgnored(obj, live, pointers) : obj;
    }),
  );
}

/**
 * The rendered object with each ignored field that Git sets replaced by its live value (or left
 * out when the live object has none), so that a correction re-applies everything but those.
 */
function keepIgnored(rendered: KubeObject, live: KubeObject, pointers: readonly string[]): KubeObject {
  if (pointers.length === 0) return rendered;
  const out = structuredClone(rendered);
  for (const pointer of pointers) {
    const segs = pointerSegments(pointer);
    const last = segs.pop();
    if (last === undefined) continue;
    let parent: unknown = out;
    let liveParent: unknown = live;
    for (const seg of segs) {
      parent = child(parent, seg);
      liveParent = child(liveParent, seg);
    }
    if (typeof parent !== 'object' || parent === null || child(parent, last) === undefined) continue;
    const liveValue = child(liveParent, last);
    const target = parent as Record<string, unknown>;
    if (liveValue !== undefined) target[last] = structuredClone(liveValue);
    else if (Array.isArray(parent)) continue;
    else delete target[last];
  }
  return out;
}

function child(node: unknown, seg: string): unknown {
  if (Array.isArray(node)) return /^(0|[1-9]\d*)$/.test(seg) ? node[Number(seg)] : undefined;
  return typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[seg] : undefined;
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

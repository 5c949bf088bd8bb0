import {
  Annotations,
  ApplyPolicies,
  FINALIZER,
  validateSpec,
  type GitRepository,
  type InventoryEntry,
  type Stack,
  type StackSpec,
  type StackStatus,
} from '../../api/index.ts';
import { applyObjects, type ApplyResult } from '../../engine/apply.ts';
import { diffInventory, formatId } from '../../engine/inventory.ts';
import { splitApiVersion } from '../../kube/discovery.ts';
import { pruneObjects } from '../../engine/prune.ts';
import { ErrorCodes, GovernorError, type ErrorCode } from '../../errors.ts';
import type { KubeApi } from '../../kube/api.ts';
import { describeRef, type KubeObject } from '../../kube/types.ts';
import type { WorkResult } from '../../kube/workqueue.ts';
import type { Logger } from '../../log.ts';
import { render } from '../../render/index.ts';
import type { GitSource } from '../../source/git-source.ts';
import { findCondition, outcomeConditions } from '../conditions.ts';
import { parseDuration } from '../duration.ts';
import type { EventSink } from '../events.ts';
import type { ArtifactStore } from '../gitrepository/reconciler.ts';
import { patchStatus, sameJson } from '../status.ts';
import { driftAnnotations } from './drift-record.ts';
import { checkDependencies } from './dependencies.ts';
import { sourceArtifact, substitutionVariables } from './inputs.ts';
import { cachedHealthFailure, waitHealthy } from './health.ts';
import { stackRef, type Outcome } from './outcome.ts';
import {
  fingerprintOf,
  forgetStack,
  handleDrift,
  preserveIgnoredFields,
  rememberApplied,
  unchangedSinceApply,
  withOutOfSync,
  type DriftDeps,
} from './drift.ts';
import type { ControllerMetrics } from '../metrics.ts';

export interface StackDeps {
  /** Watches of applied objects and what was applied; without it every interval compares everything. */
  drift?: DriftDeps;
  metrics?: ControllerMetrics;
  api: KubeApi;
  source: GitSource;
  artifacts: ArtifactStore;
  events: EventSink;
  log: Logger;
  kustomizeBinary?: string;
  /** A GitRepository from the controller's cache, if it has it. */
  cachedSource?: (namespace: string, name: string) => GitRepository | undefined;
  now?: () => Date;
  /** How often to look again at a dependency that is not ready yet. */
  dependencyRetryMs?: number;
  /** How often to poll health while waiting. */
  healthPollMs?: number;
}



/**
 * One reconcile of one Stack, in Flux's order: finalizer, suspend, validate, dependencies,
 * source, render, apply (staged), prune, health, status. Any failure before apply leaves the
 * cluster and the inventory as they were.
 */
export async function reconcileStack(namespace: string, name: string, deps: StackDeps): Promise<WorkResult> {
  const now = deps.now ?? (() => new Date());
  const started = process.hrtime.bigint();
  const took = () => `${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(2)}s`;
  let stack = await deps.api.find<Stack>(stackRef(namespace, name));
  if (!stack) return {};
  if (stack.metadata.deletionTimestamp) return finalize(stack, deps);
  if (!stack.metadata.finalizers?.includes(FINALIZER)) {
    stack = await deps.api.mergePatch<Stack>(stackRef(namespace, name), {
      metadata: { finalizers: [...(stack.metadata.finalizers ?? []), FINALIZER] },
    });
  }
  if (stack.spec?.suspend) return {};

  const checked = validateSpec('Stack', stack.spec);
  if (!checked.ok) {
    await finish(stack, deps, now(), { ready: 'False', reason: ErrorCodes.InvalidSpec, message: checked.error.message, stalled: true });
    return {};
  }
  const spec = checked.value;
  const intervalMs = parseDuration(spec.interval);
  const retryMs = spec.retryInterval ? parseDuration(spec.retryInterval) : intervalMs;
  const timeoutMs = spec.timeout ? parseDuration(spec.timeout) : intervalMs;
  const requested = stack.metadata.annotations?.[Annotations.ReconcileRequestedAt];
  const base: StackStatus = { ...stack.status, ...(requested ? { lastHandledReconcileAt: requested } : {}) };

  const blocked = await checkDependencies(stack, spec, deps);
  if (blocked) {
    await finish(stack, deps, now(), blocked, base);
    return blocked.stalled ? {} : { requeueAfterMs: deps.dependencyRetryMs ?? Math.min(retryMs, 5000) };
  }

  let revision: string | undefined;
  try {
    const { dir, revision: rev } = await sourceArtifact(stack, spec, deps);
    revision = rev;
    const variables = await substitutionVariables(stack, spec, deps.api);
    const target = applierFor(deps.api, namespace, spec.serviceAccountName);
    const fingerprint = fingerprintOf(rev, stack.metadata.generation, variables);
    const settled =
      deps.drift?.tracker.fingerprint(`${namespace}/${name}`) === fingerprint &&
      stack.status?.lastAppliedRevision === rev &&
      (!requested || requested === stack.status?.lastHandledReconcileAt) &&
      findCondition(stack.status?.conditions, 'Ready')?.status === 'True';
    if (settled && deps.drift) {
      // Nothing changed since the last apply but what the watches saw: no render, no dry-run.
      const { status, failure } = await handleDrift(stack, spec, deps.drift, target, { events: deps.events, log: deps.log, metrics: deps.metrics, now: now() }, base);
      const unhealthy = spec.wait ? cachedHealthFailure(spec, stack.status?.inventory?.entries ?? [], deps.drift) : undefined;
      const outcome: Outcome = failure
        ? { ready: 'False', reason: ErrorCodes.ApplyFailed, message: failure }
        : unhealthy
          ? { ready: 'False', reason: ErrorCodes.HealthCheckFailed, message: unhealthy }
          : { ready: 'True', reason: 'ReconciliationSucceeded', message: `Applied revision: ${rev}` };
      await finish(stack, deps, now(), outcome, status);
      return { requeueAfterMs: failure ? retryMs : intervalMs };
    }
    const { objects } = await render({
      checkoutDir: dir,
      path: spec.path,
      kustomizeBinary: deps.kustomizeBinary,
      targetNamespace: spec.targetNamespace,
      variables,
      isClusterScoped: (apiVersion, kind) => {
        const m = deps.api.mapper.peek(apiVersion, kind);
        return m ? !m.namespaced : undefined;
      },
      timeoutMs,
    });
    const previous = stack.status?.inventory?.entries ?? [];
    if (objects.length === 0 && previous.length > 0) {
      throw new GovernorError(
        ErrorCodes.EmptyRender,
        `revision ${rev} renders no objects from path '${spec.path}' where the last revision had ${previous.length}; nothing was pruned`,
      );
    }

    const owner = { name, namespace };
    const sameRevision = rev === stack.status?.lastAppliedRevision && stack.status?.observedGeneration === stack.metadata.generation;
    if (spec.drift.mode === 'warn' && sameRevision && deps.drift) {
      return await warnOnly(stack, spec, deps.drift, target, objects, fingerprint, base, { deps, now: now(), intervalMs, rev });
    }
    // Write-ahead: the inventory covers what this apply may create before the first write, so a
    // controller killed mid-apply still knows, after a restart, every object it created, and
    // prunes those that Git dropped meanwhile instead of leaving them orphaned. Recorded only
    // once something is about to be written: a revision refused before the first write (an
    // unknown kind, a failed dry run) leaves the inventory exactly as it was.
    const pending = union(previous, intendedEntries(objects, deps.api));
    const writeAhead = async (): Promise<void> => {
      if (pending.length <= previous.length) return;
      const current = stack!;
      await patchStatus(deps.api, current, { inventory: { entries: pending } });
      stack = { ...current, status: { ...current.status, inventory: { entries: pending } } };
      base.inventory = { entries: pending };
    };
    const toApply = await preserveIgnoredFields(target, objects, spec.drift.ignore);
    // An explicit request (governor reconcile, the dashboard) compares every object anew, in case a
    // watch ever missed something; otherwise objects that did not change skip their dry run.
    const drift = requested && requested !== stack.status?.lastHandledReconcileAt ? undefined : deps.drift;
    const applied = await applyObjects(target, toApply, {
      owner,
      force: spec.force,
      beforeFirstWrite: writeAhead,
      ...(drift ? { knownUnchanged: (input, id) => unchangedSinceApply(drift, `${namespace}/${name}`, input, id) } : {}),
    });
    // An if-not-present object left alone is still ours (it stays in the inventory); an ignored one never was.
    const appliedEntries: InventoryEntry[] = applied.changes
      .filter((c) => c.action !== 'skipped' || c.object !== undefined)
      .map((c) => ({ id: c.id, v: splitApiVersion(c.ref.apiVersion).version }));

    if (applied.failures.length) {
      const message = `apply of revision ${rev} failed for ${applied.failures.length} object(s): ${applied.failures
        .map((f) => `${describeRef(f.ref)}: ${f.message}`)
        .join('; ')}`;
      // Keep tracking everything ever applied, so a later prune still finds it.
      const status: StackStatus = { ...base, lastAttemptedRevision: rev, inventory: { entries: union(previous, appliedEntries) } };
      await finish(stack, deps, now(), { ready: 'False', reason: ErrorCodes.ApplyFailed, message }, status);
      return { requeueAfterMs: retryMs };
    }

    let entries = appliedEntries;
    let pruned = 0;
    if (spec.prune) {
      const stale = diffInventory(previous, appliedEntries);
      if (stale.length) {
        const result = await pruneObjects(target, stale, { owner });
        pruned = result.deleted.length;
        entries = union(appliedEntries, result.failures.map((f) => f.entry));
        if (result.failures.length) {
          const message = `prune failed for ${result.failures.map((f) => `${describeRef(f.ref)}: ${f.message}`).join('; ')}`;
          await finish(stack, deps, now(), { ready: 'False', reason: ErrorCodes.PruneFailed, message }, {
            ...base,
            lastAttemptedRevision: rev,
            inventory: { entries },
          });
          return { requeueAfterMs: retryMs };
        }
      }
    }
    await recordChanges(stack, deps, rev, applied, pruned);

    const status: StackStatus = { ...base, lastAttemptedRevision: rev, inventory: { entries } };
    if (spec.wait || spec.healthChecks?.length) {
      const health = await waitHealthy(target, spec, applied, timeoutMs, deps);
      if (health) {
        await finish(stack, deps, now(), health, { ...status, lastApplyDuration: took() });
        return { requeueAfterMs: retryMs };
      }
    }
    if (sameRevision) await reportCorrections(stack, deps, applied, now());
    if (deps.drift) await rememberApplied(deps.drift, stack, spec, fingerprint, objects, applied, entries);
    await finish(stack, deps, now(), { ready: 'True', reason: 'ReconciliationSucceeded', message: `Applied revision: ${rev}` }, {
      ...status,
      ...(sameRevision && applied.changes.some(isChange) ? { drift: { count: 0, lastDriftTime: stamp(now()) } } : {}),
      lastAppliedRevision: rev,
      lastApplyDuration: took(),
    });
    return { requeueAfterMs: intervalMs };
  } catch (err) {
    const e = asGovernorError(err);
    deps.log.warn({ kind: 'Stack', namespace, name, reason: e.code, err: e.message }, 'reconcile failed');
    await finish(stack, deps, now(), { ready: 'False', reason: e.code, message: e.message }, {
      ...base,
      ...(revision ? { lastAttemptedRevision: revision } : {}),
    });
    return { requeueAfterMs: retryMs };
  }
}

/** Inventory entries of the rendered objects as the apply will write them (ignored ones never are). */
function intendedEntries(objects: readonly KubeObject[], api: KubeApi): InventoryEntry[] {
  return objects
    .filter((o) => o.metadata.annotations?.[Annotations.Apply] !== ApplyPolicies.Ignore)
    .map((o) => {
      const namespaced = api.mapper.peek(o.apiVersion, o.kind)?.namespaced ?? true;
      const { group, version } = splitApiVersion(o.apiVersion);
      const ref = { group, kind: o.kind, namespace: namespaced ? (o.metadata.namespace ?? '') : '', name: o.metadata.name };
      return { id: formatId(ref), v: version };
    });
}

function union(a: readonly InventoryEntry[], b: readonly InventoryEntry[]): InventoryEntry[] {
  const seen = new Map<string, InventoryEntry>();
  for (const e of [...a, ...b]) seen.set(e.id, e);
  return [...seen.values()];
}

function asGovernorError(err: unknown): GovernorError {
  if (err instanceof GovernorError) return err;
  return new GovernorError(ErrorCodes.KubeApiError, (err as Error)?.message ?? String(err), { cause: err });
}

async function recordChanges(stack: Stack, deps: StackDeps, revision: string, applied: ApplyResult, pruned: number): Promise<void> {
  const counts = new Map<string, number>();
  for (const c of applied.changes) if (c.action !== 'unchanged' && c.action !== 'skipped') counts.set(c.action, (counts.get(c.action) ?? 0) + 1);
  if (pruned) counts.set('pruned', pruned);
  if (!counts.size) return;
  const summary = [...counts].map(([k, v]) => `${v} ${k}`).join(', ');
  const changed = applied.changes
    .filter((c) => c.action !== 'unchanged' && c.action !== 'skipped')
    .slice(0, 20)
    .map((c) => `${describeRef(c.ref)} ${c.action}`);
  const labels = { namespace: stack.metadata.namespace ?? '', name: stack.metadata.name };
  for (const [action, n] of counts) {
    if (action === 'pruned') deps.metrics?.objectsPruned.inc(labels, n);
    else deps.metrics?.objectsApplied.inc({ ...labels, action }, n);
  }
  deps.log.info({ kind: 'Stack', ...labels, revision, summary }, 'applied');
  await deps.events
    .record(stack, 'Normal', 'Applied', `revision ${revision}: ${summary}${changed.length ? `\n${changed.join('\n')}` : ''}`, { revision })
    .catch((err: unknown) => deps.log.warn({ err: (err as Error).message }, 'event not recorded'));
}

async function finalize(stack: Stack, deps: StackDeps): Promise<WorkResult> {
  const { namespace, name } = stack.metadata;
  if (!stack.metadata.finalizers?.includes(FINALIZER)) return {};
  const entries = stack.status?.inventory?.entries ?? [];
  if (stack.spec?.prune !== false && entries.length) {
    const target = applierFor(deps.api, namespace!, stack.spec?.serviceAccountName);
    const result = await pruneObjects(target, entries, { owner: { name, namespace: namespace! } });
    if (result.failures.length) {
      const message = `deleting the Stack's objects failed: ${result.failures.map((f) => `${describeRef(f.ref)}: ${f.message}`).join('; ')}`;
      await deps.events.record(stack, 'Warning', ErrorCodes.PruneFailed, message).catch(() => undefined);
      return { requeueAfterMs: 5000 };
    }
    deps.log.info({ kind: 'Stack', namespace, name, deleted: result.deleted.length }, 'finalized: deleted applied objects');
  }
  await forgetStack(deps.drift, namespace!, name);
  await deps.api.mergePatch(stackRef(namespace!, name), {
    metadata: { finalizers: stack.metadata.finalizers.filter((f) => f !== FINALIZER), resourceVersion: stack.metadata.resourceVersion },
  });
  return {};
}

async function finish(stack: Stack, deps: StackDeps, now: Date, outcome: Outcome, status: StackStatus = stack.status ?? {}): Promise<void> {
  const generation = stack.metadata.generation;
  const conditions = outcomeConditions(status.conditions ?? stack.status?.conditions, outcome, generation, now);
  const next: StackStatus = { ...status, observedGeneration: generation, conditions };
  const prev = stack.status ?? {};
  // A quiet interval writes nothing: no status patch, no event.
  if (sameJson(prev, next)) return;
  await patchStatus(deps.api, stack, next);
  const before = findCondition(prev.conditions, 'Ready');
  if (before?.status !== outcome.ready || before?.reason !== outcome.reason || before?.message !== outcome.message) {
    await deps.events
      // Waiting for a dependency is the normal order of things, not a warning.
      .record(
        stack,
        outcome.ready === 'True' || outcome.reason === ErrorCodes.DependencyNotReady ? 'Normal' : 'Warning',
        outcome.reason as ErrorCode | string,
        outcome.message,
        { revision: next.lastAttemptedRevision ?? next.lastAppliedRevision },
      )
      .catch((err: unknown) => deps.log.warn({ err: (err as Error).message }, 'event not recorded'));
  }
}

const isChange = (c: ApplyResult['changes'][number]): boolean => c.action !== 'unchanged' && c.action !== 'skipped';

function stamp(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}

/**
 * Changes applied at the revision already applied are corrections of drift that no watch saw
 * (it happened while the controller was stopped): reported like the drift the watches see.
 */
async function reportCorrections(stack: Stack, deps: StackDeps, applied: ApplyResult, now: Date): Promise<void> {
  const fixed = applied.changes.filter(isChange);
  if (!fixed.length) return;
  const { namespace, name } = stack.metadata as { namespace: string; name: string };
  const message = fixed.map((c) => `${describeRef(c.ref)} ${c.drift?.length ? `changed: ${c.drift.join(', ')}` : c.action}`).join('; ');
  deps.metrics?.driftDetected.inc({ namespace, name }, fixed.length);
  deps.metrics?.driftCorrected.inc({ namespace, name }, fixed.length);
  deps.log.warn({ kind: 'Stack', namespace, name, corrected: fixed.map((c) => c.id), at: now.toISOString() }, 'drift detected and corrected');
  const samples = fixed.map((c) => ({ object: c.object ?? refObject(c.ref), paths: c.drift ?? [], deleted: c.action === 'created' }));
  await deps.events
    .record(stack, 'Warning', 'DriftDetected', message, { revision: stack.status?.lastAppliedRevision, annotations: driftAnnotations(samples) })
    .catch(() => undefined);
}

function refObject(ref: ApplyResult['changes'][number]['ref']): KubeObject {
  return { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } };
}

/** warn mode at an unchanged revision: compare everything (dry-run), report, write nothing. */
async function warnOnly(
  stack: Stack,
  spec: StackSpec,
  drift: DriftDeps,
  target: KubeApi,
  objects: KubeObject[],
  fingerprint: string,
  base: StackStatus,
  ctx: { deps: StackDeps; now: Date; intervalMs: number; rev: string },
): Promise<WorkResult> {
  const { deps, now } = ctx;
  const owner = { name: stack.metadata.name, namespace: stack.metadata.namespace! };
  const planned = await applyObjects(target, objects, { owner, dryRun: true });
  const key = `${owner.namespace}/${owner.name}`;
  const entries = stack.status?.inventory?.entries ?? [];
  await rememberApplied(drift, stack, spec, fingerprint, objects, planned, entries);
  const drifted = planned.changes.filter(isChange).map((c) => ({
    id: c.id,
    object: refObject(c.ref),
    paths: c.drift ?? [],
    deleted: c.action === 'created',
  }));
  drift.tracker.markOutOfSync(key, drifted);
  if (drifted.length && (stack.status?.drift?.count ?? 0) !== drifted.length) {
    await deps.events
      .record(stack, 'Warning', 'DriftDetected', `${drifted.length} object(s) differ from Git`, {
        revision: ctx.rev,
        annotations: driftAnnotations(drifted.map((d) => ({ ...d, rendered: objects.find((o) => o.kind === d.object.kind && o.metadata.name === d.object.metadata.name) }))),
      })
      .catch(() => undefined);
    deps.metrics?.driftDetected.inc({ namespace: owner.namespace, name: owner.name }, drifted.length);
  }
  const status = withOutOfSync(
    { ...base, ...(drifted.length ? { drift: { count: drifted.length, lastDriftTime: stamp(now) } } : {}) },
    drift.tracker.outOfSync(key),
    stack.metadata.generation,
    now,
  );
  await finish(stack, deps, now, { ready: 'True', reason: 'ReconciliationSucceeded', message: `Applied revision: ${ctx.rev}` }, status);
  return { requeueAfterMs: ctx.intervalMs };
}

/** The API as the Stack's service account (Kubernetes impersonation), or as the controller itself. */
function applierFor(api: KubeApi, namespace: string, serviceAccountName: string | undefined): KubeApi {
  if (!serviceAccountName) return api;
  return api.impersonating(`system:serviceaccount:${namespace}:${serviceAccountName}`, ['system:serviceaccounts', `system:serviceaccounts:${namespace}`]);
}

import type { InventoryEntry, StackSpec } from '../../api/index.ts';
import type { ApplyResult } from '../../engine/apply.ts';
import { compileHealthChecks, objectHealth, summarize, type ObjectHealth } from '../../engine/health/index.ts';
import { parseId } from '../../engine/inventory.ts';
import { ErrorCodes } from '../../errors.ts';
import type { KubeApi } from '../../kube/api.ts';
import type { ObjectRef } from '../../kube/types.ts';
import type { DriftDeps } from './drift.ts';
import type { Outcome } from './outcome.ts';
import type { StackDeps } from './reconciler.ts';

/** Waits until every object is Current (undefined) or one fails / time runs out (an Outcome). */
export async function waitHealthy(api: KubeApi, spec: StackSpec, applied: ApplyResult, timeoutMs: number, deps: StackDeps): Promise<Outcome | undefined> {
  const exprs = spec.healthCheckExprs?.length ? compileHealthChecks(spec.healthCheckExprs) : undefined;
  const refs: ObjectRef[] = [
    ...(spec.wait ? applied.changes.filter((c) => c.action !== 'skipped').map((c) => c.ref) : []),
    ...(spec.healthChecks ?? []).map((h) => ({ apiVersion: h.apiVersion, kind: h.kind, name: h.name, namespace: h.namespace })),
  ];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const results: ObjectHealth[] = await Promise.all(
      refs.map(async (ref) => {
        const live = await api.find(ref);
        const h = objectHealth(live as never, exprs);
        return { ...h, ref: { group: ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0]! : '', kind: ref.kind, namespace: ref.namespace ?? '', name: ref.name } };
      }),
    );
    const summary = summarize(results);
    if (summary.status === 'Healthy') return undefined;
    if (summary.status === 'Failed') return { ready: 'False', reason: ErrorCodes.HealthCheckFailed, message: summary.message };
    if (Date.now() > deadline) {
      return { ready: 'False', reason: ErrorCodes.HealthCheckTimeout, message: `timeout waiting for health after ${timeoutMs} ms: ${summary.message}` };
    }
    await new Promise((r) => setTimeout(r, deps.healthPollMs ?? 1000));
  }
}

/**
 * Health between applies, from the drift watches' caches: no request at all. Only a failure
 * counts here (a rollout in progress after someone else's change is not yet a failure).
 */
export function cachedHealthFailure(spec: StackSpec, entries: readonly InventoryEntry[], drift: DriftDeps): string | undefined {
  const exprs = spec.healthCheckExprs?.length ? compileHealthChecks(spec.healthCheckExprs) : undefined;
  const results: ObjectHealth[] = [];
  for (const e of entries) {
    const live = drift.watcher.get(e.id);
    if (!live) continue;
    const ref = parseId(e.id);
    results.push({ ...objectHealth(live as never, exprs), ref });
  }
  const summary = summarize(results);
  return summary.status === 'Failed' ? summary.message : undefined;
}

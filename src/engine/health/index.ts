/**
 * Health of applied objects: kstatus for what it knows, the Stack's CEL expressions for the
 * kinds they name, and one verdict over all of them for the Stack's status.
 */
import type { Obj, ObjRef } from '../types.ts';
import { describeRef } from '../objects.ts';
import { compileHealthChecks, evaluateHealthCheck, findHealthCheck } from './cel.ts';
import type { CompiledHealthChecks, HealthCheckExpr } from './cel.ts';
import { computeStatus } from './kstatus.ts';
import type { ComputeOptions } from './kstatus.ts';
import type { HealthResult } from './types.ts';

export type { HealthResult, HealthStatus } from './types.ts';
export type { CompiledHealthChecks, HealthCheckExpr } from './cel.ts';
export type { ComputeOptions } from './kstatus.ts';
export { compileHealthChecks } from './cel.ts';
export { computeStatus } from './kstatus.ts';

/**
 * The health of one live object; `null` when it could not be found. Pass compiled expressions
 * when checking many objects: raw ones are compiled on every call.
 */
export function objectHealth(
  obj: Obj | null | undefined,
  exprs?: CompiledHealthChecks | readonly HealthCheckExpr[],
  options: ComputeOptions = {},
): HealthResult {
  if (!obj) return { status: 'NotFound', message: 'Resource not found' };
  if (exprs) {
    const checks = Array.isArray(exprs) ? compileHealthChecks(exprs) : (exprs as CompiledHealthChecks);
    const check = findHealthCheck(checks, obj);
    if (check) return evaluateHealthCheck(check, obj);
  }
  return computeStatus(obj, options);
}

export type ObjectHealth = HealthResult & { ref: ObjRef };

export type HealthSummary = {
  status: 'Healthy' | 'Failed' | 'InProgress';
  message: string;
  failed: ObjectHealth[];
  /** Everything not Current, failed ones included, in the order given. */
  notCurrent: ObjectHealth[];
};

/** Beyond this many names a condition message stops being readable; the rest are counted. */
const maxListed = 10;

/**
 * One verdict: healthy when every object is Current; failed as soon as one has Failed (waiting
 * longer will not help); otherwise still in progress, naming what is not yet Current.
 */
export function summarize(results: readonly ObjectHealth[]): HealthSummary {
  const failed = results.filter((r) => r.status === 'Failed');
  const notCurrent = results.filter((r) => r.status !== 'Current');
  if (failed.length > 0) {
    return { status: 'Failed', message: `Health check failed for ${count(failed.length)}: ${list(failed)}`, failed, notCurrent };
  }
  if (notCurrent.length > 0) {
    return { status: 'InProgress', message: `Waiting for ${count(notCurrent.length)}: ${list(notCurrent)}`, failed, notCurrent };
  }
  const message =
    results.length === 0 ? 'No objects to check' : results.length === 1 ? '1 object is healthy' : `All ${results.length} objects are healthy`;
  return { status: 'Healthy', message, failed, notCurrent };
}

function count(n: number): string {
  return n === 1 ? '1 object' : `${n} objects`;
}

function list(results: readonly ObjectHealth[]): string {
  const shown = results.slice(0, maxListed).map((r) => `${describeRef(r.ref)}: ${statusText(r)}`);
  if (results.length > maxListed) shown.push(`and ${results.length - maxListed} more`);
  return shown.join('; ');
}

/** The status word only where the message alone would hide it (Terminating, NotFound, Unknown). */
function statusText(r: ObjectHealth): string {
  if (r.status === 'Failed' || r.status === 'InProgress') return r.message;
  return r.message ? `${r.status}: ${r.message}` : r.status;
}

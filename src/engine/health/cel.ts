/**
 * Health from user-written CEL expressions (Flux's `healthCheckExprs`), for custom resources
 * whose status kstatus cannot read. Expressions see the object as `self` and, as in Flux, its
 * top-level fields (`metadata`, `spec`, `status`, …) as variables of their own.
 */
import { Environment } from '@marcbachmann/cel-js';
import { ErrorCodes, GovernorError } from '../../errors.ts';
import { splitApiVersion } from '../objects.ts';
import type { Obj } from '../types.ts';
import type { HealthResult, HealthStatus } from './types.ts';
import { getField } from './fields.ts';

export type HealthCheckExpr = {
  apiVersion: string;
  kind: string;
  current: string;
  inProgress?: string;
  failed?: string;
};

type CompiledExpr = {
  field: 'current' | 'inProgress' | 'failed';
  /** What the object is when this expression is true. */
  status: HealthStatus;
  source: string;
  run: (context: Record<string, unknown>) => unknown;
};

export type CompiledHealthCheck = {
  group: string;
  kind: string;
  /** In evaluation order: the first that is true decides. */
  exprs: readonly CompiledExpr[];
};

/** Compiled once per reconcile and shared by every object it checks. */
export type CompiledHealthChecks = ReadonlyMap<string, CompiledHealthCheck>;

const variables = ['self', 'apiVersion', 'kind', 'metadata', 'spec', 'status'] as const;

/** The order is Governor's: a failure is reported even when `current` would also hold. */
const evaluationOrder = [
  ['failed', 'Failed'],
  ['current', 'Current'],
  ['inProgress', 'InProgress'],
] as const satisfies readonly (readonly [CompiledExpr['field'], HealthStatus])[];

/** Evaluation errors that only mean "the field is not there yet": the expression does not match. */
const missingDataCodes: ReadonlySet<string> = new Set(['no_such_key', 'unknown_variable', 'index_out_of_bounds', 'index_out_of_range']);

/**
 * Parses and type-checks every expression up front, so a typo stops the reconcile with a
 * message naming the expression instead of leaving objects InProgress until the timeout.
 * Matching is by API group and kind: the version an object is served at does not change how
 * its status reads.
 */
export function compileHealthChecks(exprs: readonly HealthCheckExpr[]): CompiledHealthChecks {
  const env = new Environment({ homogeneousAggregateLiterals: false, enableOptionalTypes: true });
  for (const name of variables) env.registerVariable(name, 'dyn');

  const out = new Map<string, CompiledHealthCheck>();
  for (const e of exprs) {
    const { group } = splitApiVersion(e.apiVersion);
    const key = groupKindKey(group, e.kind);
    if (out.has(key)) {
      throw new GovernorError(ErrorCodes.InvalidSpec, `healthCheckExprs: ${e.kind} in group "${group}" is listed more than once`);
    }
    if (!e.current || e.current.trim() === '') {
      throw new GovernorError(ErrorCodes.InvalidExpression, `healthCheckExprs: ${e.apiVersion} ${e.kind} has no current expression`);
    }
    const compiled: CompiledExpr[] = [];
    for (const [field, status] of evaluationOrder) {
      const source = e[field];
      if (source === undefined || source.trim() === '') continue;
      compiled.push({ field, status, source, run: compileOne(env, e, field, source) });
    }
    out.set(key, { group, kind: e.kind, exprs: compiled });
  }
  return out;
}

function compileOne(env: Environment, e: HealthCheckExpr, field: string, source: string): CompiledExpr['run'] {
  // Backticks rather than JSON quoting: expressions are full of quotes users should see unescaped.
  const where = `healthCheckExprs ${e.apiVersion} ${e.kind} ${field} expression \`${source}\``;
  let parsed: ReturnType<Environment['parse']>;
  try {
    parsed = env.parse(source);
  } catch (err) {
    throw new GovernorError(ErrorCodes.InvalidExpression, `${where}: ${firstLine(err)}`, { cause: err, details: { expression: source } });
  }
  const checked = parsed.check();
  if (!checked.valid) {
    throw new GovernorError(ErrorCodes.InvalidExpression, `${where}: ${firstLine(checked.error)}`, {
      cause: checked.error,
      details: { expression: source },
    });
  }
  if (checked.type !== 'bool' && checked.type !== 'dyn') {
    throw new GovernorError(ErrorCodes.InvalidExpression, `${where}: must evaluate to bool, not ${checked.type}`, {
      details: { expression: source },
    });
  }
  return (context) => parsed(context);
}

export function findHealthCheck(checks: CompiledHealthChecks, obj: Obj): CompiledHealthCheck | undefined {
  return checks.get(groupKindKey(splitApiVersion(obj.apiVersion).group, obj.kind));
}

function groupKindKey(group: string, kind: string): string {
  return `${group}/${kind}`;
}

/**
 * Like Flux: a deleted object is Terminating and an unobserved generation is InProgress before
 * any expression is asked, because status fields describe the previous generation until then.
 */
export function evaluateHealthCheck(check: CompiledHealthCheck, obj: Obj): HealthResult {
  const deletionTimestamp = getField(obj, '.metadata.deletionTimestamp');
  if (typeof deletionTimestamp === 'string' && deletionTimestamp !== '') {
    return { status: 'Terminating', message: 'Resource scheduled for deletion' };
  }
  const generation = getField(obj, '.metadata.generation');
  const observed = getField(obj, '.status.observedGeneration');
  if (typeof generation === 'number' && typeof observed === 'number' && generation !== observed) {
    return {
      status: 'InProgress',
      message: `${obj.kind} generation is ${generation}, but latest observed generation is ${observed}`,
    };
  }

  const self = toCel(obj);
  const context: Record<string, unknown> = { self };
  for (const name of variables) {
    if (name !== 'self' && isPresent(self, name)) context[name] = (self as Record<string, unknown>)[name];
  }

  const problems: string[] = [];
  for (const expr of check.exprs) {
    const outcome = run(expr, context);
    if (outcome === true) {
      return { status: expr.status, message: `${expr.field} expression is true: ${expr.source}` };
    }
    if (typeof outcome === 'string') problems.push(outcome);
  }
  const current = check.exprs.find((e) => e.field === 'current');
  const waiting = `waiting for current expression: ${current?.source ?? ''}`;
  return { status: 'InProgress', message: problems.length > 0 ? `${waiting} (${problems.join('; ')})` : waiting };
}

/** true, false, or a description of an evaluation error worth showing to the user. */
function run(expr: CompiledExpr, context: Record<string, unknown>): boolean | string {
  let value: unknown;
  try {
    value = expr.run(context);
  } catch (err) {
    if (isMissingData(err)) return false;
    return `${expr.field} expression failed: ${firstLine(err)}`;
  }
  if (typeof value === 'boolean') return value;
  return `${expr.field} expression returned ${typeof value}, not bool`;
}

function isMissingData(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && missingDataCodes.has(code);
}

function isPresent(obj: unknown, key: string): boolean {
  return typeof obj === 'object' && obj !== null && Object.hasOwn(obj, key);
}

/**
 * JSON has no integer type, but CEL does and refuses `int + double`: whole numbers become
 * BigInt so `status.replicas + 1 == 4` works as it does in Kubernetes' own CEL.
 */
function toCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCel);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toCel(v);
    return out;
  }
  return value;
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0] ?? message;
}

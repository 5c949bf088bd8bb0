import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileHealthChecks, evaluateHealthCheck, findHealthCheck } from './cel.ts';
import type { HealthCheckExpr } from './cel.ts';
import { isGovernorError } from '../../errors.ts';
import type { Obj } from '../types.ts';

// cert-manager's Certificate, the example of Flux's RFC-0009.
const certificateExprs: HealthCheckExpr = {
  apiVersion: 'cert-manager.io/v1',
  kind: 'Certificate',
  inProgress: "status.conditions.filter(e, e.type == 'Issuing').all(e, e.observedGeneration == metadata.generation && e.status == 'True')",
  failed: "self.status.conditions.exists(e, e.type == 'Ready' && e.status == 'False' && e.reason == 'Failed')",
  current: "self.status.conditions.exists(e, e.type == 'Ready' && e.status == 'True' && e.observedGeneration == self.metadata.generation)",
};

function certificate(conditions: Record<string, unknown>[] | undefined, generation = 3): Obj {
  const obj: Obj = {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name: 'web-tls', namespace: 'shop', generation },
    spec: { secretName: 'web-tls', dnsNames: ['shop.example.com'], issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer' } },
  };
  if (conditions) obj.status = { conditions };
  return obj;
}

function evaluate(exprs: HealthCheckExpr[], obj: Obj) {
  const check = findHealthCheck(compileHealthChecks(exprs), obj);
  assert.ok(check, 'a health check matches');
  return evaluateHealthCheck(check, obj);
}

test('cel: current when the current expression holds', () => {
  const obj = certificate([{ type: 'Ready', status: 'True', reason: 'Ready', observedGeneration: 3, message: 'Certificate is up to date' }]);
  const got = evaluate([certificateExprs], obj);
  assert.equal(got.status, 'Current');
  assert.match(got.message, /current expression is true/);
});

test('cel: failed takes precedence over current', () => {
  const exprs = [{ ...certificateExprs, current: 'true' }];
  const obj = certificate([{ type: 'Ready', status: 'False', reason: 'Failed', observedGeneration: 3 }]);
  assert.equal(evaluate(exprs, obj).status, 'Failed');
});

test('cel: inProgress when only inProgress holds', () => {
  const obj = certificate([{ type: 'Issuing', status: 'True', reason: 'DoesNotExist', observedGeneration: 3 }]);
  assert.equal(evaluate([certificateExprs], obj).status, 'InProgress');
});

test('cel: nothing holds means still in progress', () => {
  const obj = certificate([{ type: 'Ready', status: 'False', reason: 'DoesNotExist', observedGeneration: 3 }]);
  const exprs = [{ ...certificateExprs, inProgress: undefined }];
  const got = evaluate(exprs, obj);
  assert.equal(got.status, 'InProgress');
  assert.match(got.message, /waiting for current expression/);
});

test('cel: missing fields count as not matching, not as an error', () => {
  const obj = certificate(undefined);
  const exprs: HealthCheckExpr[] = [
    { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', failed: 'self.status.failureTime != ""', current: 'self.status.conditions[0].status == "True"' },
  ];
  const got = evaluate(exprs, obj);
  assert.deepEqual(got, { status: 'InProgress', message: 'waiting for current expression: self.status.conditions[0].status == "True"' });
});

test('cel: integers compare and add as CEL ints', () => {
  const obj: Obj = {
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name: 'w', namespace: 'shop', generation: 1 },
    spec: { replicas: 3 },
    status: { readyReplicas: 3 },
  };
  const exprs = [{ apiVersion: 'example.com/v1', kind: 'Widget', current: 'status.readyReplicas + 0 == spec.replicas && self.status.readyReplicas >= 3' }];
  assert.equal(evaluate(exprs, obj).status, 'Current');
});

test('cel: an unobserved generation is InProgress before any expression', () => {
  const obj = certificate([{ type: 'Ready', status: 'True', observedGeneration: 3 }], 4);
  obj.status = { ...obj.status, observedGeneration: 3 };
  const got = evaluate([{ ...certificateExprs, current: 'true' }], obj);
  assert.deepEqual(got, { status: 'InProgress', message: 'Certificate generation is 4, but latest observed generation is 3' });
});

test('cel: a deleted object is Terminating', () => {
  const obj = certificate([]);
  obj.metadata.deletionTimestamp = '2025-03-01T12:00:00Z';
  assert.equal(evaluate([certificateExprs], obj).status, 'Terminating');
});

test('cel: runtime type errors are reported in the message', () => {
  const obj = certificate([{ type: 'Ready', status: 'True' }]);
  const got = evaluate([{ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', current: 'self.status.conditions[0].status + 1 == 2' }], obj);
  assert.equal(got.status, 'InProgress');
  assert.match(got.message, /current expression failed: no such overload/);
});

test('cel: matching is by group and kind, any version', () => {
  const checks = compileHealthChecks([certificateExprs]);
  const v1beta1 = { ...certificate([]), apiVersion: 'cert-manager.io/v1beta1' };
  assert.ok(findHealthCheck(checks, v1beta1));
  assert.equal(findHealthCheck(checks, { ...certificate([]), kind: 'Issuer' }), undefined);
  assert.equal(findHealthCheck(checks, { ...certificate([]), apiVersion: 'other.io/v1' }), undefined);
});

test('cel: a syntax error names the expression', () => {
  const bad = { ...certificateExprs, failed: "status.conditions.exists(e, e.type == 'Ready'" };
  assert.throws(
    () => compileHealthChecks([bad]),
    (err: unknown) =>
      isGovernorError(err, 'InvalidExpression') &&
      err.message.includes('Certificate failed expression') &&
      err.message.includes("status.conditions.exists(e, e.type == 'Ready'"),
  );
});

test('cel: an unknown variable or function is a compile error', () => {
  for (const current of ['statuss.conditions.size() > 0', 'isHealthy(self)', '1 + "a"']) {
    assert.throws(
      () => compileHealthChecks([{ apiVersion: 'example.com/v1', kind: 'Widget', current }]),
      (err: unknown) => isGovernorError(err, 'InvalidExpression') && err.message.includes(current),
      current,
    );
  }
});

test('cel: an expression must yield a bool', () => {
  assert.throws(
    () => compileHealthChecks([{ apiVersion: 'example.com/v1', kind: 'Widget', current: '"ready"' }]),
    (err: unknown) => isGovernorError(err, 'InvalidExpression') && /must evaluate to bool, not string/.test(err.message),
  );
});

test('cel: current is required and kinds are listed once', () => {
  assert.throws(() => compileHealthChecks([{ apiVersion: 'example.com/v1', kind: 'Widget', current: ' ' }]), (err: unknown) =>
    isGovernorError(err, 'InvalidExpression'),
  );
  const twice = [
    { apiVersion: 'example.com/v1', kind: 'Widget', current: 'true' },
    { apiVersion: 'example.com/v2', kind: 'Widget', current: 'false' },
  ];
  assert.throws(() => compileHealthChecks(twice), (err: unknown) => isGovernorError(err, 'InvalidSpec'));
});

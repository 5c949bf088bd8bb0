import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCodes, isGovernorError } from '../errors.ts';
import type { GovernorError } from '../errors.ts';
import type { GitRepositorySpecInput, StackSpecInput } from './index.ts';
import { parseSpec, validateSpec } from './index.ts';

const gitSpec: GitRepositorySpecInput = { url: 'https://git.example.com/platform.git', interval: '1m30s' };
const stackSpec: StackSpecInput = { sourceRef: { name: 'platform' }, path: './apps', interval: '10m' };

function failure(result: ReturnType<typeof validateSpec>): GovernorError {
  assert.equal(result.ok, false, 'expected the spec to be refused');
  assert.ok(!result.ok);
  assert.ok(isGovernorError(result.error, ErrorCodes.InvalidSpec));
  return result.error;
}

describe('validateSpec', () => {
  it('accepts a minimal GitRepository and fills in the defaults', () => {
    const input = structuredClone(gitSpec);
    const result = validateSpec('GitRepository', input);
    assert.ok(result.ok);
    assert.deepEqual(result.value, { ...gitSpec, ref: { branch: 'main' }, timeout: '60s', suspend: false });
    assert.deepEqual(input, gitSpec, 'the input is not mutated');
  });

  it('accepts a minimal Stack and fills in the defaults', () => {
    const result = validateSpec('Stack', stackSpec);
    assert.ok(result.ok);
    assert.deepEqual(result.value, {
      sourceRef: { kind: 'GitRepository', name: 'platform' },
      path: './apps',
      interval: '10m',
      prune: true,
      wait: false,
      suspend: false,
      force: false,
      drift: { mode: 'correct' },
    });
  });

  it('fills defaults only where a field is absent, like the API server', () => {
    const result = validateSpec('GitRepository', { ...gitSpec, ref: { tag: 'v1.2.0' }, timeout: null });
    assert.ok(result.ok);
    assert.deepEqual(result.value.ref, { tag: 'v1.2.0' });
    assert.equal(result.value.timeout, '60s');
    const stack = validateSpec('Stack', { ...stackSpec, drift: { ignore: [{ paths: ['/spec/replicas'] }] }, substituteFrom: [{ kind: 'Secret', name: 's' }] });
    assert.ok(stack.ok);
    assert.deepEqual(stack.value.drift, { mode: 'correct', ignore: [{ paths: ['/spec/replicas'] }] });
    assert.deepEqual(stack.value.substituteFrom, [{ kind: 'Secret', name: 's', optional: false }]);
  });

  it('accepts every URL form and a full Stack', () => {
    for (const url of ['https://h/r.git', 'http://h:8080/r', 'ssh://git@h:22/r.git', 'git@github.com:org/r.git', 'file:///srv/git/r.git']) {
      assert.ok(validateSpec('GitRepository', { ...gitSpec, url }).ok, url);
    }
    const full: StackSpecInput = {
      ...stackSpec,
      sourceRef: { kind: 'GitRepository', name: 'platform', namespace: 'flux' },
      retryInterval: '30s',
      timeout: '2m',
      prune: false,
      wait: true,
      healthChecks: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'apps' }],
      healthCheckExprs: [{ apiVersion: 'example.com/v1', kind: 'Db', current: 'self.status.ready', failed: 'self.status.failed' }],
      dependsOn: [{ name: 'infra', namespace: 'platform' }],
      targetNamespace: 'apps',
      substitute: { CLUSTER: 'prod' },
      substituteFrom: [{ kind: 'ConfigMap', name: 'vars', optional: true }],
      serviceAccountName: 'deployer',
      force: true,
      drift: { mode: 'warn', ignore: [{ paths: ['/spec/replicas', '/metadata/annotations/a~1b'], target: { kind: 'Deployment', labelSelector: 'app=web' } }] },
      clusterRef: { name: 'staging' },
    };
    const result = validateSpec('Stack', full);
    assert.ok(result.ok, result.ok ? '' : result.error.message);
    assert.deepEqual(result.value, { ...full, suspend: false });
  });

  it('refuses a bad interval, naming the field', () => {
    const error = failure(validateSpec('GitRepository', { ...gitSpec, interval: '5 minutes' }));
    assert.match(error.message, /spec\.interval: must look like 1m30s/);
    assert.deepEqual(error.details.fields, [{ path: 'spec.interval', message: 'must look like 1m30s (a number and ms, s, m or h, repeated)' }]);
  });

  it('refuses a missing url', () => {
    const error = failure(validateSpec('GitRepository', { interval: '1m' }));
    assert.match(error.message, /spec\.url: is required/);
  });

  it('refuses a missing path', () => {
    const error = failure(validateSpec('Stack', { sourceRef: { name: 'platform' }, interval: '10m' }));
    assert.match(error.message, /spec\.path: is required/);
  });

  it('refuses a wrong drift mode, listing the allowed ones', () => {
    const error = failure(validateSpec('Stack', { ...stackSpec, drift: { mode: 'fix' } }));
    assert.match(error.message, /spec\.drift\.mode: must be one of correct, warn, ignore/);
  });

  it('names every failing field at once, in human form', () => {
    const error = failure(
      validateSpec('Stack', {
        sourceRef: { kind: 'Bucket', name: 'x' },
        interval: 'soon',
        intervall: '1m',
        drift: { ignore: [{ paths: ['/ok', 'spec.replicas'] }] },
        substitute: { 'a.b': 1 },
      }),
    );
    assert.match(error.message, /^invalid Stack: /);
    const fields = error.details.fields as { path: string; message: string }[];
    assert.deepEqual(
      fields.map((f) => f.path).sort(),
      ['spec.drift.ignore[0].paths[1]', 'spec.interval', 'spec.intervall', 'spec.path', 'spec.sourceRef.kind', 'spec.substitute["a.b"]'],
    );
    assert.ok(fields.some((f) => f.path === 'spec.intervall' && f.message === 'is not a known field'));
    assert.ok(fields.some((f) => f.path === 'spec.sourceRef.kind' && f.message === 'must be GitRepository'));
    assert.ok(fields.some((f) => f.path === 'spec.substitute["a.b"]' && f.message === 'must be a string'));
  });

  it('refuses URLs git would treat as options or transport helpers', () => {
    for (const url of ['ext::sh -c touch% /tmp/x', '-upload-pack=touch /tmp/x', 'ssh://-oProxyCommand=x/r', 'ftp://h/r', 'h:r']) {
      const error = failure(validateSpec('GitRepository', { ...gitSpec, url }));
      assert.match(error.message, /spec\.url: must be an https:\/\//, url);
    }
  });

  it('refuses a missing or non-object spec', () => {
    assert.match(failure(validateSpec('Stack', undefined)).message, /spec: is required/);
    assert.match(failure(validateSpec('Stack', 'x')).message, /spec: must be an object/);
  });

  it('parseSpec returns the value or throws the GovernorError', () => {
    assert.equal(parseSpec('Stack', stackSpec).prune, true);
    assert.throws(() => parseSpec('Stack', {}), (err: unknown) => isGovernorError(err, ErrorCodes.InvalidSpec));
  });
});

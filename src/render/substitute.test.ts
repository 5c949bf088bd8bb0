import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isGovernorError, ErrorCodes } from '../errors.ts';
import { render } from './index.ts';
import { mergeVariables, substituteObject, substituteString } from './substitute.ts';
import { tempTree } from './testing.ts';
import type { KubeObject } from './types.ts';

const vars = { NAME: 'web', EMPTY: '', REPLICAS: '3', _under_score1: 'u' };
const sub = (text: string): string => substituteString(text, vars, () => '');

test('${VAR}, ${VAR:=default} and ${VAR:-default}', () => {
  assert.equal(sub('${NAME}'), 'web');
  assert.equal(sub('app-${NAME}-${_under_score1}'), 'app-web-u');
  assert.equal(sub('${MISSING:=fallback}'), 'fallback');
  assert.equal(sub('${MISSING:-fallback}'), 'fallback');
  assert.equal(sub('${NAME:=fallback}'), 'web');
  // The colon forms also apply the default when the variable is set but empty, as in the shell.
  assert.equal(sub('${EMPTY:=fallback}'), 'fallback');
  assert.equal(sub('${EMPTY}'), '');
  assert.equal(sub('${MISSING:=}'), '');
  assert.equal(sub('${MISSING:=${NAME}-default}'), 'web-default');
  assert.equal(sub('${MISSING:={"json": true}}'), '{"json": true}');
});

test('an unset variable without default becomes empty, as in Flux', () => {
  assert.equal(sub('a${MISSING}b'), 'ab');
});

test('$${VAR} escapes to a literal ${VAR}', () => {
  assert.equal(sub('$${NAME}'), '${NAME}');
  assert.equal(sub('echo $${HOME:-/root} ${NAME}'), 'echo ${HOME:-/root} web');
  assert.equal(sub('cost: $$5 and $NAME'), 'cost: $$5 and $NAME');
});

test('what is not a variable reference is left as written', () => {
  for (const text of ['${1}', '${a.b}', '${#arr}', '${NAME/x/y}', '${NAME', 'plain $', '${}']) assert.equal(sub(text), text);
});

const obj = (extra: Partial<KubeObject> = {}, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'app-${NAME}', namespace: 'shop', ...(annotations ? { annotations } : {}) },
  spec: { replicas: '${REPLICAS}', count: 2, enabled: true, nothing: null, list: ['${NAME}', 1], '${NAME}': 'key-kept' },
  ...extra,
});

test('only string values change, keys and other types are untouched', () => {
  const out = substituteObject(obj(), vars);
  assert.deepEqual(out, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'app-web', namespace: 'shop' },
    spec: { replicas: 3, count: 2, enabled: true, nothing: null, list: ['web', 1], '${NAME}': 'key-kept' },
  });
});

const retyped = (value: string, variables: Record<string, string>): unknown =>
  (substituteObject(obj({ data: { v: value } }), variables).data as Record<string, unknown>).v;

test('a value that is exactly one ${…} is typed like Flux re-parsing the YAML', () => {
  assert.equal(retyped('${REPLICAS}', { REPLICAS: '3' }), 3);
  assert.equal(retyped('${REPLICAS:=2}', {}), 2);
  assert.equal(retyped('${ENABLED:=true}', {}), true);
  assert.equal(retyped('${ENABLED}', { ENABLED: 'false' }), false);
  // YAML 1.1, as in the parser: yes is a boolean, a leading 0 means octal, 1.10 is a float.
  assert.equal(retyped('${ON}', { ON: 'yes' }), true);
  assert.equal(retyped('${MODE}', { MODE: '0644' }), 420);
  assert.equal(retyped('${V}', { V: '1.10' }), 1.1);
  assert.equal(retyped('${V}', { V: 'null' }), null);
  // kubectl's rules, not plain YAML 1.1: dates stay strings; JSON has no infinity.
  assert.equal(retyped('${D}', { D: '2024-01-02' }), '2024-01-02');
  assert.equal(retyped('${V}', { V: '.inf' }), '.inf');
});

test('an empty result stays an empty string, not null', () => {
  assert.equal(retyped('${MISSING}', {}), '');
  assert.equal(retyped('${EMPTY}', { EMPTY: '' }), '');
});

test('other text around the reference keeps a string', () => {
  assert.equal(retyped('img:${TAG}', { TAG: '3' }), 'img:3');
  assert.equal(retyped('${A}${B}', { A: '1', B: '2' }), '12');
  assert.equal(retyped(' ${N}', { N: '3' }), ' 3');
  assert.equal(retyped('$${N}', { N: '3' }), '${N}');
  assert.equal(retyped('${1}', {}), '${1}');
});

test('quoted-looking or structured variable values stay strings verbatim', () => {
  assert.equal(retyped('${V}', { V: '"abc"' }), '"abc"');
  assert.equal(retyped('${V}', { V: "'3'" }), "'3'");
  assert.equal(retyped('${V}', { V: 'abc' }), 'abc');
  assert.equal(retyped('${V}', { V: '[1, 2]' }), '[1, 2]');
  assert.equal(retyped('${V}', { V: '3 # comment' }), '3 # comment');
  assert.equal(retyped('${V}', { V: '-' }), '-');
});

test('values that would break YAML structure are inserted verbatim', () => {
  const out = substituteObject(obj(), { NAME: 'x\n  injected: true', REPLICAS: 'a: b' });
  assert.equal(out.metadata.name, 'app-x\n  injected: true');
  assert.equal((out.spec as Record<string, unknown>).replicas, 'a: b');
  assert.equal((out.spec as Record<string, unknown>).injected, undefined);
});

test('the disabled annotation (Flux or Governor) skips an object', () => {
  for (const key of ['kustomize.toolkit.fluxcd.io/substitute', 'governor.dev/substitute']) {
    const input = obj({}, { [key]: 'disabled' });
    assert.equal(substituteObject(input, vars, { strict: true }), input);
  }
  assert.equal(substituteObject(obj({}, { 'governor.dev/substitute': 'enabled' }), vars).metadata.name, 'app-web');
});

test('strict mode fails on an unset variable without default, naming variable and object', () => {
  assert.throws(
    () => substituteObject(obj({ data: '${NOPE}' }), vars, { strict: true }),
    (err: unknown) => {
      assert.ok(isGovernorError(err, ErrorCodes.SubstitutionFailed));
      assert.match(err.message, /Deployment app-\$\{NAME\}: variable \$\{NOPE\} is not set/);
      assert.equal(err.details.variable, 'NOPE');
      return true;
    },
  );
  assert.equal(substituteObject(obj({ data: '${NOPE:=ok}' }), vars, { strict: true }).data, 'ok');
});

test('later variable maps override earlier ones', () => {
  assert.deepEqual(mergeVariables({ A: '1', B: '1' }, undefined, { B: '2' }), { A: '1', B: '2' });
});

test('render substitutes after targetNamespace and checks the result', async (t) => {
  const dir = await tempTree(t, {
    'app.yaml': [
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg-${ENV}\n  labels: {env: "${ENV}"}\ndata:\n  mode: "${MODE:=0644}"\n  tag: "v${MODE:=0644}"\n  script: echo $${HOME}',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: raw\n  annotations: {kustomize.toolkit.fluxcd.io/substitute: disabled}\ndata:\n  x: ${ENV}',
    ].join('\n---\n'),
  });
  const { objects } = await render({ checkoutDir: dir, path: '.', targetNamespace: 'shop', variables: { ENV: 'prod' } });
  assert.deepEqual(objects[0], {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cfg-prod', namespace: 'shop', labels: { env: 'prod' } },
    // Limitation: quoting is gone once parsed, so a quoted lone reference is typed too (Flux keeps "0644").
    data: { mode: 420, tag: 'v0644', script: 'echo ${HOME}' },
  });
  assert.equal((objects[1]?.data as Record<string, string>).x, '${ENV}');

  // Without variables nothing is substituted at all.
  assert.equal((await render({ checkoutDir: dir, path: '.' })).objects[0]?.metadata.name, 'cfg-${ENV}');
  await assert.rejects(
    render({ checkoutDir: dir, path: '.', variables: {}, strictSubstitution: true }),
    (err: unknown) => isGovernorError(err, ErrorCodes.SubstitutionFailed) && /ConfigMap cfg-\$\{ENV\} in app\.yaml \(document 1\): variable \$\{ENV\}/.test(err.message),
  );
  // A variable emptying a name is caught like any invalid object.
  const emptied = await tempTree(t, { 'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: "${NAME}"}\n' });
  await assert.rejects(render({ checkoutDir: emptied, path: '.', variables: {} }), (err: unknown) =>
    isGovernorError(err, ErrorCodes.InvalidObject) && /a\.yaml \(document 1\): ConfigMap: missing metadata\.name/.test(err.message),
  );
  await assert.rejects(render({ checkoutDir: dir, path: '.', variables: { 'bad-name': 'x' } }), (err: unknown) =>
    isGovernorError(err, ErrorCodes.SubstitutionFailed) && /bad-name/.test(err.message),
  );
});

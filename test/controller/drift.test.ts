import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { testCluster, testNamespace } from '../support/cluster.ts';
import { eventsFor, gitFixture, gitRepository, readyAt, readyCondition, stack, startController, waitForStack, type TestController } from '../support/controller.ts';
import { waitFor } from '../cluster/http.ts';
import type { ClusterInfo } from '../cluster/client.ts';
import type { StackInput } from '../../src/api/index.ts';
import { findCondition } from '../../src/controller/conditions.ts';
import type { KubeApi } from '../../src/kube/api.ts';
import { resourcePath } from '../../src/kube/discovery.ts';
import type { KubeObject, ObjectRef } from '../../src/kube/types.ts';

const GIT_IMAGE = 'nginx:1.27';
const STACK = 'apps';

type Deployment = KubeObject & { spec: { replicas?: number; template: { spec: { containers: { name: string; image: string }[] } } } };
type Data = KubeObject & { data?: Record<string, string> };

const deploymentYaml = (ns: string, name: string, replicas?: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
spec:
${replicas === undefined ? '' : `  replicas: ${replicas}\n`}  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
        - name: main
          image: ${GIT_IMAGE}
`;

const configMapYaml = (ns: string, name: string, data: Record<string, string>) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n  labels: {app: demo}\ndata:\n${Object.entries(data)
    .map(([k, v]) => `  ${k}: "${v}"\n`)
    .join('')}`;

const deployRef = (namespace: string, name: string): ObjectRef => ({ apiVersion: 'apps/v1', kind: 'Deployment', namespace, name });
const cmRef = (namespace: string, name: string): ObjectRef => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name });
const secretRef = (namespace: string, name: string): ObjectRef => ({ apiVersion: 'v1', kind: 'Secret', namespace, name });
const stackRef = (namespace: string): ObjectRef => ({ apiVersion: 'governor.dev/v1alpha1', kind: 'Stack', namespace, name: STACK });

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** A Stack of the given files in a namespace of its own, applied by a controller of its own, Ready. */
async function setup(t: TestContext, info: ClusterInfo, prefix: string, files: (ns: string) => Record<string, string>, drift?: StackInput['spec']['drift']) {
  const ns = await testNamespace(t, info, prefix);
  const git = await gitFixture(t);
  const sha = await git.work.commit('apps', files(ns));
  const ctrl = await startController(t, info, { namespaces: [ns] });
  const { api } = ctrl;
  await api.apply(gitRepository(ns, 'platform', { url: git.url, interval: '1h', ref: { branch: 'main' } }));
  await api.apply(stack(ns, STACK, { sourceRef: { name: 'platform' }, path: './apps', interval: '1h', ...(drift ? { drift } : {}) }));
  await waitForStack(api, ns, STACK, 'Ready', readyAt(sha));
  return { api, ns, ctrl, sha };
}

/** `kubectl edit` of the first container's image: a strategic merge patch as the admin. */
async function editImage(api: KubeApi, ref: ObjectRef, image: string): Promise<void> {
  const m = await api.mapping(ref.apiVersion, ref.kind);
  await api.client.request('PATCH', resourcePath(m, ref.namespace, ref.name), {
    body: { spec: { template: { spec: { containers: [{ name: 'main', image }] } } } },
    contentType: 'application/strategic-merge-patch+json',
    query: { fieldManager: 'kubectl-edit' },
  });
}

/** `kubectl scale`: a merge patch of the scale subresource. */
async function scale(api: KubeApi, ref: ObjectRef, replicas: number): Promise<void> {
  await api.mergePatch(ref, { spec: { replicas } }, 'scale');
}

async function image(api: KubeApi, ns: string, name: string): Promise<string | undefined> {
  return (await api.get<Deployment>(deployRef(ns, name))).spec.template.spec.containers[0]?.image;
}

async function replicas(api: KubeApi, ns: string, name: string): Promise<number | undefined> {
  return (await api.get<Deployment>(deployRef(ns, name))).spec.replicas;
}

/** Polls closely until the check holds; the milliseconds it took. */
async function timed(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<number> {
  const start = performance.now();
  await waitFor(what, check, timeoutMs, 20);
  return Math.round(performance.now() - start);
}

/** Requests a reconcile through the annotation and waits until it is handled. */
async function forceReconcile(api: KubeApi, ns: string): Promise<void> {
  const requested = new Date().toISOString();
  await api.mergePatch(stackRef(ns), { metadata: { annotations: { 'governor.dev/reconcile-requested-at': requested } } });
  await waitForStack(api, ns, STACK, 'forced reconcile handled', (s) => s.status?.lastHandledReconcileAt === requested && readyAt()(s));
}

async function waitForEvent(api: KubeApi, ns: string, reason: string, ok: (message: string) => boolean): Promise<string> {
  let found: string | undefined;
  let seen: unknown[] = [];
  try {
    await waitFor(`${reason} event`, async () => {
      const events = await eventsFor(api, ns, STACK);
      seen = events;
      found = events.find((e) => e.reason === reason && ok(e.message))?.message;
      return found !== undefined;
    }, 10_000, 100);
  } catch (err) {
    throw new Error(`${(err as Error).message}\nevents: ${JSON.stringify(seen, null, 2)}`, { cause: err });
  }
  return found!;
}

async function driftEvents(api: KubeApi, ns: string): Promise<string[]> {
  return (await eventsFor(api, ns, STACK)).filter((e) => e.reason === 'DriftDetected').map((e) => e.message);
}

// One cluster for the whole file (a file run alone starts its own); the cases run side by side,
// each in a namespace of its own with a controller of its own.
test('drift', { concurrency: true }, async (t) => {
  const info = await testCluster(t);

  await t.test("kubectl edit of a Deployment's image is reported by field path and corrected within seconds", async (t) => {
    const { api, ns } = await setup(t, info, 'drift-image', (ns) => ({ 'apps/web.yaml': deploymentYaml(ns, 'web', 2) }));
    const before = (await waitForStack(api, ns, STACK, 'Ready', readyAt())).status?.drift?.lastDriftTime;
    assert.equal(before, undefined);

    await editImage(api, deployRef(ns, 'web'), 'nginx:1.28-by-hand');
    const ms = await timed('the image back to Git', async () => (await image(api, ns, 'web')) === GIT_IMAGE);
    t.diagnostic(`image edit → corrected in ${ms} ms`);
    assert.ok(ms < 5000, `corrected after ${ms} ms`);

    const detected = await waitForEvent(api, ns, 'DriftDetected', (m) => m.includes(`Deployment/${ns}/web`));
    assert.match(detected, /spec\.template\.spec\.containers\[0\]\.image/);
    await waitForEvent(api, ns, 'DriftCorrected', (m) => m.includes(`Deployment/${ns}/web`));
    const events = await eventsFor(api, ns, STACK);
    const iDetected = events.findIndex((e) => e.reason === 'DriftDetected');
    const iCorrected = events.findIndex((e) => e.reason === 'DriftCorrected');
    assert.ok(iDetected < iCorrected, `DriftCorrected follows DriftDetected: ${JSON.stringify(events)}`);
    assert.equal(events.find((e) => e.reason === 'DriftDetected')?.type, 'Warning');

    const s = await waitForStack(api, ns, STACK, 'drift time recorded', (s) => s.status?.drift?.lastDriftTime !== undefined);
    assert.equal(readyCondition(s)?.status, 'True');
    assert.ok(Date.now() - Date.parse(s.status!.drift!.lastDriftTime!) < 60_000, s.status!.drift!.lastDriftTime);
    assert.equal(await image(api, ns, 'web'), GIT_IMAGE);
  });

  await t.test('kubectl scale: corrected when Git sets replicas, left alone when it does not', async (t) => {
    const { api, ns } = await setup(t, info, 'drift-scale', (ns) => ({
      'apps/web.yaml': deploymentYaml(ns, 'web', 2),
      'apps/worker.yaml': deploymentYaml(ns, 'worker'),
    }));
    assert.equal(await replicas(api, ns, 'worker'), 1, 'the API server default');

    // The worker is scaled first: once the web scale (same watch, later event) is corrected, the
    // worker's change has been seen too.
    await scale(api, deployRef(ns, 'worker'), 3);
    await scale(api, deployRef(ns, 'web'), 5);
    const ms = await timed('web back at 2 replicas', async () => (await replicas(api, ns, 'web')) === 2);
    t.diagnostic(`scale with replicas in Git → corrected in ${ms} ms`);
    const detected = await waitForEvent(api, ns, 'DriftDetected', (m) => m.includes(`Deployment/${ns}/web`));
    assert.match(detected, /spec\.replicas/);

    // A little longer for anything late, then a full reconcile: the worker keeps its replicas.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await replicas(api, ns, 'worker'), 3);
    await forceReconcile(api, ns);
    assert.equal(await replicas(api, ns, 'worker'), 3, 'a full reconcile leaves replicas that Git does not set');
    assert.equal(await replicas(api, ns, 'web'), 2);
    const drift = await driftEvents(api, ns);
    assert.ok(!drift.some((m) => m.includes(`Deployment/${ns}/worker`)), `no drift reported for the worker: ${JSON.stringify(drift)}`);
  });

  await t.test('a deleted ConfigMap is recreated', async (t) => {
    const { api, ns } = await setup(t, info, 'drift-delete', (ns) => ({ 'apps/config.yaml': configMapYaml(ns, 'settings', { level: 'info' }) }));
    const { uid } = (await api.get(cmRef(ns, 'settings'))).metadata;
    assert.ok(await api.delete(cmRef(ns, 'settings')));
    const ms = await timed('the ConfigMap recreated', async () => {
      const cm = await api.find<Data>(cmRef(ns, 'settings'));
      return cm !== undefined && cm.metadata.uid !== uid;
    });
    t.diagnostic(`delete → recreated in ${ms} ms`);
    assert.deepEqual((await api.get<Data>(cmRef(ns, 'settings'))).data, { level: 'info' });
    const detected = await waitForEvent(api, ns, 'DriftDetected', (m) => m.includes(`ConfigMap/${ns}/settings`));
    assert.match(detected, /deleted/);
    await waitForEvent(api, ns, 'DriftCorrected', (m) => m.includes(`ConfigMap/${ns}/settings`));
  });

  await t.test('a label added by hand that Git does not set is not drift and stays', async () => {
    const { api, ns } = await setup(t, info, 'drift-label', (ns) => ({
      'apps/labelled.yaml': configMapYaml(ns, 'labelled', { a: '1' }),
      'apps/other.yaml': configMapYaml(ns, 'other', { b: '2' }),
    }));
    await api.mergePatch(cmRef(ns, 'labelled'), { metadata: { labels: { team: 'payments' } } });
    // A real drift of another ConfigMap after it: once that is corrected, the label was seen.
    await api.mergePatch(cmRef(ns, 'other'), { data: { b: 'changed' } });
    await timed('the other ConfigMap corrected', async () => (await api.get<Data>(cmRef(ns, 'other'))).data?.b === '2');
    await forceReconcile(api, ns);

    const labels = (await api.get(cmRef(ns, 'labelled'))).metadata.labels;
    assert.equal(labels?.team, 'payments');
    assert.equal(labels?.app, 'demo');
    const drift = await driftEvents(api, ns);
    assert.ok(drift.some((m) => m.includes(`ConfigMap/${ns}/other`)), JSON.stringify(drift));
    assert.ok(!drift.some((m) => m.includes(`ConfigMap/${ns}/labelled`)), `no drift reported for the label: ${JSON.stringify(drift)}`);
  });

  await t.test('warn mode: the change stays and the Stack shows it out of sync until it is reverted', async () => {
    const { api, ns } = await setup(t, info, 'drift-warn', (ns) => ({ 'apps/config.yaml': configMapYaml(ns, 'settings', { level: 'info' }) }), { mode: 'warn' });
    await api.mergePatch(cmRef(ns, 'settings'), { data: { level: 'debug' } });
    const s = await waitForStack(api, ns, STACK, 'Drifted', (s) => findCondition(s.status?.conditions, 'Drifted')?.status === 'True', 10_000);
    const drifted = findCondition(s.status?.conditions, 'Drifted')!;
    assert.equal(drifted.reason, 'OutOfSync');
    assert.match(drifted.message, new RegExp(`ConfigMap/${ns}/settings`));
    assert.equal(s.status?.drift?.count, 1);
    assert.ok(s.status?.drift?.lastDriftTime);
    assert.equal(readyCondition(s)?.status, 'True', 'out of sync is not a failure');
    const detected = await waitForEvent(api, ns, 'DriftDetected', (m) => m.includes(`ConfigMap/${ns}/settings`));
    assert.match(detected, /data\.level/);
    assert.equal((await api.get<Data>(cmRef(ns, 'settings'))).data?.level, 'debug', 'warn mode leaves the change');
    assert.ok(!(await eventsFor(api, ns, STACK)).some((e) => e.reason === 'DriftCorrected'));

    await api.mergePatch(cmRef(ns, 'settings'), { data: { level: 'info' } });
    const back = await waitForStack(api, ns, STACK, 'Drifted gone', (s) => findCondition(s.status?.conditions, 'Drifted') === undefined, 10_000);
    assert.equal(back.status?.drift?.count, 0);
    assert.equal(readyCondition(back)?.status, 'True');
  });

  await t.test('drift.ignore: a scale of ignored replicas stays while an image change is corrected', async (t) => {
    const { api, ns } = await setup(t, info, 'drift-ignore', (ns) => ({ 'apps/web.yaml': deploymentYaml(ns, 'web', 2) }), {
      mode: 'correct',
      ignore: [{ paths: ['/spec/replicas'], target: { kind: 'Deployment' } }],
    });
    await scale(api, deployRef(ns, 'web'), 4);
    await editImage(api, deployRef(ns, 'web'), 'nginx:1.28-by-hand');
    const ms = await timed('the image back to Git', async () => (await image(api, ns, 'web')) === GIT_IMAGE);
    t.diagnostic(`image edit next to an ignored scale → corrected in ${ms} ms`);
    assert.equal(await replicas(api, ns, 'web'), 4, 'correcting the image leaves the ignored replicas');
    const drift = await driftEvents(api, ns);
    assert.ok(drift.some((m) => /spec\.template\.spec\.containers\[0\]\.image/.test(m)), JSON.stringify(drift));
    assert.ok(!drift.some((m) => /spec\.replicas/.test(m)), `replicas are not reported: ${JSON.stringify(drift)}`);
    // A full comparison (a reconcile requested by hand, or the first after a restart) leaves them too.
    await forceReconcile(api, ns);
    assert.equal(await replicas(api, ns, 'web'), 4, 'a full re-apply keeps the ignored replicas');
  });

  await t.test('drift while the controller is stopped is corrected after it starts again', async (t) => {
    const setupResult = await setup(t, info, 'drift-restart', (ns) => ({
      'apps/web.yaml': deploymentYaml(ns, 'web', 2),
      'apps/config.yaml': configMapYaml(ns, 'settings', { level: 'info' }),
    }));
    const { api, ns } = setupResult;
    const first: TestController = setupResult.ctrl;
    await first.stop();
    await editImage(api, deployRef(ns, 'web'), 'nginx:1.28-by-hand');
    assert.ok(await api.delete(cmRef(ns, 'settings')));

    const started = performance.now();
    await startController(t, info, { namespaces: [ns] });
    await timed('the image back to Git', async () => (await image(api, ns, 'web')) === GIT_IMAGE, 20_000);
    await timed('the ConfigMap recreated', async () => (await api.find(cmRef(ns, 'settings'))) !== undefined, 20_000);
    t.diagnostic(`controller start → drift corrected in ${Math.round(performance.now() - started)} ms`);
    const detected = await waitForEvent(api, ns, 'DriftDetected', (m) => m.includes(`Deployment/${ns}/web`));
    assert.match(detected, /spec\.template\.spec\.containers\[0\]\.image/);
    assert.deepEqual((await api.get<Data>(cmRef(ns, 'settings'))).data, { level: 'info' });
  });

  await t.test("a Secret changed by hand is corrected and the event names the key but never a value", async (t) => {
    const gitValue = 'git-Pa55word-q7Rk';
    const handValue = 'hand-Pa55word-Z3xw';
    const { api, ns, ctrl } = await setup(t, info, 'drift-secret', (ns) => ({
      'apps/secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n  namespace: ${ns}\ntype: Opaque\nstringData:\n  password: ${gitValue}\n  user: app\n`,
    }));
    assert.equal((await api.get<Data>(secretRef(ns, 'creds'))).data?.password, b64(gitValue));

    await api.mergePatch(secretRef(ns, 'creds'), { data: { password: b64(handValue) } });
    const ms = await timed('the Secret back to Git', async () => (await api.get<Data>(secretRef(ns, 'creds'))).data?.password === b64(gitValue));
    t.diagnostic(`Secret edit → corrected in ${ms} ms`);
    const detected = await waitForEvent(api, ns, 'DriftDetected', (m) => m.includes(`Secret/${ns}/creds`));
    assert.match(detected, /data\.password/);
    await waitForEvent(api, ns, 'DriftCorrected', (m) => m.includes(`Secret/${ns}/creds`));

    const secrets = [gitValue, handValue, b64(gitValue), b64(handValue)];
    const events = await eventsFor(api, ns, STACK);
    for (const e of events) for (const v of secrets) assert.ok(!e.message.includes(v), `event ${e.reason} reveals a value: ${e.message}`);
    const s = await waitForStack(api, ns, STACK, 'Ready', readyAt());
    const status = JSON.stringify(s.status);
    for (const v of secrets) assert.ok(!status.includes(v), `the Stack's status reveals a value: ${status}`);
    const log = await readFile(ctrl.logFile, 'utf8');
    for (const v of secrets) assert.ok(!log.includes(v), 'the controller log reveals a value');
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API_VERSION, type Receiver } from '../../src/api/index.ts';
import type { KubeObject } from '../../src/kube/types.ts';
import { waitFor } from '../cluster/http.ts';
import { readyCondition } from '../support/controller.ts';
import { parseTable, readyStack, runCli } from './read-support.ts';

test('governor get and export: providers, alerts and receivers with their readiness', async (t) => {
  const s = await readyStack(t, 'cli-get-notify');
  const kc = ['--kubeconfig', s.kubeconfig];
  const obj = (kind: string, name: string, spec: Record<string, unknown>) => ({ apiVersion: API_VERSION, kind, metadata: { name, namespace: s.ns }, spec }) as KubeObject;
  await s.api.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'hook', namespace: s.ns }, stringData: { token: 't0ken' } } as KubeObject);
  await s.api.apply(obj('Provider', 'chat', { type: 'slack', address: 'https://hooks.example.com/services/x' }));
  await s.api.apply(obj('Alert', 'on-call', { providerRef: { name: 'chat' }, eventSeverity: 'error', eventSources: [{ kind: 'Stack', name: '*' }] }));
  await s.api.apply(obj('Receiver', 'github', { type: 'github', secretRef: { name: 'hook' }, resources: [{ kind: 'GitRepository', name: 'platform' }] }));
  for (const kind of ['Provider', 'Alert', 'Receiver']) {
    await waitFor(`${kind} Ready`, async () => {
      const list = await s.api.listAll<Receiver>(API_VERSION, kind, s.ns);
      return list.items.every((o) => readyCondition(o)?.status === 'True');
    }, 20_000);
  }

  const providers = parseTable((await runCli(['get', 'providers', ...kc])).out);
  assert.deepEqual(providers.headers, ['NAME', 'TYPE', 'READY', 'STATUS', 'SUSPENDED', 'AGE']);
  assert.deepEqual(providers.rows[0]!.slice(0, 3), ['chat', 'slack', 'True']);
  const alerts = parseTable((await runCli(['get', 'alerts', ...kc])).out);
  assert.deepEqual(alerts.headers, ['NAME', 'PROVIDER', 'SEVERITY', 'READY', 'STATUS', 'SUSPENDED', 'AGE']);
  assert.deepEqual(alerts.rows[0]!.slice(0, 4), ['on-call', 'chat', 'error', 'True']);
  const receivers = parseTable((await runCli(['get', 'receivers', '-o', 'wide', ...kc])).out);
  assert.deepEqual(receivers.headers, ['NAME', 'TYPE', 'READY', 'STATUS', 'SUSPENDED', 'AGE', 'PATH']);
  assert.match(receivers.rows[0]![6]!, /^\/hook\/[0-9a-f]{64}$/);

  const all = (await runCli(['get', 'all', '-o', 'name', ...kc])).out.trim().split('\n');
  assert.deepEqual(all, [
    'gitrepository.governor.dev/platform',
    'stack.governor.dev/web',
    'provider.governor.dev/chat',
    'alert.governor.dev/on-call',
    'receiver.governor.dev/github',
  ]);
  const exported = (await runCli(['export', 'all', ...kc])).out;
  assert.match(exported, /kind: Provider\n/);
  assert.match(exported, /kind: Receiver\n/);
  assert.ok(!exported.includes('webhookPath'), 'export leaves status out');
  const unknown = await runCli(['tree', 'alert', 'on-call', ...kc]);
  assert.equal(unknown.code, 2, 'tree is for Stacks');
});

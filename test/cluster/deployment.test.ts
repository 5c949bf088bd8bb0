import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiRequest } from './client.ts';
import { waitFor } from './http.ts';
import { testCluster, testNamespace } from '../support/cluster.ts';

interface Deployment {
  status?: { availableReplicas?: number; conditions?: { type: string; status: string }[] };
}
interface PodList {
  items: { spec: { nodeName?: string }; status: { phase?: string } }[];
}

test('a Deployment with 3 replicas becomes Available, its Pods scheduled onto kwok nodes and Running', async (t) => {
  const cluster = await testCluster(t);
  const ns = await testNamespace(t, cluster, 'deploy');
  const created = await apiRequest(cluster, 'POST', `/apis/apps/v1/namespaces/${ns}/deployments`, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
      },
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));

  await waitFor(
    'Deployment web Available with 3 replicas',
    async () => {
      const d = (await apiRequest<Deployment>(cluster, 'GET', `/apis/apps/v1/namespaces/${ns}/deployments/web`)).body;
      const available = d.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True');
      return Boolean(available) && d.status?.availableReplicas === 3;
    },
    60_000,
  );
  const pods = (await apiRequest<PodList>(cluster, 'GET', `/api/v1/namespaces/${ns}/pods?labelSelector=app%3Dweb`)).body;
  assert.equal(pods.items.length, 3);
  for (const pod of pods.items) {
    assert.match(pod.spec.nodeName ?? '', /^kwok-node-\d+$/);
    assert.equal(pod.status.phase, 'Running');
  }
});

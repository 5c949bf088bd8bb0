import type { TestContext } from 'node:test';
import { randomBytes } from 'node:crypto';
import { apiRequest, readClusterInfo, type ClusterInfo } from '../cluster/client.ts';
import { LocalCluster } from '../cluster/cluster.ts';
import { KubeApi } from '../../src/kube/api.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { connectionFrom, loadKubeConfig } from '../../src/kube/config.ts';

/**
 * The shared cluster of this test run (started by the global setup), or, when a test file is
 * run on its own, a cluster of its own that stops when the test ends.
 */
export async function testCluster(t: TestContext): Promise<ClusterInfo> {
  const path = process.env.GOVERNOR_TEST_CLUSTER;
  if (path) return readClusterInfo(path);
  const cluster = await new LocalCluster().start();
  t.after(() => cluster.stop());
  return cluster.info();
}

/** A fresh namespace for one test, deleted when it ends. */
export async function testNamespace(t: TestContext, info: ClusterInfo, prefix = 'test'): Promise<string> {
  const name = `${prefix}-${randomBytes(4).toString('hex')}`;
  const res = await apiRequest(info, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  if (res.status !== 201) throw new Error(`creating namespace ${name}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  // A cluster of the test's own may already be stopped when this runs; then the namespace is gone too.
  t.after(() => apiRequest(info, 'DELETE', `/api/v1/namespaces/${name}`).catch(() => undefined));
  return name;
}

/**
 * Governor's own Kubernetes API layer, connected to the test cluster as its admin. A userAgent
 * other than the controller's (`governor`) tells the test's requests apart in the audit log.
 */
export async function testKubeApi(t: TestContext, info: ClusterInfo, opts: { userAgent?: string } = {}): Promise<KubeApi> {
  const client = new KubeClient(await connectionFrom(loadKubeConfig({ kubeconfig: info.kubeconfigPath })), opts.userAgent ? { userAgent: opts.userAgent } : {});
  t.after(() => client.close());
  return new KubeApi(client);
}

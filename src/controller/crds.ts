import { allCrds } from '../api/index.ts';
import type { KubeApi } from '../kube/api.ts';

/** Applies Governor's CRDs (server-side, idempotent) and waits until the API server serves them. */
export async function installCrds(api: KubeApi, timeoutMs = 30_000): Promise<void> {
  const crds = allCrds();
  for (const crd of crds) await api.apply(crd as never);
  const deadline = Date.now() + timeoutMs;
  for (const crd of crds) {
    for (;;) {
      const live = await api.get<{ apiVersion: string; kind: string; metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }>({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        name: crd.metadata.name,
      });
      if (live.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > deadline) throw new Error(`CRD ${crd.metadata.name} not established after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  api.mapper.invalidate();
}

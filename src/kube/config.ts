import { KubeConfig } from '@kubernetes/client-node';
import type { AgentOptions } from 'node:https';

/**
 * Where and how to reach an API server. @kubernetes/client-node is used for exactly this —
 * reading kubeconfig files, in-cluster service accounts and auth plugins — and nothing else:
 * its typed serializer drops unknown fields and must never see user manifests.
 */
export interface Connection {
  server: string;
  tls: AgentOptions;
  /** Current auth headers; refreshed by the caller's schedule (tokens rotate). */
  authHeaders(): Promise<Record<string, string>>;
  /** The default namespace of the kubeconfig context. */
  namespace: string;
  contextName: string;
}

export interface KubeConfigOptions {
  /** A kubeconfig file; absent means $KUBECONFIG, ~/.kube/config, or the in-cluster service account. */
  kubeconfig?: string;
  context?: string;
  /** Force the in-cluster service account even if a kubeconfig exists. */
  inCluster?: boolean;
}

export function loadKubeConfig(opts: KubeConfigOptions = {}): KubeConfig {
  const kc = new KubeConfig();
  if (opts.inCluster) kc.loadFromCluster();
  else if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
  else kc.loadFromDefault();
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) throw new Error(`context "${opts.context}" not found in kubeconfig`);
    kc.setCurrentContext(opts.context);
  }
  return kc;
}

export async function connectionFrom(kc: KubeConfig): Promise<Connection> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const scratch: { ca?: unknown; cert?: unknown; key?: unknown; rejectUnauthorized?: boolean; servername?: string } = {};
  await kc.applyToHTTPSOptions(scratch as never);
  const tls: AgentOptions = {};
  if (scratch.ca) tls.ca = scratch.ca as Buffer;
  if (scratch.cert) tls.cert = scratch.cert as Buffer;
  if (scratch.key) tls.key = scratch.key as Buffer;
  if (cluster.skipTLSVerify) tls.rejectUnauthorized = false;
  if (cluster.tlsServerName) tls.servername = cluster.tlsServerName;
  const ctx = kc.getContextObject(kc.getCurrentContext());
  return {
    server: cluster.server.replace(/\/+$/, ''),
    tls,
    namespace: ctx?.namespace ?? 'default',
    contextName: kc.getCurrentContext(),
    authHeaders: async () => {
      const opts: { headers?: Record<string, string>; auth?: string } = {};
      await kc.applyToHTTPSOptions(opts as never);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(opts.headers ?? {})) headers[k] = String(v);
      if (opts.auth) headers.Authorization = 'Basic ' + Buffer.from(opts.auth).toString('base64');
      return headers;
    },
  };
}

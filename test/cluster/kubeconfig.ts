import { stringify } from 'yaml';

/** The kubeconfig shape kubectl and @kubernetes/client-node read (only the fields we set). */
export interface KubeConfigObject {
  apiVersion: 'v1';
  kind: 'Config';
  'current-context': string;
  clusters: { name: string; cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { name: string; user: { token: string } }[];
  contexts: { name: string; context: { cluster: string; user: string; namespace?: string } }[];
}

export function buildKubeConfig(opts: { name: string; server: string; caPem: string; token: string }): KubeConfigObject {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': opts.name,
    clusters: [
      { name: opts.name, cluster: { server: opts.server, 'certificate-authority-data': Buffer.from(opts.caPem).toString('base64') } },
    ],
    users: [{ name: `${opts.name}-admin`, user: { token: opts.token } }],
    contexts: [{ name: opts.name, context: { cluster: opts.name, user: `${opts.name}-admin` } }],
  };
}

export function kubeConfigYaml(cfg: KubeConfigObject): string {
  return stringify(cfg);
}

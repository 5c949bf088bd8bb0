/** What `bootstrap` commits next to the installation: the GitRepository and Stack that manage it. */
import { API_VERSION, Labels } from '../api/index.ts';
import type { GitAuth } from '../source/exec.ts';
import type { KubeObject } from '../kube/types.ts';
import { DEFAULT_NAMESPACE } from './manifests.ts';

export interface SyncOptions {
  url: string;
  branch: string;
  /** Repository-relative, already normalised ("" for the root). */
  path: string;
  interval: string;
  namespace?: string;
  /** The Secret with the credentials, when there are any. */
  secretName?: string;
}

/** The one name used for the GitRepository, the Stack and the credentials Secret, like Flux's flux-system. */
export function syncName(namespace = DEFAULT_NAMESPACE): string {
  return namespace;
}

export function syncManifests(opts: SyncOptions): KubeObject[] {
  const namespace = opts.namespace ?? DEFAULT_NAMESPACE;
  const name = syncName(namespace);
  return [
    {
      apiVersion: API_VERSION,
      kind: 'GitRepository',
      metadata: { name, namespace },
      spec: {
        url: opts.url,
        ref: { branch: opts.branch },
        interval: opts.interval,
        ...(opts.secretName ? { secretRef: { name: opts.secretName } } : {}),
      },
    },
    {
      apiVersion: API_VERSION,
      kind: 'Stack',
      metadata: { name, namespace },
      spec: {
        sourceRef: { kind: 'GitRepository', name },
        path: opts.path === '' ? './' : `./${opts.path}`,
        interval: opts.interval,
        prune: true,
      },
    },
  ];
}

/** The credentials Secret, in the layout GitRepository reads (Flux's): never written to Git. */
export function credentialsSecret(name: string, namespace: string, auth: GitAuth): KubeObject {
  const data: Record<string, string> = {};
  const put = (key: string, value: string | undefined) => {
    if (value !== undefined) data[key] = Buffer.from(value).toString('base64');
  };
  put('username', auth.username);
  put('password', auth.password);
  put('bearerToken', auth.bearerToken);
  put('identity', auth.sshPrivateKey);
  put('known_hosts', auth.knownHosts);
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, type: 'Opaque', data };
}

/**
 * The labels the self-managing Stack puts on what it applies. `bootstrap` applies with them too,
 * so running it again (same field manager) leaves those objects exactly as the Stack keeps them.
 */
export function withStackLabels(objects: readonly KubeObject[], namespace = DEFAULT_NAMESPACE): KubeObject[] {
  const name = syncName(namespace);
  return objects.map((o) => {
    const obj = structuredClone(o);
    obj.metadata.labels = { ...obj.metadata.labels, [Labels.StackName]: name, [Labels.StackNamespace]: namespace };
    return obj;
  });
}

/**
 * What the notification dispatcher and the webhook server need from the controller: the cached
 * Alerts, Providers, Receivers, Stacks and sources, Secrets read when needed, and the annotation
 * that asks for a reconcile now. Kept here so neither module knows about informers.
 */
import { API_VERSION, Annotations, type Alert, type GitRepository, type Provider, type Receiver, type ReceiverResource, type Stack } from '../../api/index.ts';
import type { KubeApi } from '../../kube/api.ts';
import type { KubeObject } from '../../kube/types.ts';
import type { Logger } from '../../log.ts';
import type { NotificationEvent } from '../../notification/event.ts';
import { globMatches } from '../../glob.ts';
import { webhookPath } from '../../receiver/path.ts';
import { readSecretData } from '../secrets.ts';

/** The read side of the controller's caches; the Manager is one. */
export interface CacheReader {
  cached<T extends KubeObject>(kind: 'GitRepository' | 'Stack' | 'Provider' | 'Alert' | 'Receiver'): T[];
  find<T extends KubeObject>(kind: 'GitRepository' | 'Stack' | 'Provider' | 'Alert' | 'Receiver', namespace: string, name: string): T | undefined;
}

export function notifierSources(cache: CacheReader, api: KubeApi) {
  return {
    alerts: (): readonly Alert[] => cache.cached<Alert>('Alert').filter((a) => !a.metadata.deletionTimestamp),
    provider: (namespace: string, name: string): Provider | undefined => cache.find<Provider>('Provider', namespace, name),
    readSecret: (namespace: string, name: string) => readSecretData(api, namespace, name),
    sourceUrl: async (event: NotificationEvent): Promise<string | undefined> => {
      const { kind, namespace, name } = event.involvedObject;
      if (kind === 'GitRepository') return cache.find<GitRepository>('GitRepository', namespace, name)?.spec.url;
      if (kind !== 'Stack') return undefined;
      const ref = cache.find<Stack>('Stack', namespace, name)?.spec.sourceRef;
      return ref ? cache.find<GitRepository>('GitRepository', ref.namespace ?? namespace, ref.name)?.spec.url : undefined;
    },
  };
}

function selects(resource: ReceiverResource, receiverNamespace: string, obj: KubeObject): boolean {
  const namespace = resource.namespace ?? receiverNamespace;
  return (
    obj.kind === resource.kind &&
    globMatches(namespace, obj.metadata.namespace ?? '') &&
    globMatches(resource.name, obj.metadata.name) &&
    Object.entries(resource.matchLabels ?? {}).every(([k, v]) => obj.metadata.labels?.[k] === v)
  );
}

export function receiverTargets(cache: CacheReader, receiver: Receiver): KubeObject[] {
  const ns = receiver.metadata.namespace!;
  const out: KubeObject[] = [];
  for (const kind of ['GitRepository', 'Stack'] as const) {
    const wanted = receiver.spec.resources.filter((r) => r.kind === kind);
    if (!wanted.length) continue;
    for (const obj of cache.cached(kind)) if (wanted.some((r) => selects(r, ns, obj))) out.push(obj);
  }
  return out;
}

export function receiverHooks(cache: CacheReader, api: KubeApi, log: Logger, now: () => Date = () => new Date()) {
  return {
    /**
     * The Receiver published at this path, if its Secret still derives the same path: a rotated
     * token retires the old path at once, before the Receiver's status catches up.
     */
    lookup: async (path: string): Promise<{ receiver: Receiver; token: string } | undefined> => {
      const receiver = cache.cached<Receiver>('Receiver').find((r) => r.status?.webhookPath === path && !r.spec.suspend && !r.metadata.deletionTimestamp);
      if (!receiver) return undefined;
      const { namespace, name } = receiver.metadata as { namespace: string; name: string };
      const token = (await readSecretData(api, namespace, receiver.spec.secretRef.name))?.token;
      if (!token || webhookPath(token, name, namespace) !== path) return undefined;
      return { receiver, token };
    },
    /** The same request `governor reconcile` makes: the annotation, which whichever replica leads acts on. */
    trigger: async (receiver: Receiver, event: string | undefined): Promise<void> => {
      const targets = receiverTargets(cache, receiver);
      const requestedAt = now().toISOString();
      await Promise.all(
        targets.map((t) =>
          api.mergePatch(
            { apiVersion: API_VERSION, kind: t.kind, namespace: t.metadata.namespace, name: t.metadata.name },
            { metadata: { annotations: { [Annotations.ReconcileRequestedAt]: requestedAt } } },
          ),
        ),
      );
      log.info(
        { kind: 'Receiver', namespace: receiver.metadata.namespace, name: receiver.metadata.name, event, targets: targets.map((t) => `${t.kind}/${t.metadata.namespace}/${t.metadata.name}`) },
        'webhook accepted: reconcile requested',
      );
    },
  };
}

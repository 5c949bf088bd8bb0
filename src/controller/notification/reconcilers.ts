/**
 * Provider, Alert and Receiver have no loop of their own: their reconcile checks the spec and its
 * references, and says in the Ready condition whether notifications or webhooks will work.
 * Delivery (notification/) and webhook handling (receiver/) read them from the informer caches.
 */
import { API_VERSION, validateSpec, type Alert, type Provider, type Receiver } from '../../api/index.ts';
import { ErrorCodes } from '../../errors.ts';
import type { KubeApi } from '../../kube/api.ts';
import type { WorkResult } from '../../kube/workqueue.ts';
import type { Logger } from '../../log.ts';
import { compileAlert } from '../../notification/match.ts';
import { validateProvider } from '../../notification/dispatcher.ts';
import { webhookPath } from '../../receiver/path.ts';
import { findCondition, outcomeConditions } from '../conditions.ts';
import type { EventSink } from '../events.ts';
import { readSecretData } from '../secrets.ts';
import { patchStatus, sameJson } from '../status.ts';

export interface NotificationDeps {
  api: KubeApi;
  events: EventSink;
  log: Logger;
  now?: () => Date;
}

type Outcome = { ready: 'True' | 'False'; reason: string; message: string; stalled?: boolean };
type Kind = 'Provider' | 'Alert' | 'Receiver';
type Obj = Provider | Alert | Receiver;

/** Secrets change without telling us; look again now and then so Ready stays true to them. */
const RECHECK_MS = 5 * 60_000;

async function finish(obj: Obj, deps: NotificationDeps, outcome: Outcome, extra: Record<string, unknown> = {}): Promise<void> {
  const generation = obj.metadata.generation;
  const conditions = outcomeConditions(obj.status?.conditions, outcome, generation, (deps.now ?? (() => new Date()))());
  const next = { ...obj.status, ...extra, observedGeneration: generation, conditions };
  if (sameJson(obj.status ?? {}, next)) return;
  await patchStatus(deps.api, obj, next);
  const before = findCondition(obj.status?.conditions, 'Ready');
  if (before?.status !== outcome.ready || before?.message !== outcome.message) {
    await deps.events
      .record(obj, outcome.ready === 'True' ? 'Normal' : 'Warning', outcome.reason, outcome.message)
      .catch((err: unknown) => deps.log.warn({ err: (err as Error).message }, 'event not recorded'));
  }
}

async function load<T extends Obj>(deps: NotificationDeps, kind: Kind, namespace: string, name: string): Promise<T | undefined> {
  const obj = await deps.api.find<T>({ apiVersion: API_VERSION, kind, namespace, name });
  return obj && !obj.metadata.deletionTimestamp ? obj : undefined;
}

function invalid(kind: Kind, obj: Obj): Outcome | undefined {
  const checked = validateSpec(kind, obj.spec);
  return checked.ok ? undefined : { ready: 'False', reason: ErrorCodes.InvalidSpec, message: checked.error.message, stalled: true };
}

export async function reconcileProvider(namespace: string, name: string, deps: NotificationDeps): Promise<WorkResult> {
  const provider = await load<Provider>(deps, 'Provider', namespace, name);
  if (!provider) return {};
  const bad = invalid('Provider', provider);
  if (bad) return finish(provider, deps, bad).then(() => ({}));
  const secretName = provider.spec.secretRef?.name;
  const secret = secretName ? await readSecretData(deps.api, namespace, secretName) : undefined;
  if (secretName && !secret) {
    await finish(provider, deps, { ready: 'False', reason: ErrorCodes.SecretNotFound, message: `secret ${namespace}/${secretName} referenced by spec.secretRef does not exist` });
    return { requeueAfterMs: RECHECK_MS };
  }
  const problems = validateProvider(provider, secret);
  await finish(
    provider,
    deps,
    problems.length
      ? { ready: 'False', reason: ErrorCodes.InvalidProvider, message: problems.join('; ') }
      : { ready: 'True', reason: 'Succeeded', message: provider.spec.suspend ? 'suspended: nothing is sent' : `${provider.spec.type} provider ready` },
  );
  return { requeueAfterMs: RECHECK_MS };
}

export async function reconcileAlert(
  namespace: string,
  name: string,
  deps: NotificationDeps & { provider(namespace: string, name: string): Provider | undefined },
): Promise<WorkResult> {
  const alert = await load<Alert>(deps, 'Alert', namespace, name);
  if (!alert) return {};
  const bad = invalid('Alert', alert);
  if (bad) return finish(alert, deps, bad).then(() => ({}));
  const problems = compileAlert(alert).errors;
  if (problems.length) {
    await finish(alert, deps, { ready: 'False', reason: ErrorCodes.InvalidAlert, message: problems.join('; '), stalled: true });
    return {};
  }
  const provider = deps.provider(namespace, alert.spec.providerRef.name);
  if (!provider) {
    await finish(alert, deps, { ready: 'False', reason: ErrorCodes.ProviderNotFound, message: `provider ${namespace}/${alert.spec.providerRef.name} does not exist` });
    return { requeueAfterMs: RECHECK_MS };
  }
  await finish(alert, deps, { ready: 'True', reason: 'Succeeded', message: `sending to ${provider.spec.type} provider ${provider.metadata.name}` });
  return {};
}

export async function reconcileReceiver(namespace: string, name: string, deps: NotificationDeps): Promise<WorkResult> {
  const receiver = await load<Receiver>(deps, 'Receiver', namespace, name);
  if (!receiver) return {};
  const bad = invalid('Receiver', receiver);
  if (bad) return finish(receiver, deps, bad).then(() => ({}));
  const secretName = receiver.spec.secretRef.name;
  const token = (await readSecretData(deps.api, namespace, secretName))?.token;
  if (!token) {
    await finish(receiver, deps, {
      ready: 'False',
      reason: ErrorCodes.SecretNotFound,
      message: `secret ${namespace}/${secretName} referenced by spec.secretRef does not exist or has no 'token' key`,
    });
    return { requeueAfterMs: RECHECK_MS };
  }
  const path = webhookPath(token, name, namespace);
  await finish(
    receiver,
    deps,
    { ready: 'True', reason: 'Succeeded', message: receiver.spec.suspend ? 'suspended: calls are refused' : `receiver ready at ${path}` },
    { webhookPath: path },
  );
  return { requeueAfterMs: RECHECK_MS };
}

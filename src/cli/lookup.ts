/**
 * What the read verbs (get, describe, tree, events, export) share: the words users type for our
 * kinds, fetching one object with a not-found error scripts can test, and the short forms of
 * revisions and conditions that tables show.
 */
import { API_VERSION, type Condition } from '../api/index.ts';
import { findCondition } from '../controller/conditions.ts';
import type { KubeApi } from '../kube/api.ts';
import { isNotFound } from '../kube/client.ts';
import type { KubeObject } from '../kube/types.ts';
import { CliError } from './context.ts';

export type GovernorKind = 'Stack' | 'GitRepository' | 'Provider' | 'Alert' | 'Receiver';

export interface KindInfo {
  kind: GovernorKind;
  /** The word messages use: `stack`, `source`. */
  word: string;
}

export const STACK: KindInfo = { kind: 'Stack', word: 'stack' };
export const SOURCE: KindInfo = { kind: 'GitRepository', word: 'source' };
export const PROVIDER: KindInfo = { kind: 'Provider', word: 'provider' };
export const ALERT: KindInfo = { kind: 'Alert', word: 'alert' };
export const RECEIVER: KindInfo = { kind: 'Receiver', word: 'receiver' };
/** The kinds that only configure notifications and webhooks: listed and exported, but no tree or describe. */
const NOTIFICATION_KINDS: readonly KindInfo[] = [PROVIDER, ALERT, RECEIVER];

const aliases: Record<string, KindInfo> = {
  stack: STACK,
  stacks: STACK,
  st: STACK,
  stk: STACK,
  source: SOURCE,
  sources: SOURCE,
  gitrepository: SOURCE,
  gitrepositories: SOURCE,
  gitrepo: SOURCE,
  gitrepos: SOURCE,
  'stack.governor.dev': STACK,
  'stacks.governor.dev': STACK,
  'gitrepository.governor.dev': SOURCE,
  'gitrepositories.governor.dev': SOURCE,
};

const notificationAliases: Record<string, KindInfo> = {
  provider: PROVIDER,
  providers: PROVIDER,
  'alert-provider': PROVIDER,
  'alert-providers': PROVIDER,
  alert: ALERT,
  alerts: ALERT,
  receiver: RECEIVER,
  receivers: RECEIVER,
};

/**
 * The kinds a word names; `all` (when allowed) is every kind, sources first since Stacks use
 * them. Provider, Alert and Receiver only where `notifications` says the verb handles them.
 */
export function resolveKinds(word: string, allowAll: boolean, opts: { notifications?: boolean } = {}): KindInfo[] {
  const w = word.toLowerCase();
  if (allowAll && w === 'all') return [SOURCE, STACK, ...(opts.notifications ? NOTIFICATION_KINDS : [])];
  const k = aliases[w] ?? (opts.notifications ? (notificationAliases[w] ?? notificationAliases[w.replace(/\.governor\.dev$/, '')]) : undefined);
  if (!k) {
    const also = opts.notifications ? ', provider, alert, receiver' : '';
    throw new CliError(`unknown kind "${word}"`, { hint: `use stack or source${also}${allowAll ? ' or all' : ''}` });
  }
  return [k];
}

/** One object, or exit code 1 with a message naming what was not found where. */
export async function getObject<T extends KubeObject>(api: KubeApi, k: KindInfo, namespace: string, name: string): Promise<T> {
  try {
    return await api.get<T>({ apiVersion: API_VERSION, kind: k.kind, namespace, name });
  } catch (err) {
    if (isNotFound(err)) {
      throw new CliError(`${k.kind} "${name}" not found in namespace "${namespace}"`, {
        exitCode: 1,
        hint: `list them with: governor get ${k.word}s -n ${namespace}`,
      });
    }
    throw err;
  }
}

/** Objects of one kind in a namespace, or in all of them when namespace is undefined, sorted. */
export async function listObjects<T extends KubeObject>(api: KubeApi, k: KindInfo, namespace: string | undefined): Promise<T[]> {
  const list = await api.listAll<T>(API_VERSION, k.kind, namespace);
  return list.items
    // Items of a list may come without apiVersion and kind; output must carry them.
    .map((o) => ({ ...o, apiVersion: API_VERSION, kind: k.kind }) as T)
    .sort((a, b) => (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') || a.metadata.name.localeCompare(b.metadata.name));
}

/** `main@sha1:<40 hex>` → `main@sha1:<12 hex>`: enough to find the commit, short enough for a table. */
export function shortRevision(revision: string | undefined): string {
  if (!revision) return '';
  return revision.replace(/(sha1:|sha256:)([0-9a-f]{12})[0-9a-f]+$/, '$1$2');
}

export function truncate(text: string, max: number): string {
  const oneLine = text.replace(/\s*\n\s*/g, ' ');
  return oneLine.length > max ? oneLine.slice(0, max - 1) + '…' : oneLine;
}

type WithConditions = KubeObject & { status?: { conditions?: Condition[] } };

/** The Ready condition as a table shows it: status (Unknown before the first reconcile) and message. */
export function readiness(obj: WithConditions): { ready: string; message: string; reason: string } {
  const c = findCondition(obj.status?.conditions, 'Ready');
  return { ready: c?.status ?? 'Unknown', message: c?.message ?? '', reason: c?.reason ?? '' };
}

/** A copy without managedFields, which kubectl also hides unless asked: noise to a reader. */
export function withoutManagedFields<T extends KubeObject>(obj: T): T {
  const { managedFields: _managedFields, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

export { eventTime, sortEvents, type CoreEvent } from '../kube/events.ts';

/**
 * Staged server-side apply of a Stack's rendered objects (DESIGN.md §3 steps 4–5).
 *
 * Nothing is written until every object's kind is known to the cluster (or defined by a CRD in
 * the same batch) and every object has passed a server-side dry run, so a typo or a refusal
 * (validation, admission, RBAC of an impersonated account) in one manifest cannot leave a
 * revision half-applied. The exception is an object behind a stage that writes (a new Namespace,
 * a changed CRD or class): its verdict may depend on that stage, so it is judged again at its own
 * stage, and a refusal there still stops that stage before it writes. An object is only really
 * applied when its dry run differs from the live object, so unchanged objects keep their
 * resourceVersion and watchers see no churn.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Annotations, ApplyPolicies, Labels } from '../api/constants.ts';
import { ErrorCodes, GovernorError } from '../errors.ts';
import type { KubeApi } from '../kube/api.ts';
import { apiStatusCode, type ApiStatus } from '../kube/client.ts';
import type { ResourceMapping } from '../kube/discovery.ts';
import { describeRef, refOf, type KubeObject, type ObjectRef } from '../kube/types.ts';
import { driftPaths } from './drift-compare.ts';
import { toEntry } from './inventory.ts';
import { splitApiVersion } from './objects.ts';
import { applyStages } from './order.ts';
import type { Obj } from './types.ts';

export type ApplyAction = 'created' | 'configured' | 'unchanged' | 'skipped' | 'recreated';

export type ApplyChange = {
  ref: ObjectRef;
  /** Inventory id (`<namespace>_<name>_<group>_<kind>`). */
  id: string;
  action: ApplyAction;
  /** The live object after this apply; absent for objects never applied (`ignore`). */
  object?: KubeObject;
  /** For `configured`: where the live object differed (dotted paths, capped). */
  drift?: string[];
};

/** `message` is the API server's (or the waiting's) words; `ref` names the object. */
export type ApplyFailure = { ref: ObjectRef; message: string };

export type ApplyResult = { changes: ApplyChange[]; failures: ApplyFailure[] };

export type ApplyObjectsOptions = {
  owner: { name: string; namespace: string };
  /** Delete and re-create objects whose apply is refused because an immutable field changed. */
  force?: boolean;
  /** Objects applied in parallel within a stage; default 8. */
  concurrency?: number;
  /** How long to wait for CRDs to be established and Namespaces to be active; default 60 s. */
  crdTimeoutMs?: number;
  /** How long a forced re-create waits for the old object to be gone; default 60 s. */
  recreateTimeoutMs?: number;
  /**
   * Awaited once, right before the first write; not at all when nothing is written (every object
   * unchanged, or the apply refused before writing). The reconciler records its write-ahead
   * inventory here, so a revision that fails before writing leaves the inventory as it was.
   */
  beforeFirstWrite?: () => Promise<void>;
  /** Plan only: every object is dry-run and compared, nothing is written (drift in `warn` mode). */
  dryRun?: boolean;
  /**
   * The live object, when the caller knows without asking that applying `input` (as given, before
   * owner labels) would change nothing: it applied the very same object before and its watch has
   * seen no drift since. Such objects get no dry run, so a commit that changes 1% of a big Stack
   * costs 1% of the requests.
   */
  knownUnchanged?: (input: KubeObject, id: string) => KubeObject | undefined;
  signal?: AbortSignal;
};

type Prepared = {
  /** The object as the caller gave it. */
  input: KubeObject;
  obj: KubeObject;
  ref: ObjectRef;
  id: string;
  policy: string | undefined;
  /** Undefined while its kind waits for a CRD of the same batch. */
  mapping: ResourceMapping | undefined;
};

const defaultConcurrency = 8;
const defaultWaitMs = 60_000;
const pollMs = 250;
// Dry run and read again at most this often when the object keeps moving under us.
const planAttempts = 3;

/** Applies the objects in stages; refusals are returned, not thrown. Throws before any write on unknown kinds. */
export async function applyObjects(api: KubeApi, objects: readonly KubeObject[], opts: ApplyObjectsOptions): Promise<ApplyResult> {
  const prepared = await prepare(api, objects, opts);
  const byObject = new Map(prepared.map((p) => [p.obj, p]));
  const stages = applyStages(prepared.map((p) => p.obj as Obj)).map((stage) => stage.map((o) => byObject.get(o as KubeObject) as Prepared));

  const concurrency = opts.concurrency ?? defaultConcurrency;
  // Every object is dry-run before the first write. A refusal is final when no earlier stage
  // writes anything (its verdict cannot depend on one): then nothing at all is applied. Behind a
  // stage that writes (a new Namespace, a changed CRD or class), objects are judged again at their
  // own stage, against what it wrote.
  const early = new Map(
    await mapLimited(prepared.filter((p) => p.mapping), concurrency, async (p) => [p, await planOne(api, p, opts)] as const),
  );
  const plans = new Map<Prepared, Plan>();
  const refused: ApplyFailure[] = [];
  for (const stage of stages) {
    let writes = false;
    for (const p of stage) {
      const plan = early.get(p);
      if (plan && 'p' in plan) plans.set(p, plan);
      else if (plan) refused.push(plan);
      writes ||= !plan || !('p' in plan) || (plan.action !== 'unchanged' && plan.action !== 'skipped');
    }
    if (writes) break;
  }
  if (refused.length > 0) return { changes: [], failures: refused };

  const changes: ApplyChange[] = [];
  const failures: ApplyFailure[] = [];
  let beforeFirstWrite = opts.beforeFirstWrite;
  for (const stage of stages) {
    opts.signal?.throwIfAborted();
    const deferred = stage.filter((p) => !p.mapping);
    const unresolved = deferred.length > 0 ? await resolveDeferred(api, deferred, opts) : [];
    for (const p of unresolved) {
      failures.push({ ref: p.ref, message: `kind ${p.obj.kind} (${p.obj.apiVersion}) is still not served by the cluster after its CRD was applied` });
    }
    const ready = stage.filter((p) => p.mapping);
    const stagePlans = await mapLimited(ready, concurrency, async (p) => plans.get(p) ?? planOne(api, p, opts));
    for (const plan of stagePlans) if (!('p' in plan)) failures.push({ ref: plan.ref, message: plan.message });
    // A refusal in this stage stops it before it writes anything.
    if (failures.length > 0) break;
    if (!opts.dryRun && beforeFirstWrite && (stagePlans as Plan[]).some((plan) => plan.action !== 'unchanged' && plan.action !== 'skipped')) {
      const call = beforeFirstWrite;
      beforeFirstWrite = undefined;
      await call();
    }
    const results = await mapLimited(stagePlans as Plan[], concurrency, (plan) => writeOne(api, plan, opts));
    for (const r of results) {
      if ('action' in r) changes.push(r);
      else failures.push(r);
    }
    if (failures.length === 0 && !opts.dryRun) failures.push(...(await waitForDefinitions(api, stage, opts)));
    // Later stages depend on this one (CRDs, Namespaces, classes): applying them now would only
    // add failures that hide the one that matters.
    if (failures.length > 0) break;
  }
  return { changes, failures };
}

/** Owner labels, mappings and the checks that must pass before the first write. */
async function prepare(api: KubeApi, objects: readonly KubeObject[], opts: ApplyObjectsOptions): Promise<Prepared[]> {
  const crds = objects.filter((o) => isCrd(o) && o.metadata.annotations?.[Annotations.Apply] !== ApplyPolicies.Ignore);
  const unknown: string[] = [];
  const noNamespace: string[] = [];
  const prepared = await Promise.all(
    objects.map(async (input): Promise<Prepared> => {
      const obj = withOwnerLabels(input, opts.owner);
      const mapping = await api.mapper.tryMapping(obj.apiVersion, obj.kind);
      let namespaced = mapping?.namespaced;
      if (!mapping) {
        const crd = crds.find((c) => crdServes(c, obj.apiVersion, obj.kind));
        if (!crd) unknown.push(`${describeRef(refOf(obj))} (${obj.apiVersion})`);
        namespaced = (crd?.spec as { scope?: string } | undefined)?.scope !== 'Cluster';
      }
      if (namespaced === false) delete obj.metadata.namespace;
      else if (!obj.metadata.namespace) noNamespace.push(describeRef(refOf(obj)));
      return {
        input,
        obj,
        ref: refOf(obj),
        id: toEntry(obj as Obj).id,
        policy: obj.metadata.annotations?.[Annotations.Apply],
        mapping,
      };
    }),
  );
  if (unknown.length > 0) {
    unknown.sort();
    throw new GovernorError(
      ErrorCodes.UnknownKind,
      `nothing applied: the cluster does not know the kind of ${unknown.length === 1 ? 'this object' : `${unknown.length} objects`}: ${unknown.join(', ')}`,
      { details: { objects: unknown } },
    );
  }
  if (noNamespace.length > 0) {
    noNamespace.sort();
    throw new GovernorError(ErrorCodes.ApplyFailed, `nothing applied: namespace required for ${noNamespace.join(', ')}`, {
      details: { objects: noNamespace },
    });
  }
  return prepared;
}

function withOwnerLabels(input: KubeObject, owner: { name: string; namespace: string }): KubeObject {
  const obj = structuredClone(input);
  obj.metadata.labels = { ...obj.metadata.labels, [Labels.StackName]: owner.name, [Labels.StackNamespace]: owner.namespace };
  return obj;
}

type CrdSpec = {
  group?: string;
  scope?: string;
  names?: { kind?: string };
  versions?: { name?: string; served?: boolean }[];
};

function isNamespace(obj: KubeObject): boolean {
  return obj.kind === 'Namespace' && obj.apiVersion === 'v1';
}

function isCrd(obj: KubeObject): boolean {
  return splitApiVersion(obj.apiVersion).group === 'apiextensions.k8s.io' && obj.kind === 'CustomResourceDefinition';
}

function crdServes(crd: KubeObject, apiVersion: string, kind: string): boolean {
  const spec = (crd.spec ?? {}) as CrdSpec;
  const { group, version } = splitApiVersion(apiVersion);
  return spec.group === group && spec.names?.kind === kind && (spec.versions ?? []).some((v) => v.name === version && v.served !== false);
}

/**
 * Kinds whose CRDs came in the same batch: discovery learns them once the CRDs are established.
 * Returns the objects whose kinds never appeared.
 */
async function resolveDeferred(api: KubeApi, deferred: readonly Prepared[], opts: ApplyObjectsOptions): Promise<Prepared[]> {
  const deadline = Date.now() + (opts.crdTimeoutMs ?? defaultWaitMs);
  let pending = [...deferred];
  for (;;) {
    // One discovery round trip per round, however many objects wait.
    api.mapper.invalidate();
    for (const p of pending) p.mapping = await api.mapper.tryMapping(p.obj.apiVersion, p.obj.kind);
    pending = pending.filter((p) => !p.mapping);
    if (pending.length === 0 || Date.now() >= deadline) return pending;
    await sleep(pollMs * 4, undefined, { signal: opts.signal });
  }
}

/** What a write will do, decided by a dry run (or, for if-not-present, by the live object). */
type Plan = { p: Prepared; action: ApplyAction; live?: KubeObject; drift?: string[] };

async function planOne(api: KubeApi, p: Prepared, opts: ApplyObjectsOptions): Promise<Plan | ApplyFailure> {
  opts.signal?.throwIfAborted();
  if (p.policy === ApplyPolicies.Ignore) return { p, action: 'skipped' };
  if (!opts.dryRun && p.policy === undefined && opts.knownUnchanged) {
    const live = opts.knownUnchanged(p.input, p.id);
    if (live) return { p, action: 'unchanged', live };
  }
  try {
    if (p.policy === ApplyPolicies.IfNotPresent) {
      const live = await api.find(p.ref);
      if (live) return { p, action: 'skipped', live };
      await api.apply(p.obj, { dryRun: true });
      return { p, action: 'created' };
    }
    // A controller may write the object between our dry run and our read (a new Deployment gets
    // its revision annotation moments after creation); the two are only comparable when they
    // describe the same resourceVersion, so plan again when they do not.
    for (let attempt = 1; ; attempt++) {
      const dry = await api.apply(p.obj, { dryRun: true });
      if (!dry.metadata.resourceVersion) return { p, action: 'created' };
      const live = await api.find(p.ref);
      if (!live) return { p, action: 'created' };
      if (live.metadata.resourceVersion !== dry.metadata.resourceVersion && attempt < planAttempts) continue;
      const drift = driftPaths(dry, live);
      if (drift.length === 0) return { p, action: 'unchanged', live };
      return { p, action: 'configured', drift };
    }
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    if (opts.force && isImmutableFieldError(err)) return { p, action: 'recreated' };
    return { ref: p.ref, message: messageOf(err) };
  }
}

async function writeOne(api: KubeApi, plan: Plan, opts: ApplyObjectsOptions): Promise<ApplyChange | ApplyFailure> {
  const { p, action } = plan;
  const base = { ref: p.ref, id: p.id };
  if (action === 'skipped' || action === 'unchanged') return { ...base, action, ...(plan.live ? { object: plan.live } : {}) };
  if (opts.dryRun) return { ...base, action, ...(plan.drift ? { drift: plan.drift } : {}) };
  opts.signal?.throwIfAborted();
  if (action === 'recreated') {
    try {
      return { ...base, action, object: await recreate(api, p, opts) };
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      return { ref: p.ref, message: `re-creating after an immutable field changed: ${messageOf(err)}` };
    }
  }
  try {
    return { ...base, action, object: await api.apply(p.obj), ...(plan.drift ? { drift: plan.drift } : {}) };
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    return { ref: p.ref, message: messageOf(err) };
  }
}

/**
 * The API server's words for a change it will not make in place. Only these, not every 422: a
 * plainly invalid object would be deleted and then fail to come back.
 */
const immutablePattern = /immutable|may not change|cannot be changed|cannot change|may not be changed/i;

export function isImmutableFieldError(err: unknown): boolean {
  if (apiStatusCode(err) !== 422) return false;
  const e = err as GovernorError;
  const causes = (e.details.causes ?? []) as NonNullable<ApiStatus['details']>['causes'];
  return immutablePattern.test(e.message) || (causes ?? []).some((c) => immutablePattern.test(c.message ?? ''));
}

async function recreate(api: KubeApi, p: Prepared, opts: ApplyObjectsOptions): Promise<KubeObject> {
  const live = await api.find(p.ref);
  if (live) {
    opts.signal?.throwIfAborted();
    // Foreground: a Job's pods or a StatefulSet's pods go before the object does, so the new
    // object does not meet its predecessor's children.
    await api.delete(p.ref, { propagationPolicy: 'Foreground', preconditionUid: live.metadata.uid });
    const deadline = Date.now() + (opts.recreateTimeoutMs ?? defaultWaitMs);
    for (;;) {
      const now = await api.find(p.ref);
      if (!now || now.metadata.uid !== live.metadata.uid) break;
      if (Date.now() >= deadline) throw new Error(`the old object is still being deleted after ${opts.recreateTimeoutMs ?? defaultWaitMs} ms`);
      await sleep(pollMs, undefined, { signal: opts.signal });
    }
  }
  opts.signal?.throwIfAborted();
  return api.apply(p.obj);
}

type Condition = { type?: string; status?: string; reason?: string; message?: string };

/** After the cluster-definitions stage: CRDs established and Namespaces active, or why not. */
async function waitForDefinitions(api: KubeApi, stage: readonly Prepared[], opts: ApplyObjectsOptions): Promise<ApplyFailure[]> {
  const waits = stage.filter((p) => p.policy !== ApplyPolicies.Ignore && (isCrd(p.obj) || isNamespace(p.obj)));
  const results = await mapLimited(waits, opts.concurrency ?? defaultConcurrency, (p) => waitReady(api, p, opts));
  return results.filter((r): r is ApplyFailure => r !== undefined);
}

async function waitReady(api: KubeApi, p: Prepared, opts: ApplyObjectsOptions): Promise<ApplyFailure | undefined> {
  const timeoutMs = opts.crdTimeoutMs ?? defaultWaitMs;
  const deadline = Date.now() + timeoutMs;
  let why = 'not found';
  for (;;) {
    const live = await api.find(p.ref);
    if (live && isCrd(p.obj)) {
      const conditions = ((live.status as { conditions?: Condition[] } | undefined)?.conditions ?? []) as Condition[];
      const established = conditions.find((c) => c.type === 'Established');
      const names = conditions.find((c) => c.type === 'NamesAccepted');
      if (established?.status === 'True') return undefined;
      // A name clash never resolves by waiting.
      if (names?.status === 'False') return { ref: p.ref, message: `names not accepted: ${names.message ?? names.reason ?? ''}` };
      why = `not established${established?.message ? `: ${established.message}` : ''}`;
    } else if (live) {
      const phase = (live.status as { phase?: string } | undefined)?.phase;
      if (phase === 'Active') return undefined;
      why = `phase ${phase ?? 'unknown'}`;
    }
    if (Date.now() >= deadline) return { ref: p.ref, message: `${why} after ${timeoutMs} ms` };
    await sleep(pollMs, undefined, { signal: opts.signal });
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** fn over items with at most `limit` running at once; results in the order of items. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

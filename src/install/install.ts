/** Applying and removing an installation: what `install`, `uninstall` and `bootstrap` share. */
import { isDeepStrictEqual } from 'node:util';
import { API_VERSION } from '../api/index.ts';
import { ErrorCodes, GovernorError } from '../errors.ts';
import type { KubeApi } from '../kube/api.ts';
import { isNotFound } from '../kube/client.ts';
import { describeRef, refOf, type KubeObject } from '../kube/types.ts';
import { CONTROLLER_NAME } from './manifests.ts';

export type ApplyResult = 'created' | 'configured' | 'unchanged';

export interface Applied {
  object: KubeObject;
  result: ApplyResult;
}

const CRD_API = 'apiextensions.k8s.io/v1';

function isCrd(obj: KubeObject): boolean {
  return obj.apiVersion === CRD_API && obj.kind === 'CustomResourceDefinition';
}

/**
 * Server-side applies `objects` in order (field manager governor), telling like kubectl whether
 * each was created, changed or already as asked. CRDs are waited for until Established before any
 * later object is applied, so custom resources in the same list find their kind.
 */
export async function applyInOrder(
  api: KubeApi,
  objects: readonly KubeObject[],
  opts: { timeoutMs: number; onApplied?: (a: Applied) => void },
): Promise<Applied[]> {
  const out: Applied[] = [];
  const pendingCrds: string[] = [];
  for (const obj of objects) {
    if (!isCrd(obj) && pendingCrds.length > 0) {
      await waitForCrds(api, pendingCrds.splice(0), opts.timeoutMs);
    }
    const before = await api.find(refOf(obj));
    const after = await api.apply(obj);
    const result: ApplyResult = !before ? 'created' : sameContent(before, after) ? 'unchanged' : 'configured';
    const applied = { object: obj, result };
    out.push(applied);
    opts.onApplied?.(applied);
    if (isCrd(obj)) pendingCrds.push(obj.metadata.name);
  }
  if (pendingCrds.length > 0) await waitForCrds(api, pendingCrds, opts.timeoutMs);
  return out;
}

/** Waits until every named CRD is Established, then refreshes discovery. */
export async function waitForCrds(api: KubeApi, names: readonly string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const name of names) {
    for (;;) {
      const live = await api.find<KubeObject & { status?: { conditions?: { type: string; status: string }[] } }>({
        apiVersion: CRD_API,
        kind: 'CustomResourceDefinition',
        name,
      });
      if (live?.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > deadline) {
        throw new Error(`CustomResourceDefinition ${name} not Established after ${timeoutMs} ms`);
      }
      await sleep(200);
    }
  }
  api.mapper.invalidate();
}

export interface StackWithInventory {
  namespace: string;
  name: string;
  objects: number;
}

/** Stacks (in every namespace) whose inventory still lists applied objects; none when the CRD is absent. */
export async function stacksWithInventory(api: KubeApi): Promise<StackWithInventory[]> {
  let items: (KubeObject & { status?: { inventory?: { entries?: unknown[] } } })[];
  try {
    items = (await api.listAll(API_VERSION, 'Stack')).items;
  } catch (err) {
    if (isAbsentKind(err)) return [];
    throw err;
  }
  return items
    .map((s) => ({ namespace: s.metadata.namespace ?? '', name: s.metadata.name, objects: s.status?.inventory?.entries?.length ?? 0 }))
    .filter((s) => s.objects > 0)
    .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
}

export interface UninstallOptions {
  keepCrds: boolean;
  timeoutMs: number;
  onStep?: (message: string) => void;
}

/**
 * Removes an installation: first the controller (so nothing prunes while we work), then the
 * finalizers of every Governor object (without a controller they would block deletion forever;
 * applied objects are left in place), then RBAC, the namespace and, unless kept, the CRDs.
 */
export async function uninstall(api: KubeApi, objects: readonly KubeObject[], opts: UninstallOptions): Promise<void> {
  const step = opts.onStep ?? (() => undefined);
  const deadline = Date.now() + opts.timeoutMs;
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === CONTROLLER_NAME);
  if (deployment) {
    const ref = refOf(deployment);
    if (await api.delete(ref, { propagationPolicy: 'Foreground' })) {
      step(`deleted ${describeRef(ref)}`);
      // Foreground: the Deployment goes once its Pods are gone, i.e. once the controller has stopped.
      while ((await api.find(ref)) !== undefined) {
        if (Date.now() > deadline) {
          step(`warning: ${describeRef(ref)} is still terminating; continuing`);
          break;
        }
        await sleep(250);
      }
    }
  }

  for (const kind of ['Stack', 'GitRepository']) {
    let items: KubeObject[];
    try {
      items = (await api.listAll(API_VERSION, kind)).items;
    } catch (err) {
      if (isAbsentKind(err)) continue;
      throw err;
    }
    for (const item of items) {
      if (!item.metadata.finalizers?.length) continue;
      try {
        await api.mergePatch(refOf(item), { metadata: { finalizers: null } });
        step(`removed the finalizers of ${describeRef(refOf(item))}`);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }

  const crds = objects.filter(isCrd);
  const namespaces = objects.filter((o) => o.apiVersion === 'v1' && o.kind === 'Namespace');
  const rest = objects.filter((o) => o !== deployment && !isCrd(o) && !namespaces.includes(o)).reverse();
  for (const obj of [...rest, ...namespaces, ...(opts.keepCrds ? [] : crds)]) {
    try {
      if (await api.delete(refOf(obj))) step(`deleted ${describeRef(refOf(obj))}`);
    } catch (err) {
      if (!isAbsentKind(err)) throw err;
    }
  }

  if (!opts.keepCrds) {
    for (const crd of crds) {
      while ((await api.find({ apiVersion: CRD_API, kind: 'CustomResourceDefinition', name: crd.metadata.name })) !== undefined) {
        if (Date.now() > deadline) {
          step(`warning: CustomResourceDefinition/${crd.metadata.name} is still terminating`);
          break;
        }
        await sleep(250);
      }
    }
    api.mapper.invalidate();
  }
}

/**
 * Whether an apply left the object as it was: equal but for what others change all the time
 * (status, resourceVersion, managedFields), so a controller writing status concurrently does not
 * make a no-op look like a change.
 */
function sameContent(before: KubeObject, after: KubeObject): boolean {
  if (before.metadata.resourceVersion === after.metadata.resourceVersion) return true;
  const strip = (o: KubeObject) => {
    const { status: _status, metadata, ...rest } = o;
    const { resourceVersion: _rv, managedFields: _mf, ...meta } = metadata;
    return { ...rest, metadata: meta };
  };
  return isDeepStrictEqual(strip(before), strip(after));
}

function isAbsentKind(err: unknown): boolean {
  return isNotFound(err) || (err instanceof GovernorError && err.code === ErrorCodes.UnknownKind);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

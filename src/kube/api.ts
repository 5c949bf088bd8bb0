import type { KubeClient } from './client.ts';
import { isNotFound } from './client.ts';
import { RestMapper, resourcePath, type ResourceMapping } from './discovery.ts';
import type { KubeObject, ObjectList, ObjectRef } from './types.ts';

export const FIELD_MANAGER = 'governor';

export interface ApplyOptions {
  dryRun?: boolean;
  /** Take over fields another manager owns (Flux does the same); default true. */
  force?: boolean;
  fieldManager?: string;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

/** Object-level verbs over any kind, resolved through discovery. */
export class KubeApi {
  readonly client: KubeClient;
  readonly mapper: RestMapper;

  constructor(client: KubeClient, mapper?: RestMapper) {
    this.client = client;
    this.mapper = mapper ?? new RestMapper(client);
  }

  /** The same API acting as another identity, sharing discovery and connections. */
  impersonating(user: string, groups?: string[]): KubeApi {
    return new KubeApi(this.client.impersonating({ user, groups }), this.mapper);
  }

  mapping(apiVersion: string, kind: string): Promise<ResourceMapping> {
    return this.mapper.mapping(apiVersion, kind);
  }

  async get<T extends KubeObject = KubeObject>(ref: ObjectRef): Promise<T> {
    const m = await this.mapping(ref.apiVersion, ref.kind);
    return this.client.request<T>('GET', resourcePath(m, ref.namespace, ref.name));
  }

  /** The object, or undefined when it does not exist. */
  async find<T extends KubeObject = KubeObject>(ref: ObjectRef): Promise<T | undefined> {
    try {
      return await this.get<T>(ref);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async list<T extends KubeObject = KubeObject>(apiVersion: string, kind: string, namespace?: string, opts: ListOptions = {}): Promise<ObjectList<T>> {
    const m = await this.mapping(apiVersion, kind);
    return this.client.request<ObjectList<T>>('GET', resourcePath(m, namespace), { query: { ...opts } });
  }

  /** Every page of a list. */
  async listAll<T extends KubeObject = KubeObject>(apiVersion: string, kind: string, namespace?: string, opts: ListOptions = {}): Promise<ObjectList<T>> {
    const first = await this.list<T>(apiVersion, kind, namespace, { limit: 500, ...opts });
    let cont = first.metadata?.continue;
    while (cont) {
      const next = await this.list<T>(apiVersion, kind, namespace, { limit: 500, ...opts, continue: cont });
      first.items.push(...next.items);
      cont = next.metadata?.continue;
    }
    if (first.metadata) delete first.metadata.continue;
    return first;
  }

  async create<T extends KubeObject = KubeObject>(obj: KubeObject): Promise<T> {
    const m = await this.mapping(obj.apiVersion, obj.kind);
    return this.client.request<T>('POST', resourcePath(m, obj.metadata.namespace), { body: obj });
  }

  /** Server-side apply (`application/apply-patch+yaml`; JSON is YAML). */
  async apply<T extends KubeObject = KubeObject>(obj: KubeObject, opts: ApplyOptions = {}): Promise<T> {
    const m = await this.mapping(obj.apiVersion, obj.kind);
    return this.client.request<T>('PATCH', resourcePath(m, obj.metadata.namespace, obj.metadata.name), {
      body: obj,
      contentType: 'application/apply-patch+yaml',
      query: {
        fieldManager: opts.fieldManager ?? FIELD_MANAGER,
        force: opts.force ?? true,
        dryRun: opts.dryRun ? 'All' : undefined,
      },
    });
  }

  /** Server-side apply of the status subresource only. */
  async applyStatus<T extends KubeObject = KubeObject>(obj: KubeObject, opts: ApplyOptions = {}): Promise<T> {
    const m = await this.mapping(obj.apiVersion, obj.kind);
    return this.client.request<T>('PATCH', resourcePath(m, obj.metadata.namespace, obj.metadata.name, 'status'), {
      body: obj,
      contentType: 'application/apply-patch+yaml',
      query: { fieldManager: opts.fieldManager ?? FIELD_MANAGER, force: opts.force ?? true },
    });
  }

  async mergePatch<T extends KubeObject = KubeObject>(ref: ObjectRef, patch: unknown, subresource?: string): Promise<T> {
    const m = await this.mapping(ref.apiVersion, ref.kind);
    return this.client.request<T>('PATCH', resourcePath(m, ref.namespace, ref.name, subresource), {
      body: patch,
      contentType: 'application/merge-patch+json',
    });
  }

  /** Deletes; true if it was there. Background propagation, like kubectl. */
  async delete(ref: ObjectRef, opts: { propagationPolicy?: 'Background' | 'Foreground' | 'Orphan'; preconditionUid?: string } = {}): Promise<boolean> {
    const m = await this.mapping(ref.apiVersion, ref.kind);
    try {
      await this.client.request('DELETE', resourcePath(m, ref.namespace, ref.name), {
        body: {
          apiVersion: 'v1',
          kind: 'DeleteOptions',
          propagationPolicy: opts.propagationPolicy ?? 'Background',
          ...(opts.preconditionUid ? { preconditions: { uid: opts.preconditionUid } } : {}),
        },
      });
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }
}

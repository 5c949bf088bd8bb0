/**
 * A Kubernetes object as plain JSON, the shape the engine works on. Deliberately minimal: the
 * engine never trusts a field beyond these without narrowing it first.
 */
export type Obj = {
  apiVersion: string;
  kind: string;
  metadata: ObjMeta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [key: string]: unknown;
};

export type ObjMeta = {
  name: string;
  namespace?: string;
  generation?: number;
  deletionTimestamp?: string;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
};

/** What identifies an object across versions of its API: the inventory and messages use this. */
export type ObjRef = {
  group: string;
  kind: string;
  namespace: string;
  name: string;
};

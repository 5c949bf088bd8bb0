/**
 * The dashboard's HTTP API, as the server sends it and the browser reads it: the one contract
 * between src/dashboard (Hono) and web/ (React). Only plain JSON; never a Secret's value.
 *
 * Routes (all under /api; every one but POST /api/session needs a session cookie, else 401):
 *   POST   /api/session                   {token} → Session         sign in with a bearer token
 *   POST   /api/session/login-link        {code}  → Session         the one-time code `governor dashboard` opens the browser with
 *   GET    /api/session                   → Session
 *   DELETE /api/session                   → 204                     sign out
 *   GET    /api/overview                  → Overview
 *   GET    /api/stacks?…StackQuery        → Page<StackRow>
 *   GET    /api/stacks/:namespace/:name   → StackDetail
 *   GET    /api/sources                   → Page<SourceRow>  (same paging/search params)
 *   POST   /api/stacks/:namespace/:name/(reconcile|suspend|resume)   → ActionResult  (X-CSRF-Token header)
 *   POST   /api/sources/:namespace/:name/(reconcile|suspend|resume)  → ActionResult  (X-CSRF-Token header)
 *   GET    /api/stream                    → text/event-stream of LiveEvent (event: <type>, data: JSON)
 */

/** What the table and the overview count a Stack or source as; one state each, in this precedence. */
export type State = 'suspended' | 'failed' | 'drifted' | 'progressing' | 'ready' | 'unknown';

export interface Session {
  user: string;
  groups: string[];
  /** Sent back in X-CSRF-Token on every POST/DELETE. */
  csrfToken: string;
  /** How the identity was established. */
  mode: 'token' | 'kubeconfig';
}

export interface ConditionView {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
}

export interface ObjectKey {
  namespace: string;
  name: string;
}

export interface StackRow extends ObjectKey {
  state: State;
  /** The Ready condition's message (or reason). */
  message: string;
  source: string; // "<namespace>/<name>" of its GitRepository
  path: string;
  revision?: string; // lastAppliedRevision
  suspended: boolean;
  driftCount: number;
  lastDriftTime?: string;
  /** Seconds the last reconcile took, where known (from Reconciling→Ready transitions); for "slowest". */
  durationSeconds?: number;
  lastTransitionTime?: string;
  objects: number; // inventory size
  dependsOn: ObjectKey[];
  /**
   * The reconcile request the controller handled last (status.lastHandledReconcileAt): the answer
   * to a Reconcile or Resume whose ActionResult.requestedAt it equals, even when nothing else changed.
   */
  lastHandledReconcileAt?: string;
}

export interface SourceRow extends ObjectKey {
  state: State;
  message: string;
  url: string;
  ref: string; // "branch main", "tag v1", …
  revision?: string;
  commit?: CommitView;
  lastFetchTime?: string; // artifact.lastUpdateTime
  suspended: boolean;
  error?: string; // Ready=False message
}

export interface CommitView {
  sha: string;
  message: string;
  author: string;
  time: string;
}

export interface StackQuery {
  page?: number; // 1-based, default 1
  pageSize?: number; // default 50, max 500
  q?: string; // substring of namespace/name, source or message
  namespace?: string;
  state?: State;
  source?: string; // "<namespace>/<name>"
  sort?: 'name' | 'namespace' | 'state' | 'revision' | 'age' | 'drift' | 'duration';
  order?: 'asc' | 'desc';
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
  /** Values for the filter menus, over everything the user may see. */
  facets: { namespaces: string[]; sources: string[]; states: Record<State, number> };
}

export interface EventView {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  object: { kind: string; namespace: string; name: string };
  count: number;
  lastTimestamp: string;
}

export interface Overview {
  stacks: Record<State, number>;
  sources: Record<State, number>;
  events: EventView[]; // latest, newest first (at most 20)
  slowest: StackRow[]; // at most 5
  failing: StackRow[]; // at most 10
}

export type Health = 'Current' | 'InProgress' | 'Failed' | 'Terminating' | 'NotFound' | 'Unknown';

export interface GraphNode {
  id: string; // "<group>/<kind>/<namespace>/<name>"
  kind: string;
  apiVersion: string;
  namespace?: string;
  name: string;
  health: Health;
  message?: string;
  /** In the Stack's inventory (as opposed to found through an owner reference or a selector). */
  managed: boolean;
  drifted: boolean;
}

export interface GraphEdge {
  from: string;
  to: string;
  /** owner: from owns to; selects: a Service selecting a Pod. */
  type: 'owner' | 'selects';
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** What the graph leaves out and why (too many objects, a list the user may not read). */
  note?: string;
}

export interface DriftView {
  object: { apiVersion: string; kind: string; namespace?: string; name: string };
  /** Field paths that differ; for Secrets, only key names. */
  paths: string[];
  /** A unified diff of the Git side against the live side (Secret values masked). */
  diff: string;
  time?: string;
}

export interface StackDetail {
  stack: StackRow;
  spec: { interval: string; prune: boolean; wait: boolean; targetNamespace?: string; serviceAccountName?: string; driftMode: string };
  source?: SourceRow;
  conditions: ConditionView[];
  /** This Stack, what it depends on and what depends on it. */
  dependencies: { nodes: (ObjectKey & { state: State })[]; edges: { from: string; to: string }[] };
  events: EventView[]; // newest first
  inventory: Graph;
  drift: DriftView[];
  /** What the signed-in user may do to this Stack, by SelfSubjectAccessReview. */
  can: { reconcile: boolean; suspend: boolean };
}

export interface ActionResult {
  accepted: boolean;
  /** The annotation value or spec.suspend written; the result arrives later on the stream. */
  requestedAt?: string;
  message: string;
}

/** Server-sent events; `type` is also the SSE event name. */
export type LiveEvent =
  | { type: 'stack'; stack: StackRow }
  | { type: 'stack-deleted'; key: ObjectKey }
  | { type: 'source'; source: SourceRow }
  | { type: 'source-deleted'; key: ObjectKey }
  | { type: 'event'; event: EventView };

/** Every error response of /api, whatever the status. `code` is stable; `message` is for people. */
export type ApiErrorCode = 'unauthorized' | 'forbidden' | 'not_found' | 'csrf' | 'bad_request' | 'kube_error' | 'internal';

export interface ApiError {
  error: { code: ApiErrorCode; message: string };
}

export { DRIFT_ANNOTATION } from '../api/event-annotations.ts';
export type { DriftRecord } from '../api/event-annotations.ts';

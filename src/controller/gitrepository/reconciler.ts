import { API_VERSION, Annotations, validateSpec, type GitRepository, type GitRepositorySpec, type GitRepositoryStatus } from '../../api/index.ts';
import { ErrorCodes, GovernorError } from '../../errors.ts';
import type { KubeApi } from '../../kube/api.ts';
import type { WorkResult } from '../../kube/workqueue.ts';
import type { Logger } from '../../log.ts';
import type { Artifact, GitSource } from '../../source/git-source.ts';
import { findCondition, outcomeConditions } from '../conditions.ts';
import { parseDuration } from '../duration.ts';
import type { EventSink } from '../events.ts';
import type { ControllerMetrics } from '../metrics.ts';
import { gitAuthFromSecret } from '../secrets.ts';
import { patchStatus, sameJson } from '../status.ts';

/** The latest artifact of each GitRepository, shared with the Stack reconciler in this process. */
export class ArtifactStore {
  private readonly byKey = new Map<string, Artifact>();

  get(namespace: string, name: string): Artifact | undefined {
    return this.byKey.get(`${namespace}/${name}`);
  }

  set(namespace: string, name: string, artifact: Artifact): void {
    this.byKey.set(`${namespace}/${name}`, artifact);
  }

  delete(namespace: string, name: string): void {
    this.byKey.delete(`${namespace}/${name}`);
  }
}

export interface GitRepositoryDeps {
  api: KubeApi;
  source: GitSource;
  artifacts: ArtifactStore;
  events: EventSink;
  log: Logger;
  metrics?: ControllerMetrics;
  now?: () => Date;
  /** Called when a repository's revision changed, so dependent Stacks reconcile at once. */
  onRevision?: (namespace: string, name: string, revision: string) => void;
}

const RETRY_FALLBACK_MS = 30_000;

/**
 * Fetches the repository's ref (ls-remote first: an unchanged head fetches nothing), records the
 * artifact in status, and keeps the last good artifact when a fetch fails.
 */
export async function reconcileGitRepository(namespace: string, name: string, deps: GitRepositoryDeps): Promise<WorkResult> {
  const now = deps.now ?? (() => new Date());
  const repo = await deps.api.find<GitRepository>({ apiVersion: API_VERSION, kind: 'GitRepository', namespace, name });
  if (!repo || repo.metadata.deletionTimestamp) {
    deps.artifacts.delete(namespace, name);
    return {};
  }
  if (repo.spec?.suspend) return {};

  const checked = validateSpec('GitRepository', repo.spec);
  if (!checked.ok) {
    await finish(repo, deps, now(), { ready: 'False', reason: ErrorCodes.InvalidSpec, message: checked.error.message, stalled: true });
    return {};
  }
  const spec: GitRepositorySpec = checked.value;
  const intervalMs = parseDuration(spec.interval);
  const requested = repo.metadata.annotations?.[Annotations.ReconcileRequestedAt];

  const fetchStarted = process.hrtime.bigint();
  try {
    const auth = spec.secretRef ? await gitAuthFromSecret(deps.api, namespace, spec.secretRef.name) : undefined;
    const artifact = await deps.source.fetch({
      url: spec.url,
      ref: spec.ref,
      timeoutMs: parseDuration(spec.timeout),
      auth,
      ignore: spec.ignore,
    });
    deps.metrics?.gitFetchDuration.observe({ namespace, name }, Number(process.hrtime.bigint() - fetchStarted) / 1e9);
    const previous = repo.status?.artifact?.revision;
    deps.artifacts.set(namespace, name, artifact);
    const changed = previous !== artifact.revision;
    const status: GitRepositoryStatus = {
      ...repo.status,
      artifact: changed || !repo.status?.artifact
        ? { revision: artifact.revision, commit: artifact.commit, lastUpdateTime: stamp(now()) }
        : repo.status.artifact,
      ...(requested ? { lastHandledReconcileAt: requested } : {}),
    };
    await finish(repo, deps, now(), { ready: 'True', reason: 'Succeeded', message: `stored artifact for revision '${artifact.revision}'`, revision: artifact.revision }, status);
    if (changed) {
      deps.log.info({ kind: 'GitRepository', namespace, name, revision: artifact.revision, fetched: artifact.fetched }, 'new revision');
      deps.onRevision?.(namespace, name, artifact.revision);
    }
    return { requeueAfterMs: intervalMs };
  } catch (err) {
    const e = err instanceof GovernorError ? err : new GovernorError(ErrorCodes.GitOperationFailed, (err as Error).message, { cause: err });
    deps.log.warn({ kind: 'GitRepository', namespace, name, reason: e.code, err: e.message }, 'fetch failed');
    deps.metrics?.gitFetchErrors.inc({ namespace, name, reason: e.code });
    await finish(repo, deps, now(), { ready: 'False', reason: e.code, message: e.message }, {
      ...repo.status,
      ...(requested ? { lastHandledReconcileAt: requested } : {}),
    });
    // The error is in status already; the queue's backoff would only add noise, so requeue by interval.
    return { requeueAfterMs: Math.min(intervalMs, RETRY_FALLBACK_MS) };
  }
}

async function finish(
  repo: GitRepository,
  deps: GitRepositoryDeps,
  now: Date,
  outcome: { ready: 'True' | 'False'; reason: string; message: string; stalled?: boolean; revision?: string },
  status: GitRepositoryStatus = repo.status ?? {},
): Promise<void> {
  const generation = repo.metadata.generation;
  const conditions = outcomeConditions(repo.status?.conditions, outcome, generation, now);
  const next: GitRepositoryStatus = { ...status, observedGeneration: generation, conditions };
  const before = findCondition(repo.status?.conditions, 'Ready');
  // A quiet interval writes nothing: no status patch, no event.
  if (sameJson(repo.status ?? {}, next)) return;
  await patchStatus(deps.api, repo, next);
  if (before?.status !== outcome.ready || before?.reason !== outcome.reason || before?.message !== outcome.message) {
    await deps.events
      .record(repo, outcome.ready === 'True' ? 'Normal' : 'Warning', outcome.reason, outcome.message, outcome.revision ? { revision: outcome.revision } : {})
      .catch((err: unknown) => deps.log.warn({ err: (err as Error).message }, 'event not recorded'));
  }
}

function stamp(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}

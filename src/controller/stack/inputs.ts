import { API_VERSION, type GitRepository, type Stack, type StackSpec } from '../../api/index.ts';
import { ErrorCodes, GovernorError } from '../../errors.ts';
import type { KubeApi } from '../../kube/api.ts';
import type { KubeObject } from '../../kube/types.ts';
import { findCondition } from '../conditions.ts';
import { gitAuthFromSecret, readSecretData } from '../secrets.ts';
import type { StackDeps } from './reconciler.ts';

export async function sourceArtifact(stack: Stack, spec: StackSpec, deps: StackDeps): Promise<{ dir: string; revision: string }> {
  const srcNs = spec.sourceRef.namespace ?? stack.metadata.namespace!;
  // The informer's copy when there is one: a new revision reaches the cache before the event that
  // wakes this Stack, so it is never older than what triggered the reconcile, and a quiet interval
  // costs no read. A source outside the watched namespaces is read from the API.
  const repo =
    deps.cachedSource?.(srcNs, spec.sourceRef.name) ??
    (await deps.api.find<GitRepository>({ apiVersion: API_VERSION, kind: 'GitRepository', namespace: srcNs, name: spec.sourceRef.name }));
  if (!repo) {
    throw new GovernorError(ErrorCodes.ArtifactNotFound, `source GitRepository ${srcNs}/${spec.sourceRef.name} does not exist`);
  }
  const revision = repo.status?.artifact?.revision;
  if (!revision) {
    const ready = findCondition(repo.status?.conditions, 'Ready');
    throw new GovernorError(
      ErrorCodes.ArtifactNotFound,
      `source GitRepository ${srcNs}/${spec.sourceRef.name} has no artifact yet${ready?.message ? `: ${ready.message}` : ''}`,
    );
  }
  const cached = deps.artifacts.get(srcNs, spec.sourceRef.name);
  if (cached && cached.revision === revision) return { dir: cached.dir, revision };
  // Not in this process's store (a restart, or another replica fetched it): fetch that exact commit.
  const sha = revision.slice(revision.lastIndexOf(':') + 1);
  const auth = repo.spec.secretRef ? await gitAuthFromSecret(deps.api, srcNs, repo.spec.secretRef.name) : undefined;
  const artifact = await deps.source.fetch({
    url: repo.spec.url,
    ref: { commit: sha, ...(repo.spec.ref?.branch ? { branch: repo.spec.ref.branch } : {}) },
    auth,
    ignore: repo.spec.ignore,
  });
  return { dir: artifact.dir, revision };
}

/** Flux's order: substituteFrom entries in order, later ones winning, then spec.substitute over all. */
export async function substitutionVariables(stack: Stack, spec: StackSpec, api: KubeApi): Promise<Record<string, string> | undefined> {
  if (!spec.substitute && !spec.substituteFrom?.length) return undefined;
  const ns = stack.metadata.namespace!;
  const vars: Record<string, string> = {};
  for (const ref of spec.substituteFrom ?? []) {
    let data: Record<string, string> | undefined;
    if (ref.kind === 'Secret') data = await readSecretData(api, ns, ref.name);
    else data = (await api.find<KubeObject & { data?: Record<string, string> }>({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: ref.name }))?.data ?? undefined;
    if (!data) {
      if (ref.optional) continue;
      throw new GovernorError(ErrorCodes.SecretNotFound, `${ref.kind} ${ns}/${ref.name} referenced by spec.substituteFrom does not exist`);
    }
    Object.assign(vars, data);
  }
  Object.assign(vars, spec.substitute ?? {});
  return vars;
}

import { stat } from 'node:fs/promises';
import { renderDirectory, renderFile } from './directory.ts';
import { applyTargetNamespace } from './namespaces.ts';
import type { IsClusterScoped } from './namespaces.ts';
import { assertNoDuplicates, describeObject, toKubeObject } from './objects.ts';
import { checkoutRoot, resolveInCheckout } from './paths.ts';
import { checkVariableNames, substituteObject } from './substitute.ts';
import { describeSource } from './types.ts';
import type { KubeObject, RenderedObject } from './types.ts';

export type { KubeObject, Source } from './types.ts';
export type { IsClusterScoped } from './namespaces.ts';
export { objectId, apiGroup, describeObject } from './objects.ts';
export { mergeVariables } from './substitute.ts';

export interface RenderOptions {
  /** The revision's directory on disk. */
  checkoutDir: string;
  /** The Stack's `path`, relative to the checkout root. */
  path: string;
  /** Needed only when the path (or a directory under it) holds a kustomization. */
  kustomizeBinary?: string;
  targetNamespace?: string;
  /** Post-build substitution variables; when absent no substitution happens at all (as in Flux without `postBuild`). */
  variables?: Record<string, string>;
  /** Fail on `${VAR}` with VAR unset and no default, instead of substituting an empty string. */
  strictSubstitution?: boolean;
  /** From the cluster's discovery; without an answer a fixed list of well-known kinds decides. */
  isClusterScoped?: IsClusterScoped;
  /** Limit for each kustomize run. */
  timeoutMs?: number;
}

/**
 * Renders a Stack's path in a checkout into the objects to apply, in a deterministic order.
 * Any problem (bad YAML, an invalid or duplicate object, a path or symlink leaving the checkout,
 * a remote base, kustomize failing, a missing variable in strict mode) throws a GovernorError
 * and yields nothing, so a broken revision can never be half-applied or mistaken for an empty one.
 */
export async function render(opts: RenderOptions): Promise<{ objects: KubeObject[] }> {
  const root = await checkoutRoot(opts.checkoutDir);
  const { path, real } = await resolveInCheckout(root, opts.path);
  const docs = (await stat(real)).isDirectory()
    ? await renderDirectory({ root, dir: path, kustomizeBinary: opts.kustomizeBinary, timeoutMs: opts.timeoutMs })
    : await renderFile(root, path, real);
  if (opts.variables) checkVariableNames(opts.variables);

  const rendered: RenderedObject[] = docs.map((doc) => {
    let { object, source } = toKubeObject(doc);
    if (opts.targetNamespace) object = applyTargetNamespace(object, opts.targetNamespace, opts.isClusterScoped);
    if (opts.variables) {
      object = substituteObject(object, opts.variables, {
        strict: opts.strictSubstitution,
        describe: `${describeObject(object)} in ${describeSource(source)}`,
      });
      // A variable can empty a name or put a non-string where one is required: check again.
      ({ object, source } = toKubeObject({ value: object, source }));
    }
    return { object, source };
  });
  assertNoDuplicates(rendered);
  return { objects: rendered.map((r) => r.object) };
}

import type { Command } from 'commander';
import { Annotations, ApplyPolicies, Labels, PrunePolicies, validateSpec, type Stack, type StackSpec } from '../../api/index.ts';
import { preserveIgnoredFields } from '../../controller/stack/drift.ts';
import { applyObjects, isImmutableFieldError, type ApplyChange } from '../../engine/apply.ts';
import { driftPaths } from '../../engine/drift-compare.ts';
import { diffInventory, toEntry, type InventoryEntry } from '../../engine/inventory.ts';
import { entryRef } from '../../engine/prune.ts';
import type { Obj } from '../../engine/types.ts';
import { isGovernorError } from '../../errors.ts';
import type { KubeApi } from '../../kube/api.ts';
import { isNotFound } from '../../kube/client.ts';
import { describeRef, refOf, type KubeObject, type ObjectRef } from '../../kube/types.ts';
import { CliError, connect, globals, timeoutMs } from '../context.ts';
import { STACK, getObject } from '../lookup.ts';
import { colours } from '../output.ts';
import type { CliIO } from '../program.ts';
import { unifiedDiff } from '../unified-diff.ts';
import { renderLocal, toYaml } from './build.ts';

type Outcome =
  | { action: 'created'; ref: ObjectRef; after: KubeObject }
  | { action: 'configured'; ref: ObjectRef; before: KubeObject; after: KubeObject }
  | { action: 'pruned'; ref: ObjectRef; before: KubeObject }
  | { action: 'unchanged'; ref: ObjectRef };

const volatileMetadata = ['managedFields', 'resourceVersion', 'generation', 'uid', 'creationTimestamp', 'selfLink'];
const lastApplied = 'kubectl.kubernetes.io/last-applied-configuration';
const MASK = '***';
const MASK_CHANGED = '*** (changed)';

/** What a reader compares: no server bookkeeping, no status. */
export function comparable(obj: KubeObject): KubeObject {
  const { status: _status, ...rest } = structuredClone(obj);
  const metadata = { ...rest.metadata };
  for (const key of volatileMetadata) delete metadata[key];
  return { ...rest, metadata } as KubeObject;
}

function isSecret(obj: KubeObject | undefined): boolean {
  return obj !== undefined && obj.kind === 'Secret' && obj.apiVersion === 'v1';
}

/**
 * Secret values replaced by `***` on both sides; a value that changes shows `*** (changed)` on
 * the new side, so the diff tells which key changed and never what it holds. kubectl's
 * last-applied annotation carries the values too and is masked the same way.
 */
export function maskSecrets(before: KubeObject | undefined, after: KubeObject | undefined): void {
  if (!isSecret(before) && !isSecret(after)) return;
  for (const field of ['data', 'stringData']) {
    const b = before?.[field] as Record<string, unknown> | undefined;
    const a = after?.[field] as Record<string, unknown> | undefined;
    for (const key of new Set([...Object.keys(b ?? {}), ...Object.keys(a ?? {})])) {
      const changed = b !== undefined && a !== undefined && key in b && key in a && b[key] !== a[key];
      if (b && key in b) b[key] = MASK;
      if (a && key in a) a[key] = changed ? MASK_CHANGED : MASK;
    }
  }
  const ba = before?.metadata.annotations;
  const aa = after?.metadata.annotations;
  const changed = ba?.[lastApplied] !== undefined && aa?.[lastApplied] !== undefined && ba[lastApplied] !== aa[lastApplied];
  if (ba?.[lastApplied] !== undefined) ba[lastApplied] = MASK;
  if (aa?.[lastApplied] !== undefined) aa[lastApplied] = changed ? MASK_CHANGED : MASK;
}

/** The unified diff of one object, `before` undefined for a new one, `after` for a pruned one. */
export function objectDiff(ref: ObjectRef, before: KubeObject | undefined, after: KubeObject | undefined): string {
  const b = before ? comparable(before) : undefined;
  const a = after ? comparable(after) : undefined;
  maskSecrets(b, a);
  const name = describeRef(ref);
  return unifiedDiff(b ? toYaml(b, true) : '', a ? toYaml(a, true) : '', {
    fromLabel: b ? `${name} (live)` : '/dev/null',
    toLabel: a ? `${name} (after apply)` : '/dev/null',
  });
}

function colourise(diff: string, isTty: boolean): string {
  const c = colours(isTty);
  return diff
    .split('\n')
    .map((line) => {
      if (line.startsWith('+++') || line.startsWith('---')) return c.bold(line);
      if (line.startsWith('@@')) return c.yellow(line);
      if (line.startsWith('+')) return c.green(line);
      if (line.startsWith('-')) return c.red(line);
      return line;
    })
    .join('\n');
}

/** The API as the Stack's service account, exactly as the controller applies. */
function applierFor(api: KubeApi, namespace: string, serviceAccountName: string | undefined): KubeApi {
  if (!serviceAccountName) return api;
  return api.impersonating(`system:serviceaccount:${namespace}:${serviceAccountName}`, ['system:serviceaccounts', `system:serviceaccounts:${namespace}`]);
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Owner labels, and no namespace on cluster-scoped kinds: the object as the apply sends it. */
async function asApplied(api: KubeApi, obj: KubeObject, owner: { name: string; namespace: string }): Promise<KubeObject> {
  const out = structuredClone(obj);
  out.metadata.labels = { ...out.metadata.labels, [Labels.StackName]: owner.name, [Labels.StackNamespace]: owner.namespace };
  const mapping = await api.mapper.tryMapping(out.apiVersion, out.kind);
  if (mapping && !mapping.namespaced) delete out.metadata.namespace;
  return out;
}

/**
 * What applying `obj` would do: the server's dry-run result against the live object. An object
 * in a Namespace the same render creates cannot be dry-run yet; it is shown as rendered.
 */
async function planObject(api: KubeApi, obj: KubeObject, ctx: { newNamespaces: Set<string>; force: boolean }, hint?: ApplyChange): Promise<Outcome> {
  const ref = refOf(obj);
  const policy = obj.metadata.annotations?.[Annotations.Apply];
  if (policy === ApplyPolicies.Ignore || hint?.action === 'skipped' || hint?.action === 'unchanged') return { action: 'unchanged', ref };
  if (policy === ApplyPolicies.IfNotPresent && (await api.find(ref))) return { action: 'unchanged', ref };
  let dry: KubeObject;
  try {
    dry = await api.apply(obj, { dryRun: true });
  } catch (err) {
    if (isNotFound(err) && ref.namespace && ctx.newNamespaces.has(ref.namespace)) return { action: 'created', ref, after: obj };
    // With spec.force the controller deletes and re-creates an object whose immutable fields change.
    const live = ctx.force && isImmutableFieldError(err) ? await api.find(ref) : undefined;
    if (live) return { action: 'configured', ref, before: live, after: obj };
    throw new Error(`${describeRef(ref)}: ${errorMessage(err)}`, { cause: err });
  }
  if (!dry.metadata.resourceVersion) return { action: 'created', ref, after: dry };
  const live = await api.find(ref);
  if (!live) return { action: 'created', ref, after: dry };
  if (driftPaths(dry, live).length === 0) return { action: 'unchanged', ref };
  return { action: 'configured', ref, before: live, after: dry };
}

/** Objects of the inventory the render lacks that prune would really delete (still ours, not opted out). */
async function prunePlan(api: KubeApi, previous: readonly InventoryEntry[], next: readonly InventoryEntry[], owner: { name: string; namespace: string }): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (const entry of diffInventory(previous, next)) {
    let ref: ObjectRef;
    try {
      ref = entryRef(entry);
    } catch {
      continue;
    }
    if (!(await api.mapper.tryMapping(ref.apiVersion, ref.kind))) continue;
    const live = await api.find(ref);
    if (!live || live.metadata.deletionTimestamp) continue;
    const labels = live.metadata.labels ?? {};
    if (labels[Labels.StackName] !== owner.name || labels[Labels.StackNamespace] !== owner.namespace) continue;
    if (live.metadata.annotations?.[Annotations.Prune] === PrunePolicies.Disabled) continue;
    out.push({ action: 'pruned', ref, before: live });
  }
  return out;
}

async function diffStack(api: KubeApi, stack: Stack, opts: { path: string; kustomize?: string; timeoutMs: number }): Promise<Outcome[]> {
  const namespace = stack.metadata.namespace!;
  const name = stack.metadata.name;
  const checked = validateSpec('Stack', stack.spec);
  if (!checked.ok) throw new CliError(checked.error.message);
  const spec: StackSpec = checked.value;
  const owner = { name, namespace };
  const target = applierFor(api, namespace, spec.serviceAccountName);

  const objects = await renderLocal({ path: opts.path, kustomize: opts.kustomize, stack, api, timeoutMs: opts.timeoutMs });
  const previous = stack.status?.inventory?.entries ?? [];
  if (objects.length === 0 && previous.length > 0) {
    throw new CliError(`${opts.path} renders no objects where the Stack's last revision had ${previous.length}; the controller would refuse it and prune nothing`);
  }
  const toApply = await Promise.all((await preserveIgnoredFields(target, objects, spec.drift.ignore)).map((o) => asApplied(target, o, owner)));
  // The controller's own plan: unknown kinds, missing namespaces and the apply order.
  const planned = await applyObjects(target, toApply, { owner, dryRun: true, force: spec.force });
  const byId = new Map(planned.changes.map((c) => [c.id, c]));
  const newNamespaces = new Set(
    planned.changes.filter((c) => c.ref.kind === 'Namespace' && c.action === 'created').map((c) => c.ref.name),
  );

  const outcomes: Outcome[] = [];
  const refusals: string[] = [];
  for (const obj of toApply) {
    try {
      outcomes.push(await planObject(target, obj, { newNamespaces, force: spec.force ?? false }, byId.get(toEntry(obj as Obj).id)));
    } catch (err) {
      refusals.push(errorMessage(err));
    }
  }
  if (refusals.length > 0) {
    throw new CliError(`the cluster refuses ${refusals.length === 1 ? 'this object' : `${refusals.length} objects`} (nothing would be applied):\n  ${refusals.join('\n  ')}`);
  }
  if (spec.prune) {
    const next = toApply.filter((o) => o.metadata.annotations?.[Annotations.Apply] !== ApplyPolicies.Ignore).map((o) => toEntry(o as Obj));
    outcomes.push(...(await prunePlan(target, previous, next, owner)));
  }
  return outcomes;
}

export function registerDiff(program: Command, io: CliIO): void {
  const diff = program.command('diff').description('show what applying local manifests would change in the cluster');
  diff
    .command('stack <name>')
    .description('render --path as the Stack would, dry-run it against the cluster and print a unified diff per object (exit 0 no changes, 1 changes, 2 error)')
    .requiredOption('--path <dir>', 'the local directory to render in place of the Stack\'s source')
    .option('--kustomize <bin>', 'the kustomize binary (default: kustomize on PATH)')
    .action(async (name: string, opts: { path: string; kustomize?: string }, cmd: Command) => {
      const global = globals(cmd);
      let outcomes: Outcome[];
      try {
        const session = await connect(global);
        try {
          const stack = await getObject<Stack>(session.api, STACK, session.namespace, name);
          outcomes = await diffStack(session.api, stack, { path: opts.path, kustomize: opts.kustomize, timeoutMs: timeoutMs(global) });
        } finally {
          session.close();
        }
      } catch (err) {
        // 1 means "changes" here: every failure, a missing Stack included, is 2.
        if (err instanceof CliError) throw new CliError(err.message, { exitCode: 2, ...(err.hint ? { hint: err.hint } : {}) });
        if (isGovernorError(err)) throw new CliError(`${err.code}: ${err.message}`, { exitCode: 2 });
        throw err;
      }

      const isTty = process.stdout.isTTY === true;
      const c = colours(isTty);
      const counts = { created: 0, configured: 0, pruned: 0 };
      for (const o of outcomes) {
        if (o.action === 'unchanged') continue;
        counts[o.action]++;
        const label = o.action === 'pruned' ? 'would be pruned' : `would be ${o.action}`;
        const text = o.action === 'created' ? objectDiff(o.ref, undefined, o.after) : o.action === 'pruned' ? objectDiff(o.ref, o.before, undefined) : objectDiff(o.ref, o.before, o.after);
        io.out(`${c.bold(`► ${describeRef(o.ref)} ${label}`)}\n${colourise(text, isTty)}`);
      }
      const total = counts.created + counts.configured + counts.pruned;
      const unchanged = outcomes.filter((o) => o.action === 'unchanged').length;
      if (total === 0) {
        io.err(`✔ no changes (${unchanged} object${unchanged === 1 ? '' : 's'} unchanged)\n`);
        return;
      }
      const parts = Object.entries(counts)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${n} ${k === 'pruned' ? 'to prune' : k}`);
      io.err(`${total} object${total === 1 ? '' : 's'} would change: ${parts.join(', ')}; ${unchanged} unchanged\n`);
      throw new CliError('', { exitCode: 1 });
    });
}

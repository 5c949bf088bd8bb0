import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { isScalar, stringify, type Pair } from 'yaml';
import { validateSpec, type Stack } from '../../api/index.ts';
import { findKustomize } from '../../controller/run.ts';
import { substitutionVariables } from '../../controller/stack/inputs.ts';
import { isGovernorError } from '../../errors.ts';
import type { KubeApi } from '../../kube/api.ts';
import { render, type KubeObject } from '../../render/index.ts';
import { CliError, connect, globals, timeoutMs } from '../context.ts';
import { STACK, getObject } from '../lookup.ts';
import type { CliIO } from '../program.ts';

export interface LocalRenderOptions {
  /** The directory to render, as the user typed it. */
  path: string;
  kustomize?: string;
  /** `K=V` pairs from --substitute, over the Stack's own variables. */
  substitute?: string[];
  /** With a Stack: its targetNamespace and substitution variables, read from the cluster. */
  stack?: Stack;
  api?: KubeApi;
  timeoutMs?: number;
}

/**
 * The checkout the directory belongs to: the enclosing Git working tree (so a kustomization's
 * `../base` resolves as it does in the controller's checkout), else the directory itself.
 */
function checkoutOf(dir: string): string {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return d;
    if (dirname(d) === d) return dir;
  }
}

function parseSubstitutes(pairs: readonly string[]): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new CliError(`--substitute "${pair}" is not KEY=VALUE`, { hint: 'for example --substitute CLUSTER=prod' });
    vars[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return vars;
}

/**
 * Renders a local directory with the controller's own render (the same YAML reading,
 * kustomize, target namespace and substitution), so what it prints is what a commit of the
 * directory would apply. Render errors are GovernorErrors whose file is shown relative to the
 * current directory.
 */
export async function renderLocal(opts: LocalRenderOptions): Promise<KubeObject[]> {
  const dir = resolve(opts.path);
  if (!existsSync(dir)) throw new CliError(`--path ${opts.path}: no such file or directory`);
  const root = checkoutOf(statSync(dir).isDirectory() ? dir : dirname(dir));
  let variables: Record<string, string> | undefined;
  let targetNamespace: string | undefined;
  if (opts.stack && opts.api) {
    const checked = validateSpec('Stack', opts.stack.spec);
    if (!checked.ok) throw new CliError(`${checked.error.message}`);
    targetNamespace = checked.value.targetNamespace;
    variables = await substitutionVariables(opts.stack, checked.value, opts.api);
  }
  if (opts.substitute?.length) variables = { ...variables, ...parseSubstitutes(opts.substitute) };
  try {
    const { objects } = await render({
      checkoutDir: root,
      path: relative(root, dir).split(sep).join('/') || '.',
      kustomizeBinary: findKustomize(opts.kustomize, process.env),
      targetNamespace,
      variables,
      ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    });
    return objects;
  } catch (err) {
    if (isGovernorError(err) && typeof err.details.file === 'string' && err.message.startsWith(err.details.file)) {
      // The render names files relative to the checkout; the user thinks relative to where they are.
      const abs = join(root, err.details.file);
      const rel = relative(process.cwd(), abs);
      const shown = rel && !rel.startsWith('..') ? rel : abs;
      err.message = shown + err.message.slice(err.details.file.length);
    }
    throw err;
  }
}

/** YAML as kubectl reads it (1.1): strings such as "yes", "on" or "0644" stay quoted strings. */
export function toYaml(obj: unknown, sort = false): string {
  return stringify(obj, { version: '1.1', lineWidth: 0, sortMapEntries: sort ? byKey : false });
}

/** Sorted keys, but apiVersion, kind and metadata first, where Kubernetes readers look for them. */
const first = ['apiVersion', 'kind', 'metadata'];
function byKey(a: Pair, b: Pair): number {
  const ka = String(isScalar(a.key) ? a.key.value : a.key);
  const kb = String(isScalar(b.key) ? b.key.value : b.key);
  const ra = first.indexOf(ka);
  const rb = first.indexOf(kb);
  if (ra !== rb) return (ra === -1 ? first.length : ra) - (rb === -1 ? first.length : rb);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export function registerBuild(program: Command, io: CliIO): void {
  const build = program.command('build').description('render manifests locally, exactly as the controller would');
  build
    .command('stack [name]')
    .description('render the directory --path as the controller renders a Stack and print the objects as YAML (no cluster needed without NAME)')
    .requiredOption('--path <dir>', 'the local directory to render (a kustomization or plain manifests)')
    .option('--kustomize <bin>', 'the kustomize binary (default: kustomize on PATH)')
    .option('--substitute <KEY=VALUE>', 'a substitution variable (repeatable); over the Stack\'s own', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .action(async (name: string | undefined, opts: { path: string; kustomize?: string; substitute: string[] }, cmd: Command) => {
      const global = globals(cmd);
      const session = name ? await connect(global) : undefined;
      try {
        const stack = session && name ? await getObject<Stack>(session.api, STACK, session.namespace, name) : undefined;
        let objects: KubeObject[];
        try {
          objects = await renderLocal({ path: opts.path, kustomize: opts.kustomize, substitute: opts.substitute, stack, api: session?.api, timeoutMs: timeoutMs(global) });
        } catch (err) {
          if (isGovernorError(err)) throw new CliError(`${err.code}: ${err.message}`, { exitCode: 1 });
          throw err;
        }
        if (objects.length === 0) io.err(`no objects rendered from ${opts.path}\n`);
        io.out(objects.map((o) => toYaml(o)).join('---\n'));
      } finally {
        session?.close();
      }
    });
}

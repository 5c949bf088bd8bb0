import { readFile, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { GovernorError, ErrorCodes } from '../errors.ts';
import { checkTree, confirmInside, displayPath, isInside } from './paths.ts';

/** The names kustomize looks for, in its own order of preference. */
export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

/** The kustomization file directly in `dir`, if any (names compared exactly, even on case-insensitive disks). */
export async function findKustomization(dir: string): Promise<string | undefined> {
  const names = new Set(await readdir(dir));
  const name = KUSTOMIZATION_FILES.find((n) => names.has(n));
  return name === undefined ? undefined : join(dir, name);
}

/**
 * Whether kustomize would fetch this entry from the network. Kustomize tries anything that is not
 * a local path as a Git or HTTP URL, so besides explicit URLs this matches its shorthands
 * (`github.com/org/repo//dir?ref=v1`, `git@host:org/repo`).
 */
export function looksRemote(entry: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) ||
    /^(git::|git@|[^/\s]+@[^/\s]+:)/i.test(entry) ||
    /^(github\.com|gitlab\.com|bitbucket\.org|dev\.azure\.com)[/:]/i.test(entry) ||
    /\?(.*&)?(ref|version|submodules|timeout)=/.test(entry)
  );
}

/** `example.com/org/repo`: kustomize would try it as a URL when no such local path exists. */
function looksLikeHost(entry: string): boolean {
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?\//i.test(entry);
}

interface Ref {
  field: string;
  value: string;
  /** Resources may be kustomization directories to scan in turn; files are only checked. */
  resource: boolean;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function strings(value: unknown): string[] {
  return list(value).filter((v): v is string => typeof v === 'string');
}

/** Every local path or URL a kustomization can make kustomize read. */
function referencesOf(k: Record<string, unknown>): Ref[] {
  const refs: Ref[] = [];
  const add = (field: string, value: unknown, resource: boolean): void => {
    if (typeof value === 'string' && value !== '') refs.push({ field, value, resource });
  };
  for (const field of ['resources', 'bases', 'components', 'generators', 'transformers', 'validators']) {
    // generators/transformers/validators may also hold inline configs (mappings): nothing to fetch.
    for (const v of strings(k[field])) add(field, v, true);
  }
  for (const field of ['crds', 'configurations']) for (const v of strings(k[field])) add(field, v, false);
  // An entry with a line break is an inline patch, not a path.
  for (const v of strings(k.patchesStrategicMerge)) if (!v.includes('\n')) add('patchesStrategicMerge', v, false);
  for (const field of ['patches', 'patchesJson6902', 'replacements']) {
    for (const p of list(k[field])) if (isMapping(p)) add(`${field}.path`, p.path, false);
  }
  for (const field of ['configMapGenerator', 'secretGenerator']) {
    for (const g of list(k[field])) {
      if (!isMapping(g)) continue;
      // `files` entries may be `key=path`.
      for (const f of strings(g.files)) add(`${field}.files`, f.slice(f.indexOf('=') + 1), false);
      for (const e of strings(g.envs)) add(`${field}.envs`, e, false);
      add(`${field}.env`, g.env, false);
    }
  }
  if (isMapping(k.openapi)) add('openapi.path', k.openapi.path, false);
  if (isMapping(k.helmGlobals)) add('helmGlobals.chartHome', k.helmGlobals.chartHome, false);
  for (const c of list(k.helmCharts)) if (isMapping(c)) add('helmCharts.repo', c.repo, false);
  for (const c of list(k.helmChartInflationGenerator)) {
    if (isMapping(c)) add('helmChartInflationGenerator.chartRepoUrl', c.chartRepoUrl, false);
  }
  return refs;
}

async function readKustomization(root: string, file: string): Promise<Record<string, unknown>> {
  const shown = displayPath(root, file);
  const doc = parseDocument(await readFile(file, 'utf8'), { uniqueKeys: true, prettyErrors: true });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    const where = pos ? `${shown}:${pos.line}:${pos.col}` : shown;
    throw new GovernorError(ErrorCodes.InvalidYaml, `${where}: ${err.message.split('\n', 1)[0]}`, {
      details: { file: shown, line: pos?.line, column: pos?.col },
    });
  }
  const value: unknown = doc.toJS();
  return isMapping(value) ? value : {};
}

function refused(shownFile: string, ref: Ref): GovernorError {
  return new GovernorError(
    ErrorCodes.RemoteBaseRefused,
    `${shownFile}: ${ref.field} entry "${ref.value}" is remote; remote bases are refused, vendor it into the repository`,
    { details: { file: shownFile, field: ref.field, entry: ref.value } },
  );
}

/**
 * Walks every kustomization reachable from `dir` before kustomize runs: refuses remote entries
 * (kustomize would fetch them with no credentials policy and no pinning we control) and local
 * entries leading outside the checkout. Kustomize's own `LoadRestrictionsRootOnly` does not
 * cover either: it lets resources point at any directory, and it does not follow symlinked
 * files, so every directory of every kustomization is also checked for escaping symlinks.
 */
export async function checkKustomizationRefs(root: string, dir: string, seen: Set<string> = new Set()): Promise<void> {
  const real = await confirmInside(root, dir);
  if (seen.has(real)) return;
  seen.add(real);
  const file = await findKustomization(dir);
  if (file === undefined) return;
  const shownFile = displayPath(root, file);
  await confirmInside(root, file);
  await checkTree(root, dir);
  for (const ref of referencesOf(await readKustomization(root, file))) {
    if (looksRemote(ref.value)) throw refused(shownFile, ref);
    const target = resolve(dir, ref.value);
    if (!isInside(root, target)) {
      throw new GovernorError(
        ErrorCodes.PathEscapesCheckout,
        `${shownFile}: ${ref.field} entry "${ref.value}" leads outside the checkout`,
        { details: { file: shownFile, field: ref.field, entry: ref.value } },
      );
    }
    const info = await stat(target).catch(() => undefined);
    if (info === undefined) {
      if (ref.resource && looksLikeHost(ref.value)) throw refused(shownFile, ref);
      // Missing local files are left for kustomize to report in its own words.
      continue;
    }
    await confirmInside(root, target);
    if (ref.resource && info.isDirectory()) await checkKustomizationRefs(root, target, seen);
  }
}

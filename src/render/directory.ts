import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { GovernorError, ErrorCodes } from '../errors.ts';
import { findKustomization } from './kustomization-refs.ts';
import { renderKustomization } from './kustomize.ts';
import { displayPath, readDirChecked } from './paths.ts';
import type { SourceDocument } from './types.ts';
import { parseManifests } from './yaml.ts';

/** kubectl's list, compared case-sensitively as kubectl does. */
const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

export interface DirectoryOptions {
  /** Real path of the checkout root. */
  root: string;
  /** The directory to render, inside the checkout (already confirmed by resolveInCheckout). */
  dir: string;
  kustomizeBinary?: string;
  timeoutMs?: number;
}

async function kustomizeAt(options: DirectoryOptions, dir: string): Promise<SourceDocument[]> {
  if (options.kustomizeBinary === undefined) {
    throw new GovernorError(
      ErrorCodes.KustomizeFailed,
      `${displayPath(options.root, dir)}: has a kustomization but no kustomize binary is configured`,
      { details: { path: displayPath(options.root, dir) } },
    );
  }
  return renderKustomization({ binary: options.kustomizeBinary, root: options.root, dir, timeoutMs: options.timeoutMs });
}

/** Parses one manifest file; `path` is the lexical path shown in messages, `real` the one read. */
export async function renderFile(root: string, path: string, real: string): Promise<SourceDocument[]> {
  return parseManifests(await readFile(real, 'utf8'), displayPath(root, path));
}

/**
 * Walks like `kubectl apply -R` (entries in byte order, depth first, symlinked directories not
 * followed) but skips hidden files and directories, which hold tooling config rather than
 * manifests. A subdirectory with its own kustomization is rendered by kustomize and not walked,
 * as Flux does: its raw files (patches, the kustomization itself) are not objects.
 */
async function walk(options: DirectoryOptions, dir: string, out: SourceDocument[]): Promise<void> {
  for (const entry of await readDirChecked(options.root, dir, { skipHidden: true })) {
    if (entry.type === 'dir') {
      if ((await findKustomization(entry.path)) !== undefined) out.push(...(await kustomizeAt(options, entry.path)));
      else await walk(options, entry.path, out);
    } else if (entry.type === 'file' && MANIFEST_EXTENSIONS.has(extname(entry.name))) {
      out.push(...(await renderFile(options.root, entry.path, entry.real)));
    }
  }
}

/** Renders a directory: with kustomize when it holds a kustomization, else every manifest file under it. */
export async function renderDirectory(options: DirectoryOptions): Promise<SourceDocument[]> {
  if ((await findKustomization(options.dir)) !== undefined) return kustomizeAt(options, options.dir);
  const out: SourceDocument[] = [];
  await walk(options, options.dir, out);
  return out;
}

import { lstat, readdir, readlink, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { GovernorError, ErrorCodes } from '../errors.ts';

function isNotFound(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** How a path inside the checkout is shown in messages: relative, with `/`, `.` for the root. */
export function displayPath(root: string, path: string): string {
  const rel = relative(root, path);
  return rel === '' ? '.' : rel.split(sep).join('/');
}

function escapes(shown: string, why: string): GovernorError {
  return new GovernorError(ErrorCodes.PathEscapesCheckout, `${shown}: ${why}`, { details: { path: shown } });
}

function notFound(shown: string): GovernorError {
  return new GovernorError(ErrorCodes.PathNotFound, `${shown}: no such file or directory in the checkout`, {
    details: { path: shown },
  });
}

/** The checkout's real path: every later containment check compares real paths against it. */
export async function checkoutRoot(checkoutDir: string): Promise<string> {
  try {
    return await realpath(checkoutDir);
  } catch (err) {
    if (isNotFound(err)) throw notFound(checkoutDir);
    throw err;
  }
}

/**
 * Checks one symlink: its real target must be inside the checkout. A dangling link is judged by
 * where it points, so a link to a missing file outside is still an escape, not a "not found".
 */
async function checkLink(root: string, link: string): Promise<string | undefined> {
  const shown = displayPath(root, link);
  let real: string;
  try {
    real = await realpath(link);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    const target = resolve(dirname(link), await readlink(link));
    if (!isInside(root, target)) throw escapes(shown, 'is a symlink to a place outside the checkout');
    return undefined;
  }
  if (!isInside(root, real)) throw escapes(shown, 'is a symlink to a place outside the checkout');
  return real;
}

/**
 * Confirms that an absolute path, built lexically under `root` (a real path), exists and that no
 * symlink on the way to it leads out of the checkout, even one whose target leads back in.
 * Returns the real path.
 */
export async function confirmInside(root: string, path: string): Promise<string> {
  const shown = displayPath(root, path);
  if (!isInside(root, path)) throw escapes(shown, 'leads outside the checkout');
  let current = root;
  for (const segment of relative(root, path).split(sep).filter((s) => s !== '')) {
    current = join(current, segment);
    let info;
    try {
      info = await lstat(current);
    } catch (err) {
      if (isNotFound(err)) throw notFound(shown);
      throw err;
    }
    if (info.isSymbolicLink() && (await checkLink(root, current)) === undefined) throw notFound(shown);
  }
  const real = await realpath(path);
  if (!isInside(root, real)) throw escapes(shown, 'leads outside the checkout');
  return real;
}

/**
 * Resolves a Stack's `path` inside the checkout. It must be relative: an absolute path is refused
 * rather than re-rooted, so that what the user wrote is what gets read.
 */
export async function resolveInCheckout(root: string, path: string): Promise<{ path: string; real: string }> {
  if (isAbsolute(path)) throw escapes(path, 'an absolute path; the path must be relative to the repository root');
  const lexical = resolve(root, path);
  if (!isInside(root, lexical)) throw escapes(path, 'leads outside the checkout');
  return { path: lexical, real: await confirmInside(root, lexical) };
}

export interface DirEntry {
  name: string;
  /** Lexical path, under the directory that was read: what messages show. */
  path: string;
  /** Real path, checked to be inside the checkout: what gets read. */
  real: string;
  /** Symlinked directories are `linkedDir` so walkers can decide not to follow them (kubectl does not). */
  type: 'file' | 'dir' | 'linkedDir' | 'other';
}

/**
 * Lists a directory in a fixed order (by UTF-16 code unit, independent of locale and filesystem),
 * refusing any symlink in it that leads outside the checkout. Dangling symlinks inside are left out.
 */
export async function readDirChecked(root: string, dir: string, options: { skipHidden: boolean }): Promise<DirEntry[]> {
  const dirents = await readdir(dir, { withFileTypes: true });
  dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: DirEntry[] = [];
  for (const d of dirents) {
    if (options.skipHidden && d.name.startsWith('.')) continue;
    const path = join(dir, d.name);
    if (d.isSymbolicLink()) {
      const real = await checkLink(root, path);
      if (real === undefined) continue;
      const info = await lstat(real);
      out.push({ name: d.name, path, real, type: info.isDirectory() ? 'linkedDir' : info.isFile() ? 'file' : 'other' });
    } else {
      out.push({ name: d.name, path, real: path, type: d.isDirectory() ? 'dir' : d.isFile() ? 'file' : 'other' });
    }
  }
  return out;
}

/** Checks every symlink under `dir`, hidden ones included, without following symlinked directories. */
export async function checkTree(root: string, dir: string): Promise<void> {
  for (const entry of await readDirChecked(root, dir, { skipHidden: false })) {
    if (entry.type === 'dir') await checkTree(root, entry.path);
  }
}

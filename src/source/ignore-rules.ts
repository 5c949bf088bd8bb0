import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import ignore from 'ignore';

/**
 * Deletes from `root` every file and directory the gitignore-syntax `rules` match, so what a
 * Stack renders is exactly what is left. Returns the number of entries removed.
 */
export async function removeIgnored(root: string, rules: string): Promise<number> {
  // git on Linux matches case-sensitively; the package defaults to the opposite.
  const matcher = ignore({ ignorecase: false }).add(rules);
  let removed = 0;
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const rel = prefix + entry.name;
      const abs = join(dir, entry.name);
      // Symlinks are tested as files: a rule like `dir/` should not follow a link out of the tree.
      const isDir = entry.isDirectory();
      if (matcher.ignores(isDir ? `${rel}/` : rel)) {
        await rm(abs, { recursive: true, force: true });
        removed++;
      } else if (isDir) {
        await walk(abs, `${rel}/`);
      }
    }
  };
  await walk(root, '');
  return removed;
}

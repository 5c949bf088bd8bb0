import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { sourceFixture } from './test-fixture.ts';

async function files(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => !e.isDirectory())
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort();
}

test('ignore rules (gitignore syntax) remove matching files from the artifact', async (t) => {
  const f = await sourceFixture(t);
  await f.work.commit('tree', {
    'apps/a.yaml': 'a\n',
    'apps/a.md': 'doc\n',
    'apps/keep.md': 'kept by negation\n',
    'docs/guide.md': 'guide\n',
    'docs/img/x.png': 'png\n',
    'README.md': 'readme\n',
    'Notes.MD': 'case matters\n',
    'secret.env': 'X=1\n',
  });
  const rules = ['# comments and blank lines are fine', '', '*.md', '!apps/keep.md', '/docs/', 'secret.*'].join('\n');
  const a = await f.source.fetch({ url: f.url, ref: { branch: 'main' }, ignore: rules });
  assert.deepEqual(await files(a.dir), ['Notes.MD', 'apps/a.yaml', 'apps/keep.md']);

  const plain = await f.source.fetch({ url: f.url, ref: { branch: 'main' } });
  assert.equal((await files(plain.dir)).length, 8);
});

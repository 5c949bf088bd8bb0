/** `npm run generate`: writes config/crd/ from the API definitions, removing CRDs of kinds that are gone. */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot } from '../paths.ts';
import { CRD_DIR, isGeneratedCrdFile, renderCrdFiles } from './crd-files.ts';

const dir = join(packageRoot(), CRD_DIR);
const files = renderCrdFiles();
await mkdir(dir, { recursive: true });
for (const name of await readdir(dir)) {
  if (isGeneratedCrdFile(name) && !files.has(name)) {
    await rm(join(dir, name));
    console.log(`removed ${join(CRD_DIR, name)}`);
  }
}
for (const [name, content] of files) {
  await writeFile(join(dir, name), content);
  console.log(`wrote ${join(CRD_DIR, name)}`);
}

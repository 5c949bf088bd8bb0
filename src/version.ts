import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './paths.ts';

export interface VersionInfo {
  governor: string;
  node: string;
  platform: string;
}

/** Read on demand, never at import time. */
export function versionInfo(): VersionInfo {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return { governor: pkg.version, node: process.version, platform: `${process.platform}/${process.arch}` };
}

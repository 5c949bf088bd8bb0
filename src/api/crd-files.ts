/** The files under config/crd/, rendered from the definitions: what `npm run generate` writes. */
import { stringify } from 'yaml';
import { GROUP } from './constants.ts';
import { allCrds } from './crd.ts';

/** Relative to the package root. */
export const CRD_DIR = 'config/crd';

const HEADER = '# Generated from src/api by `npm run generate`. Do not edit: change the definitions and regenerate.\n';

function toYaml(value: unknown): string {
  // YAML 1.1 quoting, so readers that follow kubectl (where yes and on are booleans) read strings as strings.
  return HEADER + stringify(value, { version: '1.1', lineWidth: 0 });
}

/** Whether `name` is one of ours, so a stale one (of a kind that is gone) can be found. */
export function isGeneratedCrdFile(name: string): boolean {
  return name.startsWith(`${GROUP}_`) && name.endsWith('.yaml');
}

/** File name → content, for every file under CRD_DIR. */
export function renderCrdFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const crd of allCrds()) files.set(`${GROUP}_${crd.spec.names.plural}.yaml`, toYaml(crd));
  files.set(
    'kustomization.yaml',
    toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [...files.keys()] }),
  );
  return files;
}

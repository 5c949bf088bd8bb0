import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Binaries {
  k8sVersion: string;
  etcd: string;
  kubeApiserver: string;
  kubeControllerManager: string;
  kubeScheduler: string;
  kubectl: string;
  kwok: string;
  /** kwok's "fast" node and pod stages (a multi-document YAML of Stage objects). */
  kwokStages: string;
  kustomize: string;
  helm: string;
}

/** The Go wrapper module's folder, found from this file whether it runs as .ts or from dist/. */
function binsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'test', 'cluster', 'bins');
    if (existsSync(join(candidate, 'versions.env'))) return candidate;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find test/cluster/bins/versions.env above ' + import.meta.url);
    dir = up;
  }
}

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.GOVERNOR_CACHE ?? join(homedir(), '.cache', 'governor');
}

/** The pinned versions, from the one file the Go build script also reads. */
export async function pinnedVersions(): Promise<Record<string, string>> {
  const text = await readFile(join(binsDir(), 'versions.env'), 'utf8');
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(\S+)/.exec(line);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

/**
 * Builds whatever is missing (once per version, into the cache) and returns the paths.
 * The build script is the single place that knows how; when all is cached it returns at once.
 */
export async function ensureBinaries(): Promise<Binaries> {
  const v = await pinnedVersions();
  const bin = await new Promise<string>((resolve, reject) => {
    const child = spawn('bash', [join(binsDir(), 'build.sh')], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error(`test/cluster/bins/build.sh failed with exit code ${code}`)),
    );
  });
  const k = v.K8S_VERSION!;
  return {
    k8sVersion: k,
    etcd: join(bin, `etcd-${k}`),
    kubeApiserver: join(bin, `kube-apiserver-${k}`),
    kubeControllerManager: join(bin, `kube-controller-manager-${k}`),
    kubeScheduler: join(bin, `kube-scheduler-${k}`),
    kubectl: join(bin, `kubectl-${k}`),
    kwok: join(bin, `kwok-${v.KWOK_VERSION}`),
    kwokStages: join(bin, `kwok-stages-${v.KWOK_VERSION}.yaml`),
    kustomize: join(bin, `kustomize-${v.KUSTOMIZE_VERSION}`),
    helm: join(bin, `helm-${v.HELM_VERSION}`),
  };
}

/**
 * The controller process of the benchmarks: what `governor controller` runs (runController with
 * the configuration its flags build), started from here rather than through src/cli so that a
 * change to the command line's parsing cannot change what is measured.
 *
 *   node bench/controller.ts <kubeconfig> <cache-dir> <metrics-port> <kustomize> <namespace>...
 */
import { runController } from '../src/controller/run.ts';

const [kubeconfig, cacheDir, metricsPort, kustomize, ...namespaces] = process.argv.slice(2);
if (!kubeconfig || !cacheDir || !metricsPort || !kustomize) {
  console.error('usage: node bench/controller.ts <kubeconfig> <cache-dir> <metrics-port> <kustomize> <namespace>...');
  process.exit(2);
}
const running = await runController({
  cluster: { kubeconfig, inCluster: false },
  scope: { namespaces },
  work: { concurrency: 4 },
  leaderElection: { enabled: false, namespace: 'governor-system', name: 'governor-controller', leaseDurationMs: 15_000 },
  endpoints: { metricsAddr: `127.0.0.1:${metricsPort}`, healthAddr: '127.0.0.1:0' },
  source: { cacheDir, allowFileUrls: true },
  render: { kustomizeBinary: kustomize },
  installCrds: true,
  logLevel: 'info',
});
await new Promise<void>((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
});
running.log.info('shutting down');
await running.stop();

import { randomBytes } from 'node:crypto';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { findOnPath } from '../paths.ts';
import { KubeApi } from '../kube/api.ts';
import { KubeClient } from '../kube/client.ts';
import { connectionFrom, loadKubeConfig } from '../kube/config.ts';
import { createLogger, type Logger } from '../log.ts';
import { startDashboard } from '../dashboard/server.ts';
import { startProbeServer } from '../server/probes.ts';
import { GitSource } from '../source/git-source.ts';
import { installCrds } from './crds.ts';
import { assembleController, startWebhooks } from './assemble.ts';
import { KubeEventRecorder } from './events.ts';
import type { Manager } from './manager.ts';
import { ControllerMetrics } from './metrics.ts';

/** The controller's options, grouped by concern like Flux's flags. */
export interface ControllerConfig {
  cluster: { kubeconfig?: string; context?: string; inCluster: boolean };
  scope: { namespaces: string[] };
  work: { concurrency: number };
  leaderElection: { enabled: boolean; namespace: string; name: string; leaseDurationMs: number };
  /** host:port for each server; "0" (or absent, for the optional ones) disables it. */
  endpoints: { metricsAddr: string; healthAddr: string; webhookAddr?: string; dashboardAddr?: string };
  source: { cacheDir: string; allowFileUrls: boolean };
  render: { kustomizeBinary?: string };
  installCrds: boolean;
  logLevel: string;
}

export function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  return env.GOVERNOR_CACHE ? join(env.GOVERNOR_CACHE, 'controller') : join(homedir(), '.cache', 'governor', 'controller');
}

/** kustomize from the flag, else PATH, else none (a kustomization then fails with a clear message). */
export function findKustomize(flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  return flag ?? findOnPath('kustomize', env);
}

export interface RunningController {
  manager: Manager;
  log: Logger;
  /** The ports each server bound (useful when an address asked for port 0). */
  ports: { health: number; metrics?: number; webhook?: number; dashboard?: number };
  stop(): Promise<void>;
}

export async function runController(cfg: ControllerConfig, log: Logger = createLogger({ level: cfg.logLevel })): Promise<RunningController> {
  const kc = loadKubeConfig({ kubeconfig: cfg.cluster.kubeconfig, context: cfg.cluster.context, inCluster: cfg.cluster.inCluster });
  const client = new KubeClient(await connectionFrom(kc), { userAgent: 'governor-controller' });
  const api = new KubeApi(client);
  if (cfg.installCrds) await installCrds(api);
  const metrics = new ControllerMetrics();
  const identity = `${hostname()}-${randomBytes(3).toString('hex')}`;
  const { manager, stop: stopManager } = assembleController({
    api,
    source: new GitSource({ cacheDir: cfg.source.cacheDir, allowFileUrls: cfg.source.allowFileUrls }),
    recorder: new KubeEventRecorder(client, { instance: identity }),
    log,
    metrics,
    namespaces: cfg.scope.namespaces,
    concurrency: cfg.work.concurrency,
    kustomizeBinary: cfg.render.kustomizeBinary,
    leaderElection: cfg.leaderElection.enabled
      ? {
          namespace: cfg.leaderElection.namespace,
          name: cfg.leaderElection.name,
          identity,
          leaseDurationMs: cfg.leaderElection.leaseDurationMs,
          // client-go's 15 s : 10 s : 2 s, whatever the lease duration.
          renewDeadlineMs: Math.round((cfg.leaderElection.leaseDurationMs * 2) / 3),
          retryPeriodMs: Math.round((cfg.leaderElection.leaseDurationMs * 2) / 15),
        }
      : undefined,
    onLostLeadership: () => {
      log.error('lost leadership: exiting so a fresh process can compete again');
      process.exitCode = 1;
      process.kill(process.pid, 'SIGTERM');
    },
  });
  const probes = await startProbeServer({ address: cfg.endpoints.healthAddr, ready: () => manager.ready() });
  const metricsServer =
    cfg.endpoints.metricsAddr && cfg.endpoints.metricsAddr !== '0'
      ? await startProbeServer({ address: cfg.endpoints.metricsAddr, ready: () => manager.ready(), registry: metrics.registry })
      : undefined;
  await manager.start();
  const enabled = (addr: string | undefined): addr is string => Boolean(addr) && addr !== '0';
  const webhooks = enabled(cfg.endpoints.webhookAddr)
    ? await startWebhooks({ address: cfg.endpoints.webhookAddr, manager, api, log, metrics })
    : undefined;
  // Every replica serves the dashboard: it reads its own cache and acts as the signed-in user.
  const dashboard = enabled(cfg.endpoints.dashboardAddr)
    ? await startDashboard({ address: cfg.endpoints.dashboardAddr, connection: client.conn, mode: 'token', log, namespaces: cfg.scope.namespaces })
    : undefined;
  const ports = {
    health: probes.port,
    ...(metricsServer ? { metrics: metricsServer.port } : {}),
    ...(webhooks ? { webhook: webhooks.port } : {}),
    ...(dashboard ? { dashboard: dashboard.port } : {}),
  };
  log.info({ replica: identity, ports }, 'controller started');
  return {
    manager,
    log,
    ports,
    stop: async () => {
      await dashboard?.close();
      await webhooks?.close();
      await stopManager();
      await probes.close();
      await metricsServer?.close();
      client.close();
    },
  };
}

import type { TestContext } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_VERSION, type GitRepository, type Stack, type StackInput, type GitRepositoryInput } from '../../src/api/index.ts';
import { installCrds } from '../../src/controller/crds.ts';
import { KubeEventRecorder } from '../../src/controller/events.ts';
import { assembleController } from '../../src/controller/assemble.ts';
import type { Manager, ManagerOptions } from '../../src/controller/manager.ts';
import type { Notifier } from '../../src/notification/dispatcher.ts';
import type { KubeApi } from '../../src/kube/api.ts';
import type { KubeObject } from '../../src/kube/types.ts';
import { createLogger } from '../../src/log.ts';
import { GitSource } from '../../src/source/git-source.ts';
import { ensureBinaries } from '../cluster/bins.ts';
import type { ClusterInfo } from '../cluster/client.ts';
import { waitFor } from '../cluster/http.ts';
import { GitServer } from '../git/server.ts';
import { WorkDir } from '../git/workdir.ts';
import { testKubeApi } from './cluster.ts';

export interface TestController {
  manager: Manager;
  notifier: Notifier;
  api: KubeApi;
  logFile: string;
  stop(): Promise<void>;
}

/** A Governor controller in this process, watching only the given namespaces of the test cluster. */
export async function startController(
  t: TestContext,
  info: ClusterInfo,
  opts: { namespaces: string[] } & Partial<Pick<ManagerOptions, 'concurrency' | 'leaderElection' | 'metrics'>>,
): Promise<TestController> {
  const api = await testKubeApi(t, info);
  await installCrds(api);
  const dir = await mkdtemp(join(tmpdir(), 'governor-ctrl-'));
  const logFile = join(dir, 'controller.log');
  const stream = createWriteStream(logFile);
  const log = createLogger({ level: 'debug', destination: stream });
  const { manager, notifier, stop: stopAll } = assembleController({
    api,
    source: new GitSource({ cacheDir: join(dir, 'cache'), allowFileUrls: true }),
    recorder: new KubeEventRecorder(api.client),
    // Tests see a retry within a second, not after minutes.
    notificationRetry: { attempts: 3, baseDelayMs: 50 },
    log,
    namespaces: opts.namespaces,
    concurrency: opts.concurrency ?? 4,
    kustomizeBinary: (await ensureBinaries()).kustomize,
    leaderElection: opts.leaderElection,
    metrics: opts.metrics,
  });
  await manager.start();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await stopAll();
    await new Promise<void>((r) => stream.end(r));
    await rm(dir, { recursive: true, force: true });
  };
  t.after(stop);
  return { manager, notifier, api, logFile, stop };
}

/** A Git server with one repository and a working copy to commit into; stopped after the test. */
export async function gitFixture(t: TestContext, name = 'platform'): Promise<{ server: GitServer; url: string; work: WorkDir }> {
  const server = await new GitServer().start();
  const url = await server.createRepo(name);
  const work = await WorkDir.create(url);
  t.after(async () => {
    await work.remove();
    await server.stop();
  });
  return { server, url, work };
}

export function gitRepository(namespace: string, name: string, spec: GitRepositoryInput['spec']): KubeObject {
  return { apiVersion: API_VERSION, kind: 'GitRepository', metadata: { name, namespace }, spec } as KubeObject;
}

export function stack(namespace: string, name: string, spec: StackInput['spec']): KubeObject {
  return { apiVersion: API_VERSION, kind: 'Stack', metadata: { name, namespace }, spec } as KubeObject;
}

export async function getStack(api: KubeApi, namespace: string, name: string): Promise<Stack | undefined> {
  return api.find<Stack>({ apiVersion: API_VERSION, kind: 'Stack', namespace, name });
}

export async function getRepo(api: KubeApi, namespace: string, name: string): Promise<GitRepository | undefined> {
  return api.find<GitRepository>({ apiVersion: API_VERSION, kind: 'GitRepository', namespace, name });
}

export function readyCondition(obj: { status?: { conditions?: { type: string; status: string; reason: string; message: string }[] } } | undefined) {
  return obj?.status?.conditions?.find((c) => c.type === 'Ready');
}

/** Waits until the Stack satisfies the predicate; the error shows its last status. */
export async function waitForStack(api: KubeApi, namespace: string, name: string, what: string, ok: (s: Stack) => boolean, timeoutMs = 60_000): Promise<Stack> {
  let last: Stack | undefined;
  try {
    await waitFor(`Stack ${namespace}/${name} ${what}`, async () => {
      last = await getStack(api, namespace, name);
      return last !== undefined && ok(last);
    }, timeoutMs, 200);
  } catch (err) {
    throw new Error(`${(err as Error).message}\nlast status: ${JSON.stringify(last?.status, null, 2)}`, { cause: err });
  }
  return last!;
}

/** Ready=True at the given revision (or any, when absent) with the latest generation observed. */
export function readyAt(revisionSha?: string): (s: Stack) => boolean {
  return (s) =>
    readyCondition(s)?.status === 'True' &&
    s.status?.observedGeneration === s.metadata.generation &&
    (revisionSha === undefined || (s.status?.lastAppliedRevision ?? '').endsWith(revisionSha));
}

/** The Events recorded about one object, newest last. */
export async function eventsFor(api: KubeApi, namespace: string, name: string): Promise<{ reason: string; message: string; type: string }[]> {
  const list = await api.listAll<KubeObject & { reason: string; message: string; type: string; involvedObject: { name: string } }>('v1', 'Event', namespace, {
    fieldSelector: `involvedObject.name=${name}`,
  });
  return list.items.map((e) => ({ reason: e.reason, message: e.message, type: e.type }));
}

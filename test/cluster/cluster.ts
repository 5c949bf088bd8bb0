import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBinaries, type Binaries } from './bins.ts';
import { apiRequest, type ClusterInfo } from './client.ts';
import { FatalWaitError, httpsRequest, waitFor } from './http.ts';
import { buildKubeConfig, kubeConfigYaml, type KubeConfigObject } from './kubeconfig.ts';
import { createPki, type Pki } from './pki.ts';
import { freePort } from './ports.ts';
import { ManagedProcess, ProcessRegistry } from './process.ts';

export type ComponentName = 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kwok';

/** Start order; stop runs it backwards. */
export const COMPONENTS: readonly ComponentName[] = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok'];

export interface ClusterOptions {
  /** Fake nodes that kwok plays. */
  nodes?: number;
  /** Working directory; a new temporary one (removed on stop) when absent. */
  dir?: string;
  /** Write the API server's audit log (every request, metadata level) to `<dir>/audit.log`. */
  auditLog?: boolean;
  /** Milliseconds to wait for each component to become ready. */
  readyTimeoutMs?: number;
  /** Where started PIDs are appended (defaults to $GOVERNOR_PID_LOG). */
  pidLog?: string;
  /** Kill everything and exit on SIGINT/SIGTERM (default true); false when the caller shuts down in order. */
  exitOnSignal?: boolean;
}

/** Which ports each component binds, so a collision can be retried with new ones. */
const PORTS_OF: Record<ComponentName, (keyof Ports)[]> = {
  etcd: ['etcdClient', 'etcdPeer'],
  'kube-apiserver': ['apiserver'],
  'kube-controller-manager': ['controllerManager'],
  'kube-scheduler': ['scheduler'],
  kwok: ['kwok'],
};

interface Ports {
  etcdClient: number;
  etcdPeer: number;
  apiserver: number;
  controllerManager: number;
  scheduler: number;
  kwok: number;
}

/**
 * A whole Kubernetes control plane on loopback, built from the official Go modules:
 * etcd, kube-apiserver, kube-controller-manager, kube-scheduler, and kwok playing the nodes.
 */
export class LocalCluster {
  readonly name = 'governor-local';
  private readonly registry: ProcessRegistry;
  private readonly procs = new Map<ComponentName, ManagedProcess>();
  private ownsDir = false;
  dir = '';
  bins!: Binaries;
  pki!: Pki;
  ports!: Ports;
  caPem = '';
  kubeconfig!: KubeConfigObject;
  kubeconfigPath = '';

  private readonly opts: ClusterOptions;

  constructor(opts: ClusterOptions = {}) {
    this.opts = opts;
    this.registry = new ProcessRegistry(opts.pidLog ?? process.env.GOVERNOR_PID_LOG, { exitOnSignal: opts.exitOnSignal });
  }

  get server(): string {
    return `https://127.0.0.1:${this.ports.apiserver}`;
  }

  get token(): string {
    return this.pki.adminToken;
  }

  get auditLogPath(): string {
    return join(this.dir, 'audit.log');
  }

  /** PIDs of the components now running. */
  pids(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, p] of this.procs) if (p.running && p.pid) out[name] = p.pid;
    return out;
  }

  async start(): Promise<this> {
    this.bins = await ensureBinaries();
    if (this.opts.dir) {
      this.dir = this.opts.dir;
      await mkdir(this.dir, { recursive: true });
    } else {
      this.dir = await mkdtemp(join(tmpdir(), 'governor-cluster-'));
      this.ownsDir = true;
    }
    this.pki = await createPki(join(this.dir, 'pki'));
    this.ports = {
      etcdClient: await freePort(),
      etcdPeer: await freePort(),
      apiserver: await freePort(),
      controllerManager: await freePort(),
      scheduler: await freePort(),
      kwok: await freePort(),
    };
    if (this.opts.auditLog) {
      await writeFile(
        join(this.dir, 'audit-policy.yaml'),
        'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: ["RequestReceived"]\nrules:\n- level: Metadata\n',
      );
    }
    try {
      for (const c of COMPONENTS) {
        await this.firstStart(c);
        if (c === 'kube-apiserver') await this.writeKubeconfigs();
      }
      await this.createNodes(this.opts.nodes ?? 1);
    } catch (err) {
      await this.stop();
      throw err;
    }
    return this;
  }

  /**
   * A port picked as free can be taken by another process before the component binds it (tests
   * start clusters in parallel); then the component gets new ports and one more try.
   */
  private async firstStart(name: ComponentName, attempts = 3): Promise<void> {
    for (let i = 1; ; i++) {
      try {
        return await this.startComponent(name);
      } catch (err) {
        if (i >= attempts || !/address already in use/i.test((err as Error).message)) throw err;
        await this.procs.get(name)?.stop();
        this.procs.delete(name);
        for (const key of PORTS_OF[name]) this.ports[key] = await freePort();
      }
    }
  }

  /** Starts one component (after a stop) and waits until it is ready. */
  async startComponent(name: ComponentName): Promise<void> {
    let p = this.procs.get(name);
    if (!p) {
      const [command, args] = this.commandFor(name);
      p = new ManagedProcess({ name, command, args, logFile: join(this.dir, `${name}.log`) }, this.registry);
      this.procs.set(name, p);
    }
    p.start();
    try {
      await this.waitReady(name, p);
    } catch (err) {
      const tail = await this.logTail(name);
      throw new Error(`${(err as Error).message}\n--- last lines of ${name}.log ---\n${tail}`, { cause: err });
    }
  }

  async stopComponent(name: ComponentName): Promise<void> {
    await this.procs.get(name)?.stop();
  }

  /** SIGKILL, as a crash would. */
  async killComponent(name: ComponentName): Promise<void> {
    await this.procs.get(name)?.kill();
  }

  async restartComponent(name: ComponentName): Promise<void> {
    await this.stopComponent(name);
    await this.startComponent(name);
  }

  async stop(): Promise<void> {
    for (const c of [...COMPONENTS].reverse()) await this.procs.get(c)?.stop();
    if (this.ownsDir && this.dir) await rm(this.dir, { recursive: true, force: true });
  }

  async logTail(name: ComponentName, lines = 30): Promise<string> {
    try {
      return (await readFile(join(this.dir, `${name}.log`), 'utf8')).split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** A request to the API server as the cluster admin; JSON in and out. */
  api<T = unknown>(method: string, path: string, body?: unknown, contentType?: string): Promise<{ status: number; body: T }> {
    return apiRequest<T>(this.info(), method, path, body, contentType);
  }

  info(): ClusterInfo {
    return { server: this.server, token: this.token, caPem: this.caPem, kubeconfigPath: this.kubeconfigPath };
  }

  private commandFor(name: ComponentName): [string, string[]] {
    const d = this.dir;
    const p = this.ports;
    const kubeconfig = join(d, 'admin.kubeconfig');
    switch (name) {
      case 'etcd':
        return [
          this.bins.etcd,
          [
            '--name=governor',
            `--data-dir=${join(d, 'etcd')}`,
            `--listen-client-urls=http://127.0.0.1:${p.etcdClient}`,
            `--advertise-client-urls=http://127.0.0.1:${p.etcdClient}`,
            `--listen-peer-urls=http://127.0.0.1:${p.etcdPeer}`,
            `--initial-advertise-peer-urls=http://127.0.0.1:${p.etcdPeer}`,
            `--initial-cluster=governor=http://127.0.0.1:${p.etcdPeer}`,
            '--unsafe-no-fsync',
            '--log-level=warn',
          ],
        ];
      case 'kube-apiserver':
        return [
          this.bins.kubeApiserver,
          [
            `--etcd-servers=http://127.0.0.1:${p.etcdClient}`,
            '--bind-address=127.0.0.1',
            '--advertise-address=127.0.0.1',
            `--secure-port=${p.apiserver}`,
            `--cert-dir=${join(d, 'pki', 'apiserver')}`,
            '--service-cluster-ip-range=10.0.0.0/24',
            '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
            `--service-account-key-file=${this.pki.serviceAccountPub}`,
            `--service-account-signing-key-file=${this.pki.serviceAccountKey}`,
            `--token-auth-file=${this.pki.tokenFile}`,
            '--authorization-mode=RBAC',
            '--allow-privileged=true',
            // Since 1.37 the endpoint reconciler refuses loopback addresses; nothing here needs the
            // `kubernetes` Service endpoints, since no Pod really runs.
            '--endpoint-reconciler-type=none',
            ...(this.opts.auditLog
              ? [`--audit-policy-file=${join(d, 'audit-policy.yaml')}`, `--audit-log-path=${this.auditLogPath}`, '--audit-log-mode=blocking']
              : []),
          ],
        ];
      case 'kube-controller-manager':
        return [
          this.bins.kubeControllerManager,
          [
            `--kubeconfig=${kubeconfig}`,
            '--bind-address=127.0.0.1',
            `--secure-port=${p.controllerManager}`,
            `--cert-dir=${join(d, 'pki', 'kcm')}`,
            `--service-account-private-key-file=${this.pki.serviceAccountKey}`,
            `--root-ca-file=${join(d, 'pki', 'apiserver', 'apiserver.crt')}`,
            '--leader-elect=false',
            '--controllers=*,-nodeipam',
          ],
        ];
      case 'kube-scheduler':
        return [
          this.bins.kubeScheduler,
          [
            `--kubeconfig=${kubeconfig}`,
            '--bind-address=127.0.0.1',
            `--secure-port=${p.scheduler}`,
            `--cert-dir=${join(d, 'pki', 'scheduler')}`,
            '--leader-elect=false',
          ],
        ];
      case 'kwok':
        return [
          this.bins.kwok,
          [
            `--kubeconfig=${kubeconfig}`,
            `--config=${this.bins.kwokStages}`,
            '--manage-all-nodes=false',
            '--node-lease-duration-seconds=40',
            '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
            '--cidr=10.0.0.1/24',
            '--node-ip=10.0.0.1',
            `--server-address=127.0.0.1:${p.kwok}`,
          ],
        ];
    }
  }

  private async waitReady(name: ComponentName, p: ManagedProcess): Promise<void> {
    const timeout = this.opts.readyTimeoutMs ?? 60_000;
    const alive = () => {
      if (p.unexpectedExit) throw new FatalWaitError(p.unexpectedExit);
    };
    const probe = async (url: string, opts: Parameters<typeof httpsRequest>[1] = {}) => {
      alive();
      const res = await httpsRequest(url, { timeoutMs: 2000, ...opts });
      return res.status === 200;
    };
    const p0 = this.ports;
    switch (name) {
      case 'etcd':
        return waitFor('etcd health', async () => {
          alive();
          const res = await fetch(`http://127.0.0.1:${p0.etcdClient}/health`);
          return res.ok;
        }, timeout);
      case 'kube-apiserver':
        await waitFor('kube-apiserver serving certificate', async () => {
          alive();
          this.caPem = await readFile(join(this.dir, 'pki', 'apiserver', 'apiserver.crt'), 'utf8');
          return true;
        }, timeout);
        return waitFor('kube-apiserver /readyz', () => probe(`${this.server}/readyz`, { token: this.token, ca: this.caPem }), timeout);
      case 'kube-controller-manager':
        return waitFor('kube-controller-manager /healthz', () => probe(`https://127.0.0.1:${p0.controllerManager}/healthz`), timeout);
      case 'kube-scheduler':
        return waitFor('kube-scheduler /healthz', () => probe(`https://127.0.0.1:${p0.scheduler}/healthz`), timeout);
      case 'kwok':
        return waitFor('kwok /healthz', async () => {
          alive();
          const res = await fetch(`http://127.0.0.1:${p0.kwok}/healthz`);
          return res.ok;
        }, timeout);
    }
  }

  private async writeKubeconfigs(): Promise<void> {
    this.kubeconfig = buildKubeConfig({ name: this.name, server: this.server, caPem: this.caPem, token: this.token });
    this.kubeconfigPath = join(this.dir, 'admin.kubeconfig');
    await writeFile(this.kubeconfigPath, kubeConfigYaml(this.kubeconfig), { mode: 0o600 });
  }

  private async createNodes(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const name = `kwok-node-${i}`;
      const res = await this.api('POST', '/api/v1/nodes', {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name,
          annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
          labels: { type: 'kwok', 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' },
        },
        spec: {},
      });
      if (res.status !== 201 && res.status !== 409) throw new Error(`creating node ${name}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    }
    await waitFor(
      `${count} kwok node(s) Ready`,
      async () => {
        const res = await this.api<{ items: { status?: { conditions?: { type: string; status: string }[] } }[] }>('GET', '/api/v1/nodes');
        const ready = res.body.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
        return ready.length >= count;
      },
      60_000,
    );
  }
}

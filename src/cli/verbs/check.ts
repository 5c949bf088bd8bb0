import type { Command } from 'commander';
import { allCrds, VERSION } from '../../api/index.ts';
import { computeStatus } from '../../engine/health/index.ts';
import type { Obj } from '../../engine/types.ts';
import { CONTROLLER_NAME, DEFAULT_NAMESPACE } from '../../install/manifests.ts';
import type { KubeApi } from '../../kube/api.ts';
import type { KubeObject } from '../../kube/types.ts';
import { CliError, connect, globals } from '../context.ts';
import { colours } from '../output.ts';
import type { CliIO } from '../program.ts';

type Line = { ok: boolean; text: string; required: boolean; fix?: string };

type Crd = KubeObject & {
  spec?: { versions?: { name: string; served?: boolean }[] };
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
};

async function clusterVersion(api: KubeApi): Promise<Line> {
  const v = await api.client.request<{ gitVersion?: string; platform?: string }>('GET', '/version');
  return { ok: true, required: true, text: `Kubernetes ${v.gitVersion ?? 'version unknown'} at ${api.client.conn.server}` };
}

async function crdLines(api: KubeApi): Promise<Line[]> {
  const fix = 'install them with: governor install';
  return Promise.all(
    allCrds().map(async (want): Promise<Line> => {
      const name = want.metadata.name;
      const crd = await api.find<Crd>({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name });
      if (!crd) return { ok: false, required: true, text: `CRD ${name} is not installed`, fix };
      const established = crd.status?.conditions?.find((c) => c.type === 'Established');
      if (established?.status !== 'True') {
        return { ok: false, required: true, text: `CRD ${name} is not Established${established?.message ? `: ${established.message}` : ''}`, fix };
      }
      if (!crd.spec?.versions?.some((v) => v.name === VERSION && v.served !== false)) {
        return { ok: false, required: true, text: `CRD ${name} does not serve ${VERSION}`, fix: 'upgrade it with: governor install' };
      }
      return { ok: true, required: true, text: `CRD ${name} established (${VERSION})` };
    }),
  );
}

/** The installed controller, if any: optional (the controller may run elsewhere), but unhealthy is a failure. */
async function controllerLine(api: KubeApi, namespace: string): Promise<Line> {
  const deploy = await api.find<KubeObject & { spec?: { replicas?: number }; status?: { readyReplicas?: number } }>({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    namespace,
    name: CONTROLLER_NAME,
  });
  const where = `${namespace}/${CONTROLLER_NAME}`;
  if (!deploy) {
    return {
      ok: false,
      required: false,
      text: `controller Deployment ${where} not found (optional when the controller runs elsewhere)`,
      fix: 'install it with: governor install, or run: governor controller',
    };
  }
  const health = computeStatus(deploy as unknown as Obj);
  const replicas = `${deploy.status?.readyReplicas ?? 0}/${deploy.spec?.replicas ?? 1} ready`;
  if (health.status === 'Current') return { ok: true, required: false, text: `controller Deployment ${where} healthy (${replicas})` };
  return {
    ok: false,
    required: true,
    text: `controller Deployment ${where} is ${health.status} (${replicas})${health.message ? `: ${health.message}` : ''}`,
    fix: `see: governor logs, or kubectl -n ${namespace} describe deployment ${CONTROLLER_NAME}`,
  };
}

export function registerCheck(program: Command, io: CliIO): void {
  program
    .command('check')
    .description('check the cluster for Governor: its version, the CRDs, the controller\'s health and what is missing (exit 1 when something required is)')
    .action(async (_opts: unknown, cmd: Command) => {
      const g = globals(cmd);
      const namespace = g.namespace ?? DEFAULT_NAMESPACE;
      const c = colours(process.stdout.isTTY === true);
      const print = (l: Line) => io.out(`${l.ok ? c.green('✔') : l.required ? c.red('✖') : c.yellow('✖')} ${l.text}${!l.ok && l.fix ? ` — ${l.fix}` : ''}\n`);
      const session = await connect(g);
      const lines: Line[] = [];
      try {
        try {
          lines.push(await clusterVersion(session.api));
        } catch (err) {
          const line = { ok: false, required: true, text: `cannot reach the cluster at ${session.api.client.conn.server}: ${(err as Error).message}`, fix: 'check --kubeconfig and --context' };
          print(line);
          throw new CliError('', { exitCode: 1 });
        }
        print(lines[0]!);
        for (const l of await crdLines(session.api)) {
          lines.push(l);
          print(l);
        }
        const ctrl = await controllerLine(session.api, namespace);
        lines.push(ctrl);
        print(ctrl);
      } finally {
        session.close();
      }
      const failing = lines.filter((l) => !l.ok && l.required);
      if (failing.length > 0) {
        io.out(`${c.red('✖')} ${failing.length} required item${failing.length === 1 ? ' is' : 's are'} missing or unhealthy\n`);
        throw new CliError('', { exitCode: 1 });
      }
      io.out(`${c.green('✔')} all required checks passed\n`);
    });
}

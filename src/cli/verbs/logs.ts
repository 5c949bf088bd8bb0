import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { loadKubeConfig } from '../../kube/config.ts';
import type { KubeObject } from '../../kube/types.ts';
import { CliError, connect, globals, type GlobalOptions } from '../context.ts';
import type { CliIO } from '../program.ts';

interface LogsOptions {
  stack?: string;
  logFile?: string;
  controllerNamespace: string;
  tail?: number;
  raw: boolean;
}

/** pino's numeric levels. */
const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** Fields every line has, shown in fixed places (or not at all) rather than as key=value. */
const FIXED = new Set(['time', 'level', 'msg', 'pid', 'hostname']);

/** pino's logger name; the controller also logs an object's name under `name`, which wins in the JSON. */
const LOGGER_NAME = 'governor';

export function registerLogs(program: Command, io: CliIO): void {
  program
    .command('logs')
    .description("show the controller's log lines, for one Stack or all, from the controller pods or a log file")
    .option('--stack <name>', 'only lines about this Stack (in -n NAMESPACE)')
    .option('--log-file <file>', 'read this file (a controller run outside the cluster) instead of the pods')
    .option('--controller-namespace <ns>', 'the namespace the controller runs in', 'governor-system')
    .option('--tail <n>', 'only the last N matching lines', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new CliError(`--tail "${v}" is not a whole number`);
      return n;
    })
    .option('--raw', 'print the JSON lines as they are', false)
    .addHelpText('after', '\nExamples:\n  governor logs --stack web -n apps --tail 50\n  governor logs --log-file controller.log --stack web\n')
    .action(async (opts: LogsOptions, cmd: Command) => {
      const g = globals(cmd);
      const lines = opts.logFile ? (await readLogFile(opts.logFile)).split('\n') : await podLogs(g, opts.controllerNamespace);
      const filter = opts.stack ? { name: opts.stack, namespace: g.namespace ?? contextNamespace(g) } : undefined;
      let matched: { line: string; entry?: LogEntry }[] = [];
      for (const line of lines) {
        if (!line.trim()) continue;
        const entry = parseLine(line);
        if (filter && !(entry && matchesStack(entry, filter))) continue;
        matched.push({ line, entry });
      }
      if (opts.tail !== undefined) matched = opts.tail === 0 ? [] : matched.slice(-opts.tail);
      io.out(matched.map((m) => (opts.raw || !m.entry ? m.line : pretty(m.entry))).join('\n') + (matched.length ? '\n' : ''));
      if (matched.length === 0) io.err(filter ? `No log lines for Stack ${filter.namespace ?? '*'}/${filter.name}.\n` : 'No log lines.\n');
    });
}

type LogEntry = Record<string, unknown>;

async function readLogFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { exitCode: 1 });
  }
}

/** The kubeconfig context's namespace without connecting; undefined (any namespace) if there is none. */
function contextNamespace(g: GlobalOptions): string | undefined {
  try {
    const kc = loadKubeConfig({ kubeconfig: g.kubeconfig, context: g.context });
    return kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default';
  } catch {
    return undefined;
  }
}

function parseLine(line: string): LogEntry | undefined {
  try {
    const v: unknown = JSON.parse(line);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as LogEntry) : undefined;
  } catch {
    return undefined;
  }
}

/** The controller logs a Stack's name and namespace as top-level fields (kind Stack, or none). */
function matchesStack(e: LogEntry, f: { name: string; namespace: string | undefined }): boolean {
  if (e.name !== f.name) return false;
  if (e.kind !== undefined && e.kind !== 'Stack') return false;
  return f.namespace === undefined || e.namespace === f.namespace;
}

export function pretty(e: LogEntry): string {
  const level = typeof e.level === 'number' ? (LEVELS[e.level] ?? String(e.level)) : String(e.level ?? '').toUpperCase();
  // Which object first, whatever order the logger wrote the keys in.
  const first = ['kind', 'namespace', 'name'];
  const rest = [...first.filter((k) => k in e).map((k) => [k, e[k]] as const), ...Object.entries(e).filter(([k]) => !first.includes(k))]
    .filter(([k, v]) => !FIXED.has(k) && !(k === 'name' && v === LOGGER_NAME && e.kind === undefined))
    .map(([k, v]) => `${k}=${valueText(v)}`);
  return [String(e.time ?? ''), level.padEnd(5), String(e.msg ?? ''), ...rest].join(' ').trim();
}

function valueText(v: unknown): string {
  if (typeof v === 'string') return /[\s"=]/.test(v) || v === '' ? JSON.stringify(v) : v;
  return JSON.stringify(v);
}

interface Pod extends KubeObject {
  spec?: { containers?: { name: string }[] };
}

/** Every controller pod's log, merged in time order (replicas interleave; leader election moves work). */
async function podLogs(g: GlobalOptions, namespace: string): Promise<string[]> {
  const session = await connect(g);
  try {
    const pods = await session.api.listAll<Pod>('v1', 'Pod', namespace, { labelSelector: 'app.kubernetes.io/name=governor' });
    if (pods.items.length === 0) {
      throw new CliError(`no controller pods (label app.kubernetes.io/name=governor) in namespace "${namespace}"`, {
        exitCode: 1,
        hint: 'pass --controller-namespace, or --log-file for a controller running outside the cluster',
      });
    }
    const all: { time: number; line: string }[] = [];
    for (const pod of pods.items) {
      const containers = pod.spec?.containers ?? [];
      const container = containers.find((c) => c.name === 'controller' || c.name === 'manager') ?? containers[0];
      const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod.metadata.name)}/log`;
      // The log endpoint answers text/plain; stream() hands it over line by line as it is.
      await session.api.client.stream(path, { query: { container: container?.name }, accept: '*/*' }, (line) => {
        const t = Date.parse(String(parseLine(line)?.time ?? ''));
        all.push({ time: Number.isNaN(t) ? 0 : t, line });
      });
    }
    // One pod's lines are already in order; only several need merging (sort is stable).
    return (pods.items.length > 1 ? all.sort((a, b) => a.time - b.time) : all).map((l) => l.line);
  } finally {
    session.close();
  }
}

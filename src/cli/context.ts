import type { Command } from 'commander';
import { KubeApi } from '../kube/api.ts';
import { KubeClient } from '../kube/client.ts';
import { connectionFrom, loadKubeConfig } from '../kube/config.ts';
import { parseDuration } from '../controller/duration.ts';

/** Flags every verb understands, as kubectl users expect them. */
export interface GlobalOptions {
  kubeconfig?: string;
  context?: string;
  /** The last -n given; verbs act in one namespace. */
  namespace?: string;
  /** Every -n given, in order (the controller watches all of them). */
  namespaces: string[];
  timeout: string;
  verbose: boolean;
}

/** An error the CLI reports as `error: <message>` (+ a hint) and turns into an exit code. */
export class CliError extends Error {
  readonly exitCode: number;
  readonly hint: string | undefined;

  constructor(message: string, opts: { exitCode?: number; hint?: string } = {}) {
    super(message);
    this.name = 'CliError';
    this.exitCode = opts.exitCode ?? 2;
    this.hint = opts.hint;
  }
}

export function addGlobalOptions(program: Command): Command {
  return program
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context to use')
    .option('-n, --namespace <ns>', 'namespace (default: the context\'s namespace; the controller takes it repeatedly)', (v: string, prev: string[] | undefined) => [...(prev ?? []), v])
    .option('--timeout <duration>', 'how long to wait for long operations', '5m')
    .option('-v, --verbose', 'print more detail', false);
}

export function globals(cmd: Command): GlobalOptions {
  const raw = cmd.optsWithGlobals() as Omit<GlobalOptions, 'namespace' | 'namespaces'> & { namespace?: string[] | string };
  const namespaces = Array.isArray(raw.namespace) ? raw.namespace : raw.namespace ? [raw.namespace] : [];
  return { ...raw, namespace: namespaces.at(-1), namespaces };
}

export function timeoutMs(opts: GlobalOptions): number {
  try {
    return parseDuration(opts.timeout);
  } catch {
    throw new CliError(`--timeout "${opts.timeout}" is not a duration`, { hint: 'use a Go duration such as 30s, 5m or 1h' });
  }
}

export interface Session {
  api: KubeApi;
  /** The namespace of -n, else the kubeconfig context's. */
  namespace: string;
  close(): void;
}

/** Connects with the kubeconfig the flags name; a clear error when there is none. */
export async function connect(opts: GlobalOptions): Promise<Session> {
  let kc;
  try {
    kc = loadKubeConfig({ kubeconfig: opts.kubeconfig, context: opts.context });
  } catch (err) {
    throw new CliError(`cannot load kubeconfig: ${(err as Error).message}`, { hint: 'pass --kubeconfig or set KUBECONFIG' });
  }
  if (!kc.getCurrentCluster()) throw new CliError('no cluster in the kubeconfig', { hint: 'pass --kubeconfig or set KUBECONFIG' });
  const conn = await connectionFrom(kc);
  const client = new KubeClient(conn, { userAgent: 'governor-cli' });
  return { api: new KubeApi(client), namespace: opts.namespace ?? conn.namespace, close: () => client.close() };
}

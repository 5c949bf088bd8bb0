import type { Command } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import { API_VERSION, type Condition } from '../../api/index.ts';
import { findCondition } from '../../controller/conditions.ts';
import type { KubeApi } from '../../kube/api.ts';
import type { KubeObject } from '../../kube/types.ts';
import { requestReconcile } from '../../requests.ts';
import { CliError, connect, globals, timeoutMs, type GlobalOptions } from '../context.ts';
import { SOURCE, STACK, getObject, type KindInfo } from '../lookup.ts';
import type { CliIO } from '../program.ts';

type Reconcilable = KubeObject & {
  spec?: { suspend?: boolean; sourceRef?: { name: string; namespace?: string } };
  status?: {
    observedGeneration?: number;
    lastHandledReconcileAt?: string;
    lastAppliedRevision?: string;
    artifact?: { revision?: string };
    conditions?: Condition[];
  };
};

export interface WaitOptions {
  timeoutMs: number;
  io: CliIO;
  /** A spinner on a terminal; plain "waiting…" lines otherwise (CI logs, pipes). */
  isTty: boolean;
  pollMs?: number;
}

export function describeTarget(k: KindInfo, namespace: string, name: string): string {
  return `${k.kind} ${namespace}/${name}`;
}

/** The revision a successful reconcile leaves: the applied one for a Stack, the fetched one for a source. */
function revisionOf(obj: Reconcilable): string {
  return obj.status?.lastAppliedRevision ?? obj.status?.artifact?.revision ?? '';
}

/**
 * Waits until the controller has handled the request (`lastHandledReconcileAt` equals it, the
 * latest generation observed) and Ready is decided: returns on True, throws exit code 1 on False
 * or when the time is up.
 */
export async function waitReconciled(api: KubeApi, k: KindInfo, namespace: string, name: string, requested: string, opts: WaitOptions): Promise<Reconcilable> {
  const what = describeTarget(k, namespace, name);
  const started = Date.now();
  const deadline = started + opts.timeoutMs;
  const progress = new Progress(opts.io, opts.isTty, `waiting for ${what} to be reconciled`);
  let last: Reconcilable | undefined;
  try {
    for (;;) {
      last = await api.find<Reconcilable>({ apiVersion: API_VERSION, kind: k.kind, namespace, name });
      if (!last) throw new CliError(`${what} was deleted while waiting for it`, { exitCode: 1 });
      const ready = findCondition(last.status?.conditions, 'Ready');
      const handled = last.status?.lastHandledReconcileAt === requested && last.status?.observedGeneration === last.metadata.generation;
      if (handled && ready?.status === 'True') return last;
      if (handled && ready?.status === 'False') {
        throw new CliError(`${what} failed: ${ready.reason}: ${ready.message}`, {
          exitCode: 1,
          hint: `see governor describe ${k.word} ${name} -n ${namespace}`,
        });
      }
      if (Date.now() >= deadline) {
        const state = ready ? ` (Ready ${ready.status}${ready.reason ? `, ${ready.reason}` : ''}${ready.message ? `: ${ready.message}` : ''})` : '';
        throw new CliError(`timed out after ${Math.round(opts.timeoutMs / 1000)}s waiting for ${what} to be reconciled${state}`, {
          exitCode: 1,
          hint: handled ? 'raise --timeout' : 'is the controller running? see governor check',
        });
      }
      progress.tick(Date.now() - started, ready?.reason);
      await sleep(Math.min(opts.pollMs ?? 500, Math.max(0, deadline - Date.now())));
    }
  } finally {
    progress.done();
  }
}

/** Progress on stderr: a spinner line redrawn in place on a terminal, a line every few seconds elsewhere. */
class Progress {
  private readonly io: CliIO;
  private readonly isTty: boolean;
  private readonly text: string;
  private frame = 0;
  private lastLine = -1;
  private drawn = false;

  constructor(io: CliIO, isTty: boolean, text: string) {
    this.io = io;
    this.isTty = isTty;
    this.text = text;
    if (!isTty) io.err(`◎ ${text}…\n`);
  }

  tick(elapsedMs: number, reason: string | undefined): void {
    const secs = Math.floor(elapsedMs / 1000);
    if (this.isTty) {
      const frames = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
      this.io.err(`\r\u001b[K${frames[this.frame++ % frames.length]} ${this.text} (${secs}s${reason ? `, ${reason}` : ''})`);
      this.drawn = true;
      return;
    }
    const slot = Math.floor(secs / 5);
    if (slot > 0 && slot !== this.lastLine) {
      this.lastLine = slot;
      this.io.err(`waiting… ${secs}s${reason ? ` (${reason})` : ''}\n`);
    }
  }

  done(): void {
    if (this.drawn) this.io.err('\r\u001b[K');
    this.drawn = false;
  }
}

export function refuseSuspended(k: KindInfo, obj: Reconcilable, namespace: string, name: string): void {
  if (obj.spec?.suspend) {
    throw new CliError(`${describeTarget(k, namespace, name)} is suspended`, { exitCode: 1, hint: `resume it with: governor resume ${k.word} ${name} -n ${namespace}` });
  }
}

/** Request + wait + the result line: what reconcile and resume share. */
export async function reconcileAndReport(
  api: KubeApi,
  k: KindInfo,
  namespace: string,
  name: string,
  requested: string,
  opts: { wait: boolean; global: GlobalOptions; io: CliIO },
): Promise<void> {
  const what = describeTarget(k, namespace, name);
  if (!opts.wait) {
    opts.io.out(`✔ reconcile requested for ${what}\n`);
    return;
  }
  const done = await waitReconciled(api, k, namespace, name, requested, {
    timeoutMs: timeoutMs(opts.global),
    io: opts.io,
    isTty: process.stderr.isTTY === true,
  });
  opts.io.out(`✔ ${what} reconciled: ${k === STACK ? 'applied' : 'fetched'} revision ${revisionOf(done)}\n`);
}

export function registerReconcile(program: Command, io: CliIO): void {
  const reconcile = program.command('reconcile').description('ask the controller to reconcile a Stack or source now and wait for the result');

  reconcile
    .command('stack <name>')
    .description('reconcile a Stack now (with --with-source, fetch its GitRepository first) and wait until Ready or failed')
    .option('--with-source', 'reconcile the Stack\'s GitRepository first and wait for it', false)
    .option('--no-wait', 'only request the reconcile; do not wait for the result')
    .action(async (name: string, opts: { withSource: boolean; wait: boolean }, cmd: Command) => {
      const global = globals(cmd);
      const session = await connect(global);
      try {
        const { api, namespace } = session;
        const stack = await getObject<Reconcilable>(api, STACK, namespace, name);
        refuseSuspended(STACK, stack, namespace, name);
        if (opts.withSource) {
          const ref = stack.spec?.sourceRef;
          if (!ref) throw new CliError(`${describeTarget(STACK, namespace, name)} has no spec.sourceRef`, { exitCode: 1 });
          const srcNs = ref.namespace ?? namespace;
          const source = await getObject<Reconcilable>(api, SOURCE, srcNs, ref.name);
          refuseSuspended(SOURCE, source, srcNs, ref.name);
          io.err(`► fetching ${describeTarget(SOURCE, srcNs, ref.name)}\n`);
          const requested = await requestReconcile(api, SOURCE.kind, srcNs, ref.name);
          await reconcileAndReport(api, SOURCE, srcNs, ref.name, requested, { wait: true, global, io });
        }
        io.err(`► reconciling ${describeTarget(STACK, namespace, name)}\n`);
        const requested = await requestReconcile(api, STACK.kind, namespace, name);
        await reconcileAndReport(api, STACK, namespace, name, requested, { wait: opts.wait, global, io });
      } finally {
        session.close();
      }
    });

  reconcile
    .command('source <name>')
    .alias('gitrepository')
    .description('fetch a GitRepository now and wait until it has the new artifact or failed')
    .option('--no-wait', 'only request the reconcile; do not wait for the result')
    .action(async (name: string, opts: { wait: boolean }, cmd: Command) => {
      const global = globals(cmd);
      const session = await connect(global);
      try {
        const { api, namespace } = session;
        const source = await getObject<Reconcilable>(api, SOURCE, namespace, name);
        refuseSuspended(SOURCE, source, namespace, name);
        io.err(`► fetching ${describeTarget(SOURCE, namespace, name)}\n`);
        const requested = await requestReconcile(api, SOURCE.kind, namespace, name);
        await reconcileAndReport(api, SOURCE, namespace, name, requested, { wait: opts.wait, global, io });
      } finally {
        session.close();
      }
    });
}

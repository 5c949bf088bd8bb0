import type { Command } from 'commander';
import { connect, globals } from '../context.ts';
import { SOURCE, STACK, getObject, type KindInfo } from '../lookup.ts';
import type { CliIO } from '../program.ts';
import { requestResume, requestSuspend } from '../../requests.ts';
import { describeTarget, reconcileAndReport } from './reconcile.ts';

type Suspendable = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; spec?: { suspend?: boolean } };

const kinds: { word: string; info: KindInfo; alias?: string }[] = [
  { word: 'stack', info: STACK },
  { word: 'source', info: SOURCE, alias: 'gitrepository' },
];

/** `suspend` and `resume`: flip spec.suspend with a merge patch; resume also reconciles at once. */
export function registerSuspend(program: Command, io: CliIO): void {
  const suspend = program.command('suspend').description('stop reconciling a Stack or source (drift and new commits are left alone) until resumed');
  const resume = program.command('resume').description('resume a suspended Stack or source, reconcile it at once and wait for the result');

  for (const { word, info, alias } of kinds) {
    const s = suspend
      .command(`${word} <name>`)
      .description(`suspend a ${info.kind}: set spec.suspend to true`)
      .action(async (name: string, _opts: unknown, cmd: Command) => {
        const session = await connect(globals(cmd));
        try {
          const { api, namespace } = session;
          const what = describeTarget(info, namespace, name);
          const obj = await getObject<Suspendable & { metadata: { name: string } }>(api, info, namespace, name);
          if (obj.spec?.suspend) {
            io.out(`✔ ${what} is already suspended\n`);
            return;
          }
          await requestSuspend(api, info.kind, namespace, name);
          io.out(`✔ ${what} suspended\n`);
        } finally {
          session.close();
        }
      });
    if (alias) s.alias(alias);

    const r = resume
      .command(`${word} <name>`)
      .description(`resume a ${info.kind}: set spec.suspend to false, reconcile now and wait until Ready or failed`)
      .option('--no-wait', 'only resume and request the reconcile; do not wait for the result')
      .action(async (name: string, opts: { wait: boolean }, cmd: Command) => {
        const global = globals(cmd);
        const session = await connect(global);
        try {
          const { api, namespace } = session;
          await getObject(api, info, namespace, name);
          const requested = await requestResume(api, info.kind, namespace, name);
          io.err(`► resumed ${describeTarget(info, namespace, name)}\n`);
          await reconcileAndReport(api, info, namespace, name, requested, { wait: opts.wait, global, io });
        } finally {
          session.close();
        }
      });
    if (alias) r.alias(alias);
  }
}

import { Command, Option } from 'commander';
import { stringify } from 'yaml';
import { join } from 'node:path';
import { packageRoot } from '../paths.ts';
import { versionInfo } from '../version.ts';
import { registerController } from './controller.ts';
import { addGlobalOptions } from './context.ts';
import { registerGet } from './verbs/get.ts';
import { registerDescribe } from './verbs/describe.ts';
import { registerTree } from './verbs/tree.ts';
import { registerEvents } from './verbs/events.ts';
import { registerLogs } from './verbs/logs.ts';
import { registerExport } from './verbs/export.ts';
import { registerReconcile } from './verbs/reconcile.ts';
import { registerSuspend } from './verbs/suspend.ts';
import { registerBuild } from './verbs/build.ts';
import { registerDiff } from './verbs/diff.ts';
import { registerCheck } from './verbs/check.ts';
import { registerInstall } from './verbs/install.ts';
import { registerBootstrap } from './verbs/bootstrap.ts';
import { registerDashboard } from './verbs/dashboard.ts';

export interface CliIO {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** The `governor` command tree. Built per call so tests can run it in-process. */
export function buildProgram(io: CliIO): Command {
  const program = new Command('governor')
    .description('GitOps for Kubernetes: keeps every cluster converged on what Git says.')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(run governor --help for usage)')
    .exitOverride();
  addGlobalOptions(program);

  program
    .command('version')
    .description('print the version of the governor command')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json', 'yaml']).default('text'))
    .action((opts: { output: string }) => {
      const v = versionInfo();
      if (opts.output === 'json') io.out(JSON.stringify(v, null, 2) + '\n');
      else if (opts.output === 'yaml') io.out(stringify(v));
      else io.out(`governor ${v.governor} (node ${v.node}, ${v.platform})\n`);
    });

  registerController(program);
  registerGet(program, io);
  registerDescribe(program, io);
  registerTree(program, io);
  registerEvents(program, io);
  registerLogs(program, io);
  registerExport(program, io);
  registerReconcile(program, io);
  registerSuspend(program, io);
  registerBuild(program, io);
  registerDiff(program, io);
  registerCheck(program, io);
  registerInstall(program, io);
  registerBootstrap(program, io);
  registerDashboard(program, io);

  program
    .command('demo')
    .description('run a local Kubernetes control plane and Git server with an example platform repository, until Ctrl-C')
    .option('--dir <dir>', 'working directory for the demo', '.governor/demo')
    .option('--nodes <n>', 'number of kwok nodes', (v) => parseInt(v, 10), 3)
    .option('--dashboard-addr <addr>', 'where the dashboard listens (any free port when taken)', '127.0.0.1:9090')
    .action(async (opts: { dir: string; nodes: number; dashboardAddr: string }) => {
      const { runDemo } = await import('./demo.ts');
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      process.once('SIGTERM', () => stop.abort());
      await runDemo({ dir: opts.dir, nodes: opts.nodes, dashboardAddr: opts.dashboardAddr, examples: join(packageRoot(), 'examples', 'demo-repo') }, io, stop.signal);
    });

  return program;
}

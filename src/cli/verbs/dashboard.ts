import type { Command } from 'commander';
import { spawn } from 'node:child_process';
import { findOnPath } from '../../paths.ts';
import { connectionFrom, loadKubeConfig } from '../../kube/config.ts';
import { createLogger } from '../../log.ts';
import { CliError, globals } from '../context.ts';
import type { CliIO } from '../program.ts';

interface DashboardFlags {
  address: string;
  open: boolean;
  staticDir?: string;
}

/** xdg-open, when there is a desktop to open a browser on; undefined on a server or over SSH. */
export function browserOpener(env: NodeJS.ProcessEnv): string | undefined {
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return undefined;
  return findOnPath('xdg-open', env);
}

export function registerDashboard(program: Command, io: CliIO): void {
  program
    .command('dashboard')
    .description('serve the web dashboard on this machine, signed in as the kubeconfig\'s user, until Ctrl-C')
    .option('--address <host:port>', 'where to listen (port 0 picks a free one)', '127.0.0.1:9090')
    .option('--no-open', 'do not open a browser; only print the sign-in link')
    .option('--static-dir <dir>', 'serve the web app from this directory (default: the built one)')
    .addHelpText(
      'after',
      [
        '',
        'The printed link works once and signs that browser in with the kubeconfig\'s credentials; the page',
        'shows and does what Kubernetes RBAC allows that user. Keep the loopback address unless you mean',
        'others on the network to reach it.',
        '',
        'Examples:',
        '  governor dashboard',
        '  governor dashboard --context prod --address 127.0.0.1:0 --no-open',
        '',
      ].join('\n'),
    )
    .action(async (flags: DashboardFlags, cmd: Command) => {
      const g = globals(cmd);
      let kc;
      try {
        kc = loadKubeConfig({ kubeconfig: g.kubeconfig, context: g.context });
      } catch (err) {
        throw new CliError(`cannot load kubeconfig: ${(err as Error).message}`, { hint: 'pass --kubeconfig or set KUBECONFIG' });
      }
      if (!kc.getCurrentCluster()) throw new CliError('no cluster in the kubeconfig', { hint: 'pass --kubeconfig or set KUBECONFIG' });
      const connection = await connectionFrom(kc);
      // Logs go to stderr and only when something is wrong: stdout carries the link.
      const log = createLogger({ level: g.verbose ? 'info' : 'warn', destination: process.stderr, name: 'governor-dashboard' });
      // Loaded here: the web server and its dependencies are not worth loading for every other verb.
      const { startDashboard } = await import('../../dashboard/server.ts');
      let running;
      try {
        running = await startDashboard({ address: flags.address, connection, mode: 'kubeconfig', log, ...(flags.staticDir ? { staticDir: flags.staticDir } : {}) });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') throw new CliError(`${flags.address} is already in use`, { hint: 'pass --address 127.0.0.1:0 for any free port' });
        if (code === 'EADDRNOTAVAIL' || code === 'EACCES') throw new CliError(`cannot listen on ${flags.address}: ${(err as Error).message}`);
        throw err;
      }
      const link = `${running.url}#login=${running.loginCode ?? ''}`;
      io.out(`Governor dashboard for context ${connection.contextName}: ${link}\n`);
      io.err('The link signs in once. Press Ctrl-C to stop.\n');
      const opener = flags.open ? browserOpener(process.env) : undefined;
      if (opener) {
        const child = spawn(opener, [link], { stdio: 'ignore', detached: true });
        child.once('error', () => io.err('could not open a browser; open the link above\n'));
        child.unref();
      }
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await running.close();
    });
}

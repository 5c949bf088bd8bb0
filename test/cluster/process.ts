import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, openSync, readFileSync } from 'node:fs';

/** A long-running child (etcd, kube-apiserver, …) whose output goes to a log file. */
export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/**
 * Every process started by any harness in this Node process, so that an exit or a signal can
 * stop them all even when the test that started them failed before its own cleanup ran.
 */
export class ProcessRegistry {
  private readonly live = new Set<ManagedProcess>();
  private hooked = false;

  private readonly pidLog: string | undefined;
  private readonly exitOnSignal: boolean;

  /**
   * With exitOnSignal (the default, for tests) SIGINT/SIGTERM/SIGHUP kill the children and exit at
   * once; a program with its own orderly shutdown (the demo) turns it off and keeps the exit hook.
   */
  constructor(pidLog?: string, opts: { exitOnSignal?: boolean } = {}) {
    this.pidLog = pidLog;
    this.exitOnSignal = opts.exitOnSignal ?? true;
  }

  add(p: ManagedProcess): void {
    this.hookExit();
    this.live.add(p);
    // The PID log lets an outer runner prove afterwards that nothing was left behind.
    if (this.pidLog && p.pid) appendFileSync(this.pidLog, `${p.pid} ${p.spec.name}\n`);
  }

  delete(p: ManagedProcess): void {
    this.live.delete(p);
  }

  /** Synchronous on purpose: it runs from 'exit', where no more I/O is possible. */
  killAllNow(): void {
    for (const p of this.live) p.killNow();
    this.live.clear();
  }

  private hookExit(): void {
    if (this.hooked) return;
    this.hooked = true;
    process.once('exit', () => this.killAllNow());
    if (!this.exitOnSignal) return;
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(sig, () => {
        this.killAllNow();
        process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
      });
    }
  }
}

export class ManagedProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> = Promise.resolve(null);
  /** Set when the process ends without being asked to. */
  unexpectedExit: string | undefined;
  private stopping = false;

  readonly spec: ProcessSpec;
  private readonly registry: ProcessRegistry;

  constructor(spec: ProcessSpec, registry: ProcessRegistry) {
    this.spec = spec;
    this.registry = registry;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    if (this.running) throw new Error(`${this.spec.name} is already running`);
    const fd = openSync(this.spec.logFile, 'a');
    this.stopping = false;
    this.unexpectedExit = undefined;
    const child = spawn(this.spec.command, this.spec.args, {
      cwd: this.spec.cwd,
      env: this.spec.env ?? process.env,
      stdio: ['ignore', fd, fd],
      // Its own process group: a Ctrl-C at the terminal reaches us, and we decide the order.
      detached: true,
    });
    closeSync(fd);
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.registry.delete(this);
        if (!this.stopping) this.unexpectedExit = `${this.spec.name} exited (code ${code}, signal ${signal})`;
        resolve(code);
      });
      child.once('error', (err) => {
        this.registry.delete(this);
        this.unexpectedExit = `${this.spec.name} failed to start: ${err.message}`;
        resolve(null);
      });
    });
    this.registry.add(this);
  }

  /** SIGTERM, then SIGKILL after the grace period. Resolves once the process is gone. */
  async stop(graceMs = 5000): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    this.stopping = true;
    this.signalGroup('SIGTERM');
    const timer = setTimeout(() => this.signalGroup('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Like a crash: no chance to clean up. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    this.signalGroup('SIGKILL');
    await this.exited;
  }

  killNow(): void {
    this.stopping = true;
    this.signalGroup('SIGKILL');
  }

  private signalGroup(sig: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (!pid) return;
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    }
  }
}

/** True while a process with this PID runs. A zombie (dead, not yet reaped) counts as gone. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // Field 3 of /proc/PID/stat is the state; the name before it is in parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagedProcess, ProcessRegistry } from '../cluster/process.ts';
import { freePort } from '../cluster/ports.ts';
import { FatalWaitError, waitFor } from '../cluster/http.ts';
import { git } from './exec.ts';

const SSHD = '/usr/sbin/sshd';
/** sshd's privilege separation directory (Debian's sshd refuses to start without it). */
const PRIVSEP_DIR = '/run/sshd';

/** sshd children of this Node process: killed on exit even when a test's cleanup never ran. */

export interface SshKeyPair {
  /** OpenSSH private key (PEM-like text, final newline included). */
  privateKey: string;
  /** `ssh-ed25519 AAAA… comment` */
  publicKey: string;
}

/** A fresh ed25519 key pair from ssh-keygen, without a passphrase. */
export async function generateSshKey(comment = 'governor-test'): Promise<SshKeyPair> {
  const dir = await mkdtemp(join(tmpdir(), 'governor-sshkey-'));
  try {
    const path = join(dir, 'key');
    await sshKeygen(path, comment);
    return { privateKey: await readFile(path, 'utf8'), publicKey: (await readFile(`${path}.pub`, 'utf8')).trim() };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface GitSshServerOptions {
  /** Directory of bare repositories to serve (e.g. a GitServer's root); a temp dir of its own otherwise. */
  root?: string;
}

/**
 * Bare repositories served over SSH on 127.0.0.1 by Debian's real `sshd` (run in the foreground as
 * a child), with a host key of its own and one authorized client key that the harness generates.
 * Logins are as root (the test user); repositories are addressed by absolute path.
 */
export class GitSshServer {
  root = '';
  port = 0;
  /** The private key of the one client allowed in. */
  clientPrivateKey = '';
  clientPublicKey = '';
  /** The server's host public key, `ssh-ed25519 AAAA…`. */
  hostPublicKey = '';
  /** The temp dir holding the config, keys, pid file and log. */
  dir = '';

  private proc: ManagedProcess | undefined;
  private ownsRoot = false;
  private readonly opts: GitSshServerOptions;

  private readonly registry: ProcessRegistry;

  constructor(opts: GitSshServerOptions = {}) {
    this.opts = opts;
    this.registry = new ProcessRegistry(process.env.GOVERNOR_PID_LOG);
  }

  /** The known_hosts line for this server: `[127.0.0.1]:<port> ssh-ed25519 AAAA…`. */
  get knownHosts(): string {
    return `[127.0.0.1]:${this.port} ${this.hostPublicKey}`;
  }

  get logFile(): string {
    return join(this.dir, 'sshd.log');
  }

  /** sshd's own output (connections, auth failures); useful in assertion messages. */
  log(): Promise<string> {
    return readFile(this.logFile, 'utf8').catch(() => '');
  }

  async start(): Promise<this> {
    this.dir = await mkdtemp(join(tmpdir(), 'governor-sshd-'));
    if (this.opts.root) {
      this.root = this.opts.root;
    } else {
      this.root = await mkdtemp(join(tmpdir(), 'governor-git-ssh-'));
      this.ownsRoot = true;
    }
    await mkdir(PRIVSEP_DIR, { recursive: true, mode: 0o755 });

    const hostKey = join(this.dir, 'ssh_host_ed25519_key');
    await sshKeygen(hostKey, 'governor-test-host');
    this.hostPublicKey = publicKeyFields(await readFile(`${hostKey}.pub`, 'utf8'));
    const clientKey = join(this.dir, 'client_ed25519');
    await sshKeygen(clientKey, 'governor-test-client');
    this.clientPrivateKey = await readFile(clientKey, 'utf8');
    this.clientPublicKey = (await readFile(`${clientKey}.pub`, 'utf8')).trim();
    await writeFile(join(this.dir, 'authorized_keys'), `${this.clientPublicKey}\n`, { mode: 0o600 });

    // A free port can be taken between the probe and sshd's bind: try a few.
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.launch(await freePort(), hostKey);
        return this;
      } catch (err) {
        lastError = err;
        await this.proc?.stop();
        this.proc = undefined;
      }
    }
    await this.stop();
    throw lastError;
  }

  /** Kills sshd and waits for it, then removes its temp dir (and the root, if it is its own). */
  async stop(): Promise<void> {
    if (this.proc) {
      await this.proc.stop(2000);
      this.proc = undefined;
    }
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    if (this.ownsRoot && this.root) await rm(this.root, { recursive: true, force: true });
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Creates an empty bare repository `<name>.git` in the root (partial clones allowed); returns its ssh URL. */
  async createRepo(name: string, defaultBranch = 'main'): Promise<string> {
    const dir = join(this.root, `${name}.git`);
    await mkdir(dir, { recursive: true });
    await git(['init', '--bare', '--quiet', `--initial-branch=${defaultBranch}`, dir]);
    await git(['config', 'uploadpack.allowFilter', 'true'], { cwd: dir });
    return this.url(name);
  }

  /** `ssh://root@127.0.0.1:<port>/<root>/<name>.git` */
  url(name: string): string {
    return `ssh://root@127.0.0.1:${this.port}${join(this.root, `${name}.git`)}`;
  }

  private async launch(port: number, hostKey: string): Promise<void> {
    const config = join(this.dir, 'sshd_config');
    await writeFile(
      config,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKey}`,
        `PidFile ${join(this.dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(this.dir, 'authorized_keys')}`,
        'AllowUsers root',
        'PermitRootLogin prohibit-password',
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'StrictModes no',
        'UsePAM no',
        // Git protocol v2 over ssh, as GitHub and GitLab offer it.
        'AcceptEnv GIT_PROTOCOL',
        'X11Forwarding no',
        'AllowTcpForwarding no',
        'PrintMotd no',
        'LogLevel VERBOSE',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    const proc = new ManagedProcess(
      {
        name: 'sshd',
        command: SSHD,
        args: ['-D', '-e', '-f', config],
        logFile: this.logFile,
        env: { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin' },
      },
      this.registry,
    );
    this.proc = proc;
    this.port = port;
    proc.start();
    await waitFor(
      `sshd to listen on 127.0.0.1:${port}`,
      async () => {
        if (proc.unexpectedExit) throw new FatalWaitError(`${proc.unexpectedExit}: ${(await this.log()).trim().slice(-2000)}`);
        return (await this.log()).includes(`Server listening on 127.0.0.1 port ${port}`);
      },
      10_000,
      50,
    );
  }
}

function publicKeyFields(pub: string): string {
  return pub.trim().split(/\s+/).slice(0, 2).join(' ');
}

function sshKeygen(path: string, comment: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`ssh-keygen failed (exit ${code}): ${err.trim()}`))));
  });
}

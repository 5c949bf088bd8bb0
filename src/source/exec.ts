import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCodes, GovernorError, type ErrorCode } from '../errors.ts';
import { redactUrl, type GitUrl } from './url.ts';

/** Credentials for one repository, as read from its Secret. Never logged, never on a command line. */
export interface GitAuth {
  username?: string;
  password?: string;
  bearerToken?: string;
  sshPrivateKey?: string;
  knownHosts?: string;
}

export interface GitCommandEvent {
  /** The git subcommand (`ls-remote`, `fetch`, …). */
  command: string;
  /** Its arguments after the subcommand; they never contain secrets. */
  args: readonly string[];
  /** The repository (`--git-dir`) or working directory it runs in, if any. */
  cwd: string | undefined;
}

export interface GitExecOptions {
  gitBinary: string;
  allowFileUrls: boolean;
  /** Parent of the short-lived private directories holding HOME, askpass and ssh files. */
  tmpDir: string;
  /** Stdout beyond this kills the command: a hostile server must not exhaust memory. */
  maxStdoutBytes?: number;
  /** Called before every git process starts; tests count fetches with it. */
  onCommand?: (event: GitCommandEvent) => void;
}

export interface GitRunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface GitRunOptions {
  cwd?: string;
  /** Passed as `--git-dir`, so no repository is ever discovered from the working directory. */
  gitDir?: string;
  workTree?: string;
  /** Extra environment for this command only (e.g. GIT_INDEX_FILE). */
  env?: Record<string, string>;
  /** Non-zero exits are returned instead of thrown (for commands whose exit code is an answer). */
  allowFailure?: boolean;
}

/** One operation's view of git: a private HOME, the credentials, a deadline shared by every command. */
export interface GitSession {
  run(args: string[], options?: GitRunOptions): Promise<GitRunResult>;
}

const DEFAULT_MAX_STDOUT = 64 * 1024 * 1024;
const MAX_STDERR = 64 * 1024;
const MAX_MESSAGE = 2000;

// Environment worth keeping from the parent: how to reach the network and which CAs to trust.
// Everything else (GIT_DIR, GIT_SSH, GIT_ASKPASS, SSH_AUTH_SOCK, …) could redirect or weaken git.
const PASSTHROUGH_ENV = [
  'PATH',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'all_proxy',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'TMPDIR',
];

const ASKPASS_SCRIPT = `#!/bin/sh
case "$1" in
  [Uu]sername*) printf '%s\\n' "$GOVERNOR_GIT_USERNAME" ;;
  *) printf '%s\\n' "$GOVERNOR_GIT_PASSWORD" ;;
esac
`;

/** Spawns git without a shell, locked down, with credentials handed over out of band. */
export class GitExec {
  private readonly options: GitExecOptions;

  constructor(options: GitExecOptions) {
    this.options = options;
  }

  /**
   * Runs `fn` with a session for `url` whose commands share one budget of `timeoutMs`. The private
   * directory (HOME, askpass script, ssh key, known_hosts) exists only for its duration.
   */
  async session<T>(url: GitUrl, auth: GitAuth | undefined, timeoutMs: number, fn: (session: GitSession) => Promise<T>): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    const dir = await mkdtemp(join(this.options.tmpDir, 'governor-gitsession-'));
    try {
      await chmod(dir, 0o700);
      const env = await this.prepareEnv(dir, url, auth ?? {});
      const secrets = secretsOf(auth);
      return await fn({
        run: (args, runOptions = {}) => this.run(args, { ...runOptions, sessionEnv: env, deadline, timeoutMs, url, secrets }),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private async prepareEnv(dir: string, url: GitUrl, auth: GitAuth): Promise<Record<string, string>> {
    const home = join(dir, 'home');
    await mkdir(home, { mode: 0o700 });
    const env: Record<string, string> = {};
    for (const name of PASSTHROUGH_ENV) {
      const value = process.env[name];
      if (value !== undefined) env[name] = value;
    }
    Object.assign(env, {
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      // English messages: classifyGitError matches on git's wording.
      LC_ALL: 'C',
      LANGUAGE: 'C',
      // Commands run in HOME; never let git find a repository (and its config) above it.
      GIT_CEILING_DIRECTORIES: dir,
      GIT_TERMINAL_PROMPT: '0',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
    });

    if (url.scheme === 'https' || url.scheme === 'http') {
      if (auth.password !== undefined || auth.username !== undefined) {
        const askpass = join(dir, 'askpass');
        await writeFile(askpass, ASKPASS_SCRIPT, { mode: 0o700, flag: 'wx' });
        env.GIT_ASKPASS = askpass;
        // Hosts want some user name with a token-as-password; "git" is what most document.
        env.GOVERNOR_GIT_USERNAME = auth.username || 'git';
        env.GOVERNOR_GIT_PASSWORD = auth.password ?? '';
      }
      if (auth.bearerToken !== undefined) {
        // Config through the environment, so the token is not in the process list as `-c` would be.
        env.GIT_CONFIG_COUNT = '1';
        env.GIT_CONFIG_KEY_0 = 'http.extraHeader';
        env.GIT_CONFIG_VALUE_0 = `Authorization: Bearer ${auth.bearerToken}`;
      }
    } else if (url.scheme === 'ssh') {
      if (!auth.sshPrivateKey) {
        throw new GovernorError(ErrorCodes.GitAuthFailed, `ssh URL ${redactUrl(url.url)} needs a private key (identity) in the Secret`);
      }
      if (!auth.knownHosts) {
        throw new GovernorError(
          ErrorCodes.GitAuthFailed,
          `ssh URL ${redactUrl(url.url)} needs known_hosts in the Secret: host keys are always verified`,
        );
      }
      const sshDir = join(dir, 'ssh');
      await mkdir(sshDir, { mode: 0o700 });
      const key = join(sshDir, 'identity');
      const knownHosts = join(sshDir, 'known_hosts');
      // OpenSSH refuses a key file without a final newline.
      await writeFile(key, withFinalNewline(auth.sshPrivateKey), { mode: 0o600, flag: 'wx' });
      await writeFile(knownHosts, withFinalNewline(auth.knownHosts), { mode: 0o600, flag: 'wx' });
      // git runs GIT_SSH_COMMAND through a shell, hence the quoting of our own paths.
      env.GIT_SSH_COMMAND = [
        'ssh',
        '-F /dev/null',
        `-i ${shellQuote(key)}`,
        `-o UserKnownHostsFile=${shellQuote(knownHosts)}`,
        '-o GlobalKnownHostsFile=/dev/null',
        '-o StrictHostKeyChecking=yes',
        '-o IdentitiesOnly=yes',
        '-o BatchMode=yes',
        '-o ConnectTimeout=30',
      ].join(' ');
      env.GIT_SSH_VARIANT = 'ssh';
    }
    return env;
  }

  private configArgs(): string[] {
    const fileAllow = this.options.allowFileUrls ? 'always' : 'never';
    const config = [
      // An allow-list: transports not named here (git://, ext::, fd::, helpers) are refused by git
      // itself, including inside submodules or redirects we did not anticipate.
      'protocol.allow=never',
      'protocol.https.allow=always',
      'protocol.http.allow=always',
      'protocol.ssh.allow=always',
      `protocol.file.allow=${fileAllow}`,
      'protocol.ext.allow=never',
      'core.hooksPath=/dev/null',
      'core.fsmonitor=false',
      'credential.helper=',
      'core.askPass=',
      'gc.auto=0',
      'maintenance.auto=false',
    ];
    return config.flatMap((c) => ['-c', c]);
  }

  private run(
    args: string[],
    o: GitRunOptions & {
      sessionEnv: Record<string, string>;
      deadline: number;
      timeoutMs: number;
      url: GitUrl;
      secrets: string[];
    },
  ): Promise<GitRunResult> {
    const command = args[0] ?? '';
    const remaining = o.deadline - Date.now();
    if (remaining <= 0) return Promise.reject(timeoutError(command, o.timeoutMs, o.url));
    this.options.onCommand?.({ command, args: args.slice(1), cwd: o.gitDir ?? o.cwd });
    const maxStdout = this.options.maxStdoutBytes ?? DEFAULT_MAX_STDOUT;

    return new Promise((resolve, reject) => {
      const location = [
        ...(o.gitDir !== undefined ? [`--git-dir=${o.gitDir}`] : []),
        ...(o.workTree !== undefined ? [`--work-tree=${o.workTree}`] : []),
      ];
      const child = spawn(this.options.gitBinary, [...this.configArgs(), ...location, ...args], {
        cwd: o.cwd ?? o.sessionEnv.HOME,
        env: { ...o.sessionEnv, ...o.env },
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group, so a timeout also ends git-remote-http, ssh and lazy fetches.
        detached: true,
      });
      const out: Buffer[] = [];
      let outBytes = 0;
      let err = Buffer.alloc(0);
      let failure: GovernorError | undefined;

      const killGroup = (): void => {
        if (child.pid === undefined) return;
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      };
      const timer = setTimeout(() => {
        failure ??= timeoutError(command, o.timeoutMs, o.url);
        killGroup();
      }, remaining);

      child.stdout.on('data', (chunk: Buffer) => {
        outBytes += chunk.length;
        if (outBytes > maxStdout) {
          failure ??= new GovernorError(ErrorCodes.GitOperationFailed, `git ${command} produced more than ${maxStdout} bytes of output`);
          killGroup();
          return;
        }
        out.push(chunk);
      });
      child.stderr.on('data', (chunk: Buffer) => {
        err = Buffer.concat([err, chunk]);
        if (err.length > MAX_STDERR) err = err.subarray(err.length - MAX_STDERR);
      });
      child.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const why = e.code === 'ENOENT' ? `git binary ${JSON.stringify(this.options.gitBinary)} not found` : e.message;
        reject(new GovernorError(ErrorCodes.GitOperationFailed, `cannot run git ${command}: ${why}`, { cause: e }));
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        if (failure) {
          reject(failure);
          return;
        }
        const stdout = Buffer.concat(out).toString();
        const stderr = err.toString();
        const exit = code ?? (signal ? 128 : -1);
        if (exit === 0 || o.allowFailure) {
          resolve({ code: exit, stdout, stderr });
          return;
        }
        reject(gitFailure(command, exit, stderr, o.url, o.secrets));
      });
    });
  }
}

// First match wins: a 403 page may also say "not found", an auth failure is the better answer.
const STDERR_CODES: readonly (readonly [RegExp, ErrorCode | 'Unreachable'])[] = [
  [/Authentication failed|could not read (Username|Password)|returned error: 40[13]\b/i, ErrorCodes.GitAuthFailed],
  [/HTTP Basic: Access denied|Invalid username or password|Permission denied \(|Host key verification failed/i, ErrorCodes.GitAuthFailed],
  [/Repository not found|repository '.*' not found|does not appear to be a git repository/i, ErrorCodes.GitRepositoryNotFound],
  [/returned error: 404\b|project you were looking for could not be found|No such repository/i, ErrorCodes.GitRepositoryNotFound],
  [/couldn't find remote ref|not our ref|no such remote ref|unadvertised object/i, ErrorCodes.GitRefNotFound],
  [/Remote branch .* not found|bad object/i, ErrorCodes.GitRefNotFound],
  [/timed out|Timeout was reached/i, ErrorCodes.GitTimeout],
  [/Could not resolve host|Failed to connect|Connection refused|Couldn't connect to server/i, 'Unreachable'],
  [/Network is unreachable|No route to host|Could not resolve hostname/i, 'Unreachable'],
];

/** Maps git's (English) stderr to a Governor error code. */
export function classifyGitError(stderr: string): ErrorCode | 'Unreachable' {
  for (const [pattern, code] of STDERR_CODES) if (pattern.test(stderr)) return code;
  return ErrorCodes.GitOperationFailed;
}

/** Removes every form of the given secrets, and any URL userinfo or bearer token, from `text`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of new Set([secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')])) {
      out = out.split(form).join('***');
    }
  }
  return redactUrl(out).replace(/(Bearer|Basic)\s+\S+/gi, '$1 ***');
}

function gitFailure(command: string, exit: number, stderr: string, url: GitUrl, secrets: string[]): GovernorError {
  const detail = summarise(redactSecrets(stderr, secrets));
  const where = redactUrl(url.url);
  const details = { command, exitCode: exit, url: where };
  const kind = classifyGitError(stderr);
  if (kind === ErrorCodes.GitAuthFailed && /Host key verification failed/i.test(stderr)) {
    // ssh's own text is a screenful of banner naming our (already deleted) temp known_hosts file.
    return new GovernorError(kind, `host key verification failed for ${where}: ${hostKeyProblem(stderr) ?? detail}`, {
      details: { ...details, reason: 'HostKeyVerificationFailed' },
    });
  }
  switch (kind) {
    case ErrorCodes.GitAuthFailed:
      return new GovernorError(kind, `authentication to ${where} failed: ${detail}`, { details });
    case ErrorCodes.GitRepositoryNotFound:
      return new GovernorError(kind, `repository ${where} not found: ${detail}`, { details });
    case ErrorCodes.GitRefNotFound:
      return new GovernorError(kind, `ref not found in ${where}: ${detail}`, { details });
    case ErrorCodes.GitTimeout:
      return new GovernorError(kind, `git ${command} against ${where} timed out: ${detail}`, { details });
    case 'Unreachable':
      return new GovernorError(ErrorCodes.GitOperationFailed, `cannot reach ${where}: ${detail}`, {
        details: { ...details, reason: 'Unreachable' },
      });
    default:
      return new GovernorError(ErrorCodes.GitOperationFailed, `git ${command} failed (exit ${exit}): ${detail}`, { details });
  }
}

/** What ssh found wrong with the server's host key, in one line; undefined when it did not say. */
function hostKeyProblem(stderr: string): string | undefined {
  const changed = /key sent by the remote host is\s+(SHA256:[A-Za-z0-9+/=]+)/.exec(stderr);
  const type = /The fingerprint for the (\S+) key sent/.exec(stderr)?.[1] ?? 'host';
  if (/Host key for \S+ has changed/.test(stderr)) {
    return `the server's ${type} key${changed ? ` ${changed[1]}` : ''} does not match the one in known_hosts`;
  }
  const unknown = /No (\S+) host key is known for (\S+?)(?: and|\.?$)/m.exec(stderr);
  if (unknown) return `known_hosts has no ${unknown[1]} key for ${unknown[2]}`;
  return undefined;
}

function timeoutError(command: string, timeoutMs: number, url: GitUrl): GovernorError {
  return new GovernorError(ErrorCodes.GitTimeout, `git ${command} against ${redactUrl(url.url)} timed out after ${timeoutMs} ms`, {
    details: { command, timeoutMs, url: redactUrl(url.url) },
  });
}

function summarise(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('hint:'));
  // Warnings (e.g. a server without partial-clone support) are noise next to the actual failure.
  const important = lines.filter((l) => !l.startsWith('warning:'));
  const text = (important.length > 0 ? important : lines).join('; ') || 'no output from git';
  return text.length > MAX_MESSAGE ? `…${text.slice(text.length - MAX_MESSAGE)}` : text;
}

function secretsOf(auth: GitAuth | undefined): string[] {
  if (!auth) return [];
  return [auth.password, auth.bearerToken, auth.sshPrivateKey].filter((s): s is string => typeof s === 'string' && s !== '');
}

function withFinalNewline(s: string): string {
  return s.endsWith('\n') ? s : `${s}\n`;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

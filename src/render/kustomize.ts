import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GovernorError, ErrorCodes } from '../errors.ts';
import { checkKustomizationRefs, findKustomization } from './kustomization-refs.ts';
import { displayPath } from './paths.ts';
import type { SourceDocument } from './types.ts';
import { parseManifests } from './yaml.ts';

export const DEFAULT_KUSTOMIZE_TIMEOUT_MS = 60_000;
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

export interface KustomizeOptions {
  /** Path of the kustomize binary; never looked up on PATH, which the child does not get. */
  binary: string;
  /** Real path of the checkout root: messages are shown relative to it. */
  root: string;
  /** The directory holding the kustomization, inside the checkout. */
  dir: string;
  timeoutMs?: number;
}

function failed(shownDir: string, message: string, details: Record<string, unknown> = {}): GovernorError {
  return new GovernorError(ErrorCodes.KustomizeFailed, `kustomize build ${shownDir}: ${message}`, {
    details: { path: shownDir, ...details },
  });
}

/**
 * The child gets a throwaway HOME and nothing else from our environment: no cloud or Git
 * credentials, no plugin directories, and an empty PATH so that even a remote base that slipped
 * past the check cannot reach `git`. The proxy points at a closed port so HTTP fetches fail fast.
 */
function isolatedEnv(home: string): NodeJS.ProcessEnv {
  return {
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    KUSTOMIZE_PLUGIN_HOME: join(home, 'plugins'),
    TMPDIR: home,
    PATH: '',
    HTTP_PROXY: 'http://127.0.0.1:9',
    HTTPS_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '',
    GIT_TERMINAL_PROMPT: '0',
  };
}

/** Runs `kustomize build` on a directory already checked by checkKustomizationRefs; returns its YAML output. */
export async function kustomizeBuild(options: KustomizeOptions): Promise<string> {
  const shownDir = displayPath(options.root, options.dir);
  const timeoutMs = options.timeoutMs ?? DEFAULT_KUSTOMIZE_TIMEOUT_MS;
  const home = await mkdtemp(join(tmpdir(), 'governor-kustomize-'));
  try {
    return await new Promise<string>((resolvePromise, reject) => {
      const child = spawn(
        options.binary,
        ['build', '--load-restrictor', 'LoadRestrictionsRootOnly', options.dir],
        { cwd: home, env: isolatedEnv(home), stdio: ['ignore', 'pipe', 'pipe'], shell: false },
      );
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let size = 0;
      let killedFor: string | undefined;
      const kill = (why: string): void => {
        killedFor ??= why;
        child.kill('SIGKILL');
      };
      const timer = setTimeout(() => kill(`timed out after ${timeoutMs} ms`), timeoutMs);
      child.stdout.on('data', (d: Buffer) => {
        size += d.length;
        if (size > MAX_OUTPUT_BYTES) kill(`output larger than ${MAX_OUTPUT_BYTES} bytes`);
        else stdout.push(d);
      });
      child.stderr.on('data', (d: Buffer) => {
        // Only the end is kept: kustomize's actual error is the last thing it writes.
        stderr.push(d);
        if (stderr.length > 64) stderr.shift();
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(failed(shownDir, `cannot run ${options.binary}: ${err.message}`));
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        if (killedFor !== undefined) {
          reject(failed(shownDir, killedFor));
          return;
        }
        if (code === 0) {
          resolvePromise(Buffer.concat(stdout).toString('utf8'));
          return;
        }
        // Kustomize names files by absolute path; relative to the checkout they match what the user sees.
        const message = Buffer.concat(stderr)
          .toString('utf8')
          .replaceAll(`${options.root}/`, '')
          .trim()
          .replace(/^Error: /, '');
        reject(failed(shownDir, message || `exited with ${signal ?? `code ${code}`}`, { exitCode: code }));
      });
    });
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/**
 * Renders a kustomization directory with the real kustomize, after refusing remote bases and
 * paths leading out of the checkout. The documents are attributed to the kustomization file.
 */
export async function renderKustomization(options: KustomizeOptions): Promise<SourceDocument[]> {
  const file = await findKustomization(options.dir);
  if (file === undefined) throw failed(displayPath(options.root, options.dir), 'no kustomization file');
  await checkKustomizationRefs(options.root, options.dir);
  const output = await kustomizeBuild(options);
  return parseManifests(output, displayPath(options.root, file), { kustomize: true });
}

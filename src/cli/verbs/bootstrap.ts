import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { parseDuration } from '../../controller/duration.ts';
import { GovernorError } from '../../errors.ts';
import { applyInOrder } from '../../install/install.ts';
import { installManifests, toYaml } from '../../install/manifests.ts';
import { commitFiles, repoPath } from '../../install/repository.ts';
import { credentialsSecret, syncManifests, syncName, withStackLabels } from '../../install/sync.ts';
import type { GitAuth } from '../../source/exec.ts';
import { validateGitUrl, type GitUrl } from '../../source/url.ts';
import { versionInfo } from '../../version.ts';
import { CliError, connect, globals, timeoutMs } from '../context.ts';
import type { CliIO } from '../program.ts';
import { applyInstallation, installNamespace, printApplied } from './install.ts';

interface GitFlags {
  url: string;
  branch: string;
  path: string;
  username?: string;
  passwordStdin: boolean;
  tokenStdin: boolean;
  privateKeyFile?: string;
  knownHostsFile?: string;
  interval: string;
  allowFileUrls: boolean;
  authorName: string;
  authorEmail: string;
  commitMessage: string;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** The credentials the flags name, read from stdin or files; undefined when there are none. */
async function credentials(o: GitFlags, url: GitUrl): Promise<GitAuth | undefined> {
  if (o.passwordStdin && o.tokenStdin) throw new CliError('--password-stdin and --token-stdin cannot be used together');
  const sshFlags = o.privateKeyFile !== undefined || o.knownHostsFile !== undefined;
  if (url.scheme === 'ssh') {
    if (o.passwordStdin || o.tokenStdin) throw new CliError('an ssh URL authenticates with --private-key-file, not a password or token');
    if (o.privateKeyFile === undefined || o.knownHostsFile === undefined) {
      throw new CliError('an ssh URL needs --private-key-file and --known-hosts-file', {
        hint: 'host keys are always verified: ssh-keyscan <host> > known_hosts, and check the fingerprints',
      });
    }
    const read = async (file: string, what: string) => {
      try {
        return await readFile(file, 'utf8');
      } catch (err) {
        throw new CliError(`cannot read the ${what} ${file}: ${(err as Error).message}`);
      }
    };
    return {
      ...(o.username !== undefined ? { username: o.username } : {}),
      sshPrivateKey: await read(o.privateKeyFile, 'private key'),
      knownHosts: await read(o.knownHostsFile, 'known_hosts file'),
    };
  }
  if (sshFlags) throw new CliError('--private-key-file and --known-hosts-file need an ssh URL');
  if (o.passwordStdin || o.tokenStdin) {
    const secret = await readStdin();
    if (secret === '') throw new CliError(`nothing on stdin for ${o.passwordStdin ? '--password-stdin' : '--token-stdin'}`);
    // A token goes as a basic-auth password, as GitHub, GitLab and Gitea all accept.
    return { username: o.username ?? 'git', password: secret };
  }
  if (o.username !== undefined) throw new CliError('--username needs --password-stdin or --token-stdin');
  return undefined;
}

function cliError(err: unknown): never {
  if (err instanceof GovernorError) throw new CliError(err.message);
  throw err;
}

export function registerBootstrap(program: Command, io: CliIO): void {
  const bootstrap = program
    .command('bootstrap')
    .description('install Governor and make the installation manage itself from a Git repository');

  bootstrap
    .command('git')
    .description(
      'install Governor, commit its manifests and a GitRepository + Stack for --path into the repository, push, and apply them so the installation manages itself; running it again changes nothing',
    )
    .requiredOption('--url <url>', 'the repository: https://, http://, ssh:// (or user@host:path), or file:// with --allow-file-urls')
    .option('--branch <branch>', 'the branch to commit to and follow (created when missing)', 'main')
    .requiredOption('--path <path>', 'the directory of this cluster in the repository, such as clusters/prod')
    .option('--username <name>', 'user name for https basic auth (default "git")')
    .option('--password-stdin', 'read the password for https basic auth from stdin', false)
    .option('--token-stdin', 'read an access token from stdin (sent as the basic-auth password)', false)
    .option('--private-key-file <file>', 'ssh private key for an ssh URL')
    .option('--known-hosts-file <file>', 'known_hosts for an ssh URL (host keys are always verified)')
    .option('--interval <duration>', 'how often the GitRepository and Stack reconcile', '1m')
    .option('--allow-file-urls', 'allow a file:// URL (here and in the installed controller)', false)
    .option('--author-name <name>', 'commit author name', 'Governor')
    .option('--author-email <email>', 'commit author email', 'governor@localhost')
    .option('--commit-message <text>', 'message of the commit', 'Add Governor installation')
    .action(async (o: GitFlags, cmd: Command) => {
      const g = globals(cmd);
      const namespace = installNamespace(g);
      const ms = timeoutMs(g);
      let url: GitUrl;
      let path: string;
      try {
        url = validateGitUrl(o.url, { allowFileUrls: o.allowFileUrls });
        path = repoPath(o.path);
        parseDuration(o.interval);
      } catch (err) {
        if (err instanceof GovernorError) throw new CliError(err.message, { hint: /file:\/\/ URLs are disabled/.test(err.message) ? 'pass --allow-file-urls' : undefined });
        throw new CliError((err as Error).message);
      }
      if (o.branch.startsWith('-') || /[\s~^:?*[\\]|\.\.|@\{/.test(o.branch)) throw new CliError(`--branch "${o.branch}" is not a valid branch name`);
      const auth = await credentials(o, url);
      if (auth && url.insecure) io.err('warning: credentials will be sent over plain http\n');

      const version = versionInfo().governor;
      const secretName = auth ? syncName(namespace) : undefined;
      const install = installManifests({ version, namespace, allowFileUrls: o.allowFileUrls });
      const sync = syncManifests({ url: o.url, branch: o.branch, path, interval: o.interval, namespace, secretName });
      const dir = path === '' ? namespace : `${path}/${namespace}`;
      const header = (what: string) => `# ${what}: generated by \`governor bootstrap git\` (Governor ${version}); run it again to update.`;
      const files = new Map<string, string>([
        [`${dir}/components.yaml`, toYaml(install, header('The Governor installation'))],
        [`${dir}/sync.yaml`, toYaml(sync, header('What keeps this installation in sync with Git'))],
        [
          `${dir}/kustomization.yaml`,
          toYaml([{ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['components.yaml', 'sync.yaml'] }]),
        ],
      ]);

      const session = await connect(g);
      try {
        io.out(`installing Governor ${version} into namespace ${namespace}\n`);
        // With the labels the self-managing Stack adds, so later runs and the Stack agree on every field.
        let changed = await applyInstallation(io, session.api, withStackLabels(install, namespace), ms);

        io.out(`committing the installation to ${dir}/ on branch ${o.branch} of ${url.url}\n`);
        const commit = await commitFiles({
          url: o.url,
          branch: o.branch,
          files,
          message: o.commitMessage,
          author: { name: o.authorName, email: o.authorEmail },
          auth,
          allowFileUrls: o.allowFileUrls,
          timeoutMs: ms,
        }).catch(cliError);
        const short = commit.sha.slice(0, 12);
        if (commit.committed) io.out(`  committed ${short} "${o.commitMessage}" and pushed${commit.createdBranch ? ` (new branch ${o.branch})` : ''}\n`);
        else if (commit.createdBranch) io.out(`  pushed new branch ${o.branch} at ${short}; the files were already there\n`);
        else io.out(`  nothing to commit: ${o.branch} already holds these files at ${short}\n`);
        changed ||= commit.committed || commit.createdBranch;

        io.out('configuring the cluster to sync from Git\n');
        const objects = [...(auth ? [credentialsSecret(secretName!, namespace, auth)] : []), ...withStackLabels(sync, namespace)];
        const applied = await applyInOrder(session.api, objects, { timeoutMs: ms, onApplied: (a) => printApplied(io, a) });
        changed ||= applied.some((a) => a.result !== 'unchanged');

        io.out(
          changed
            ? `bootstrap complete: Stack ${namespace}/${syncName(namespace)} now keeps the installation in sync with ${dir}/ on ${o.branch}\n`
            : `nothing changed: Governor was already bootstrapped from ${dir}/ on ${o.branch}\n`,
        );
      } finally {
        session.close();
      }
    });
}

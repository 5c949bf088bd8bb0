import semver from 'semver';
import { ErrorCodes, GovernorError } from '../errors.ts';
import { hasSpaceOrControl } from './url.ts';

/** Which commit of a repository to follow; the first set of commit, semver, tag, branch wins. */
export interface GitRefSpec {
  branch?: string;
  tag?: string;
  /** A semver range over the repository's tags, e.g. `>=1.2.0 <2`. */
  semver?: string;
  /** A full commit SHA; with `branch`, it must be on that branch. */
  commit?: string;
}

/** What `git ls-remote` reported: ref name → object id, with annotated tags peeled apart. */
export interface RemoteRefs {
  direct: Map<string, string>;
  /** `refs/tags/x` → the commit an annotated tag points to (the `^{}` lines). */
  peeled: Map<string, string>;
  /** `HEAD` → `refs/heads/main`, from `--symref`. */
  symrefs: Map<string, string>;
}

export interface ResolvedRef {
  sha: string;
  /** Flux-style: `main@sha1:<sha>`, `v1.2.0@sha1:<sha>`, `sha1:<sha>`. */
  revision: string;
  /** The remote ref to fetch so the commit arrives; absent for a bare commit, fetched by SHA. */
  fetchRef?: string;
}

export interface LsRemoteQuery {
  flags: string[];
  /** Narrow what the server sends (protocol v2 ref prefixes); matching is by tail, so still filter. */
  patterns: string[];
}

const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

export function parseLsRemote(output: string): RemoteRefs {
  const refs: RemoteRefs = { direct: new Map(), peeled: new Map(), symrefs: new Map() };
  for (const line of output.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const left = line.slice(0, tab).trim();
    const name = line.slice(tab + 1).trim();
    if (left.startsWith('ref: ')) {
      refs.symrefs.set(name, left.slice(5));
    } else if (SHA.test(left)) {
      if (name.endsWith('^{}')) refs.peeled.set(name.slice(0, -3), left);
      else refs.direct.set(name, left);
    }
  }
  return refs;
}

/** The ls-remote arguments that answer `ref` without listing every ref of a large repository. */
export function lsRemoteQuery(ref: GitRefSpec): LsRemoteQuery {
  validateRefSpec(ref);
  const kind = refKind(ref);
  switch (kind) {
    case 'commit':
      return { flags: [], patterns: ref.branch ? [`refs/heads/${ref.branch}`] : ['HEAD'] };
    case 'semver':
      return { flags: ['--tags'], patterns: [] };
    case 'tag':
      return { flags: [], patterns: [`refs/tags/${ref.tag}`, `refs/tags/${ref.tag}^{}`] };
    case 'branch':
      return { flags: [], patterns: [`refs/heads/${ref.branch}`] };
    case 'head':
      return { flags: ['--symref'], patterns: ['HEAD'] };
  }
}

export function revisionOf(sha: string, name?: string): string {
  const algo = sha.length === 64 ? 'sha256' : 'sha1';
  return name ? `${name}@${algo}:${sha}` : `${algo}:${sha}`;
}

/** Picks the commit `ref` names among the remote's refs; `where` only words the error. */
export function resolveRef(remote: RemoteRefs, ref: GitRefSpec, where = 'the repository'): ResolvedRef {
  const kind = refKind(ref);
  switch (kind) {
    case 'commit': {
      const sha = (ref.commit ?? '').toLowerCase();
      if (!SHA.test(sha)) throw invalid(`commit ${JSON.stringify(ref.commit)} is not a full commit SHA`);
      if (!ref.branch) return { sha, revision: revisionOf(sha) };
      const fetchRef = `refs/heads/${checkRefName(ref.branch, 'branch')}`;
      if (!remote.direct.has(fetchRef)) throw notFound(`branch ${JSON.stringify(ref.branch)} not found in ${where}`, ref);
      return { sha, revision: revisionOf(sha, ref.branch), fetchRef };
    }
    case 'semver':
      return resolveSemver(remote, ref.semver ?? '', where);
    case 'tag': {
      const fetchRef = `refs/tags/${checkRefName(ref.tag ?? '', 'tag')}`;
      // An annotated tag's own id names the tag object; the peeled line names the commit.
      const sha = remote.peeled.get(fetchRef) ?? remote.direct.get(fetchRef);
      if (!sha) throw notFound(`tag ${JSON.stringify(ref.tag)} not found in ${where}`, ref);
      return { sha, revision: revisionOf(sha, ref.tag), fetchRef };
    }
    case 'branch': {
      const fetchRef = `refs/heads/${checkRefName(ref.branch ?? '', 'branch')}`;
      const sha = remote.direct.get(fetchRef);
      if (!sha) throw notFound(`branch ${JSON.stringify(ref.branch)} not found in ${where}`, ref);
      return { sha, revision: revisionOf(sha, ref.branch), fetchRef };
    }
    case 'head': {
      const sha = remote.direct.get('HEAD');
      if (!sha) throw notFound(`${where} has no default branch (HEAD); set a branch, tag, semver or commit`, ref);
      const target = remote.symrefs.get('HEAD');
      if (target?.startsWith('refs/heads/')) {
        return { sha, revision: revisionOf(sha, target.slice('refs/heads/'.length)), fetchRef: target };
      }
      return { sha, revision: revisionOf(sha, 'HEAD'), fetchRef: 'HEAD' };
    }
  }
}

function resolveSemver(remote: RemoteRefs, range: string, where: string): ResolvedRef {
  if (semver.validRange(range) === null) throw invalid(`semver range ${JSON.stringify(range)} is not valid`);
  let best: { tag: string; version: semver.SemVer } | undefined;
  for (const name of remote.direct.keys()) {
    if (!name.startsWith('refs/tags/')) continue;
    const tag = name.slice('refs/tags/'.length);
    // semver.parse accepts one leading "v"; tags that are not versions simply do not take part.
    const version = semver.parse(tag);
    if (!version || !semver.satisfies(version, range)) continue;
    const order = best ? semver.compare(version, best.version) : 1;
    // `v1.0.0` and `1.0.0` are the same version: break the tie by name so the pick is stable.
    if (order > 0 || (order === 0 && best && tag > best.tag)) best = { tag, version };
  }
  if (!best) throw notFound(`no tag in ${where} satisfies semver range ${JSON.stringify(range)}`, { semver: range });
  const fetchRef = `refs/tags/${best.tag}`;
  const sha = remote.peeled.get(fetchRef) ?? remote.direct.get(fetchRef) ?? '';
  return { sha, revision: revisionOf(sha, best.tag), fetchRef };
}

/** Refuses malformed names, SHAs and ranges before anything reaches git or the network. */
export function validateRefSpec(ref: GitRefSpec): void {
  if (ref.branch !== undefined && ref.branch !== '') checkRefName(ref.branch, 'branch');
  if (ref.tag !== undefined && ref.tag !== '') checkRefName(ref.tag, 'tag');
  if (ref.commit && !SHA.test(ref.commit.toLowerCase())) {
    throw invalid(`commit ${JSON.stringify(ref.commit)} is not a full commit SHA`);
  }
  if (ref.semver && semver.validRange(ref.semver) === null) {
    throw invalid(`semver range ${JSON.stringify(ref.semver)} is not valid`);
  }
}

type RefKind = 'commit' | 'semver' | 'tag' | 'branch' | 'head';

function refKind(ref: GitRefSpec): RefKind {
  if (ref.commit) return 'commit';
  if (ref.semver) return 'semver';
  if (ref.tag) return 'tag';
  if (ref.branch) return 'branch';
  return 'head';
}

/**
 * The name ends up inside a refspec (`+refs/heads/<b>:refs/heads/<b>`) and on git's command
 * line, so anything git would not accept as a ref name, or that reads as an option, stops here.
 */
function checkRefName(name: string, what: string): string {
  const bad =
    name === '' ||
    name.startsWith('-') ||
    name.startsWith('/') ||
    name.endsWith('/') ||
    name.endsWith('.') ||
    name.endsWith('.lock') ||
    name.includes('..') ||
    name.includes('@{') ||
    name.includes('//') ||
    hasSpaceOrControl(name) ||
    /[~^:?*[\\]/.test(name) ||
    name.split('/').some((part) => part.startsWith('.'));
  if (bad) throw invalid(`${what} ${JSON.stringify(name)} is not a valid git ref name`);
  return name;
}

function invalid(message: string): GovernorError {
  return new GovernorError(ErrorCodes.InvalidSpec, message);
}

function notFound(message: string, ref: GitRefSpec): GovernorError {
  return new GovernorError(ErrorCodes.GitRefNotFound, message, { details: { ref } });
}

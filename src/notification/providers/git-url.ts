/** Where a Git repository lives, as far as a Git host's API cares. */
export interface GitRepoLocation {
  /**
   * `scheme://host[:port]` of the web server: kept from http(s) URLs; https with no port for SSH,
   * whose port is the SSH server's.
   */
  origin: string;
  /** Lower-case host name without port. */
  host: string;
  /** The path's segments, without a trailing `.git`; at least two (owner and repository). */
  segments: string[];
}

/** GitHub's SSH-over-443 host serves the same repositories as github.com. */
const HOST_ALIASES: Record<string, string> = { 'ssh.github.com': 'github.com', 'www.github.com': 'github.com' };

function location(origin: string, host: string, path: string): GitRepoLocation | undefined {
  const segments = path
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .split('/')
    .filter((s) => s !== '');
  if (segments.length < 2) return undefined;
  let decoded: string[];
  try {
    decoded = segments.map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
  const canonical = HOST_ALIASES[host] ?? host;
  return { origin: canonical === host ? origin : `https://${canonical}`, host: canonical, segments: decoded };
}

/**
 * Parses the URL forms Git accepts for a remote: `https://` and `http://` (credentials dropped),
 * `ssh://`, `git://`, and scp-like `[user@]host:owner/repo.git`. Undefined for anything else,
 * such as local paths and file:// URLs, which have no Git host to post to.
 */
export function parseGitUrl(url: string): GitRepoLocation | undefined {
  const text = url.trim();
  const scp = /^(?:[^@/:]+@)?([^@/:]+):(?!\/\/)(.+)$/.exec(text);
  if (scp && !text.includes('://')) {
    const host = scp[1]!.toLowerCase();
    return location(`https://${host}`, host, scp[2]!);
  }
  if (!URL.canParse(text)) return undefined;
  const parsed = new URL(text);
  const host = parsed.hostname.toLowerCase();
  if (!host) return undefined;
  switch (parsed.protocol) {
    case 'http:':
    case 'https:':
      return location(`${parsed.protocol}//${parsed.host.toLowerCase()}`, host, parsed.pathname);
    case 'ssh:':
    case 'git+ssh:':
    case 'ssh+git:':
    case 'git:':
      return location(`https://${parsed.hostname.toLowerCase()}`, host, parsed.pathname);
    default:
      return undefined;
  }
}

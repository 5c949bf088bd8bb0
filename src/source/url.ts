import { ErrorCodes, GovernorError } from '../errors.ts';

export type GitUrlScheme = 'https' | 'http' | 'ssh' | 'file';

export interface GitUrl {
  /** The URL exactly as given; safe to hand to git once validated. */
  url: string;
  scheme: GitUrlScheme;
  /** Empty for file URLs. */
  host: string;
  /** True for http://: traffic and any credentials travel in clear text, so callers may warn. */
  insecure: boolean;
}

export interface GitUrlOptions {
  /** file:// reads the controller's own disk, so it is opt-in (tests, out-of-cluster use). */
  allowFileUrls: boolean;
}

// `<transport>::<address>` makes git run a remote helper, e.g. ext:: runs an arbitrary command.
const HELPER_SYNTAX = /^[A-Za-z][A-Za-z0-9+.-]*::/;
const SCP_LIKE = /^(?:([^@/:\s]+)@)?([^@/:\s[\]]+):(.+)$/;

/** True if `s` holds a space, a control character or other whitespace. */
export function hasSpaceOrControl(s: string): boolean {
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (c <= 0x20 || c === 0x7f || /\s/.test(ch)) return true;
  }
  return false;
}

/**
 * Hides credentials in any URL inside `text`: all of an http(s) userinfo (a token is often
 * passed as the user name), and the password part of any other (an ssh user name is not secret).
 */
export function redactUrl(text: string): string {
  return text.replace(/\b([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/\s@]*)@/g, (_match, scheme: string, userinfo: string) => {
    if (/^https?$/i.test(scheme)) return `${scheme}://***@`;
    const colon = userinfo.indexOf(':');
    return colon < 0 ? `${scheme}://${userinfo}@` : `${scheme}://${userinfo.slice(0, colon)}:***@`;
  });
}

function reject(url: string, why: string): GovernorError {
  return new GovernorError(ErrorCodes.GitUrlRejected, `git URL ${JSON.stringify(redactUrl(url))} rejected: ${why}`, {
    details: { url: redactUrl(url) },
  });
}

/**
 * Accepts only the transports Governor is prepared to secure; everything else is refused before
 * git sees it, because git itself would happily run helpers, local commands or ssh options.
 */
export function validateGitUrl(url: string, options: GitUrlOptions): GitUrl {
  if (url.length === 0) throw reject(url, 'the URL is empty');
  // Control characters and whitespace have been used to smuggle lines into git's credential
  // protocol and config; no legitimate repository URL needs them unencoded.
  if (hasSpaceOrControl(url)) throw reject(url, 'it contains whitespace or control characters');
  if (url.startsWith('-')) throw reject(url, 'it starts with "-" and would be read as a git option');
  if (HELPER_SYNTAX.test(url)) throw reject(url, 'the "<transport>::" remote-helper syntax is not allowed');

  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) return validateScpLike(url);

  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw reject(url, 'it is not a valid URL');
  }
  switch (scheme) {
    case 'https':
    case 'http': {
      if (parsed.username !== '' || parsed.password !== '') {
        throw reject(url, 'credentials must not be embedded in the URL; reference a Secret instead');
      }
      if (parsed.hostname === '') throw reject(url, 'the host is missing');
      return { url, scheme, host: parsed.host, insecure: scheme === 'http' };
    }
    case 'ssh': {
      if (parsed.password !== '') throw reject(url, 'a password must not be embedded in an ssh URL');
      if (parsed.hostname === '') throw reject(url, 'the host is missing');
      // ssh would read a leading "-" in the user or host as an option (-oProxyCommand=...).
      if (decodeURIComponent(parsed.username).startsWith('-') || parsed.hostname.startsWith('-')) {
        throw reject(url, 'the user or host starts with "-"');
      }
      if (parsed.pathname === '' || parsed.pathname === '/') throw reject(url, 'the repository path is missing');
      return { url, scheme: 'ssh', host: parsed.host, insecure: false };
    }
    case 'file': {
      if (!options.allowFileUrls) throw reject(url, 'file:// URLs are disabled (they expose the local disk)');
      if (parsed.host !== '' && parsed.host !== 'localhost') throw reject(url, 'a file URL must not name a host');
      if (parsed.pathname === '' || parsed.pathname === '/') throw reject(url, 'the repository path is missing');
      return { url, scheme: 'file', host: '', insecure: false };
    }
    default:
      throw reject(url, `the ${scheme}:// scheme is not supported (use https, ssh or file)`);
  }
}

function validateScpLike(url: string): GitUrl {
  const m = SCP_LIKE.exec(url);
  // Like git, a slash before the first colon makes it a local path, which we never accept.
  const slash = url.indexOf('/');
  if (!m || (slash >= 0 && slash < url.indexOf(':'))) {
    throw reject(url, 'only https://, http://, ssh://, user@host:path and (when enabled) file:// URLs are supported');
  }
  const [, user = '', host = '', path = ''] = m;
  if (user.startsWith('-') || host.startsWith('-')) throw reject(url, 'the user or host starts with "-"');
  if (path.startsWith('-')) throw reject(url, 'the repository path starts with "-"');
  return { url, scheme: 'ssh', host, insecure: false };
}

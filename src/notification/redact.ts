/** What a URL may show in logs and events: scheme and host. Webhook paths and queries are credentials. */
export function describeTarget(url: string): string {
  if (!URL.canParse(url)) return '(invalid URL)';
  const u = new URL(url);
  return `${u.protocol}//${u.host}`;
}

/** Values shorter than this are not scrubbed: they would mangle ordinary words and are not real credentials. */
const MIN_SECRET_LENGTH = 4;

/**
 * Returns a function that removes the given secrets from text, for error messages that may echo
 * a request (an undici error quotes the URL; a server may quote a header). A URL becomes its
 * scheme and host; its path, query and credentials are scrubbed wherever else they appear.
 */
export function redactor(secrets: Iterable<string>, urls: Iterable<string> = []): (text: string) => string {
  const replacements = new Map<string, string>();
  const add = (value: string | undefined, replacement = '[redacted]') => {
    const v = value?.trim();
    if (!v || v.length < MIN_SECRET_LENGTH) return;
    replacements.set(v, replacement);
    replacements.set(encodeURIComponent(v), replacement);
  };
  for (const secret of secrets) add(secret);
  for (const url of urls) {
    if (!URL.canParse(url)) {
      add(url);
      continue;
    }
    const u = new URL(url);
    add(url, `${describeTarget(url)}/[redacted]`);
    add(u.href, `${describeTarget(url)}/[redacted]`);
    if (u.pathname.length > 1) add(u.pathname + u.search);
    add(u.pathname.length > 1 ? u.pathname : undefined);
    add(u.search);
    add(u.username);
    add(u.password);
  }
  // Longest first, so a whole URL goes before the path inside it.
  const ordered = [...replacements].sort((a, b) => b[0].length - a[0].length);
  return (text) => ordered.reduce((acc, [needle, replacement]) => acc.split(needle).join(replacement), text);
}

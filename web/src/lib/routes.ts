import type { ObjectKey } from '../model.ts';

/** The app's pages, from history paths: /, /stacks, /stacks/:namespace/:name, /sources. */
export type Route =
  | { page: 'overview' }
  | { page: 'stacks' }
  | { page: 'stack'; key: ObjectKey }
  | { page: 'sources' }
  | { page: 'not-found'; path: string };

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

export function parseRoute(pathname: string): Route {
  const parts = pathname.split('/').filter((p) => p !== '');
  if (parts.length === 0) return { page: 'overview' };
  if (parts[0] === 'stacks') {
    if (parts.length === 1) return { page: 'stacks' };
    if (parts.length === 3) {
      const namespace = decode(parts[1]!);
      const name = decode(parts[2]!);
      if (namespace && name) return { page: 'stack', key: { namespace, name } };
    }
  }
  if (parts[0] === 'sources' && parts.length === 1) return { page: 'sources' };
  return { page: 'not-found', path: pathname };
}

export function stackPath(key: ObjectKey): string {
  return `/stacks/${encodeURIComponent(key.namespace)}/${encodeURIComponent(key.name)}`;
}

/** "<namespace>/<name>" → ObjectKey (the form StackRow.source uses). */
export function parseKey(text: string): ObjectKey | undefined {
  const slash = text.indexOf('/');
  if (slash <= 0 || slash === text.length - 1) return undefined;
  return { namespace: text.slice(0, slash), name: text.slice(slash + 1) };
}

export function keyString(key: ObjectKey): string {
  return `${key.namespace}/${key.name}`;
}

export function sameKey(a: ObjectKey, b: ObjectKey): boolean {
  return a.namespace === b.namespace && a.name === b.name;
}

/** The one-time code in `#login=<code>` (what `governor dashboard` opens the browser with). */
export function loginCodeFromHash(hash: string): string | undefined {
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  const code = new URLSearchParams(text).get('login');
  return code ? code : undefined;
}

/**
 * Cross-site request forgery defences for every state-changing request: the session's CSRF token
 * echoed in a header (a cross-site form or fetch cannot read it), and an Origin, when the browser
 * sends one, naming this very host. SameSite=Strict on the cookie is the third layer.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export const CSRF_HEADER = 'x-csrf-token';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function isUnsafeMethod(method: string): boolean {
  return UNSAFE.has(method.toUpperCase());
}

/** Equality that takes as long whatever the input: digests first, so lengths never differ. */
export function tokensEqual(given: string | undefined, expected: string): boolean {
  if (given === undefined || given === '') return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * An absent Origin is allowed (same-origin GETs and non-browser clients omit it; the CSRF token
 * still guards them). A present one must be exactly this host, scheme aside: behind a TLS proxy
 * the browser's https origin meets the server's plain http.
 */
export function originAllowed(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  if (!host || origin === 'null') return false;
  try {
    const u = new URL(origin);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.host.toLowerCase() === host.toLowerCase();
  } catch {
    return false;
  }
}

import { ErrorCodes, GovernorError } from '../../errors.ts';
import type { ProviderSpec } from '../../api/notification.ts';
import type { OutgoingRequest } from './types.ts';

export function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === 'http:' || protocol === 'https:';
}

/** Secrets written with `echo` end in a newline that no service accepts. */
function secretValue(secret: Readonly<Record<string, string>>, key: string): string | undefined {
  const value = secret[key]?.trim();
  return value ? value : undefined;
}

export type Resolved = { value: string; problem?: undefined } | { value?: undefined; problem: string };

/**
 * The Provider's address: the Secret's `address` wins over spec.address, so a webhook URL (which
 * is itself the credential for Slack, Teams and Discord) can be kept out of the spec. Problems
 * never quote a value from the Secret.
 */
export function resolveAddress(spec: ProviderSpec, secret: Readonly<Record<string, string>>, required: boolean): Resolved | undefined {
  const fromSecret = secretValue(secret, 'address');
  if (fromSecret !== undefined) {
    return isHttpUrl(fromSecret) ? { value: fromSecret } : { problem: "the Secret's address is not an http:// or https:// URL" };
  }
  if (spec.address !== undefined) {
    return isHttpUrl(spec.address) ? { value: spec.address } : { problem: `spec.address ${JSON.stringify(spec.address)} is not an http:// or https:// URL` };
  }
  return required ? { problem: `a ${spec.type} Provider needs an address: set spec.address or the key address in its Secret` } : undefined;
}

export function resolveToken(spec: ProviderSpec, secret: Readonly<Record<string, string>>, purpose: string): Resolved {
  const token = secretValue(secret, 'token');
  if (token !== undefined) return { value: token };
  return {
    problem: spec.secretRef
      ? `a ${spec.type} Provider needs ${purpose}: the key token in Secret ${JSON.stringify(spec.secretRef.name)}`
      : `a ${spec.type} Provider needs ${purpose}: set spec.secretRef to a Secret with the key token`,
  };
}

export function configError(message: string): GovernorError {
  return new GovernorError(ErrorCodes.InvalidProvider, message);
}

/** The value, or a thrown configuration error. */
export function required(resolved: Resolved | undefined): string {
  if (resolved?.value !== undefined) return resolved.value;
  throw configError(resolved?.problem ?? 'missing configuration');
}

export function jsonRequest(url: string, payload: unknown, headers: Record<string, string> = {}): OutgoingRequest {
  return { url, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(payload) };
}

import { COMMIT_STATUS_PROVIDER_TYPES } from '../api/notification.ts';
import type { Provider, ProviderType } from '../api/notification.ts';
import { resolveAddress, resolveToken } from './providers/common.ts';
import { providerFor } from './providers/index.ts';

export function isCommitStatusType(type: string): boolean {
  return (COMMIT_STATUS_PROVIDER_TYPES as readonly string[]).includes(type);
}

/** Types whose address is where the message goes, so they have nothing to send to without one. */
function needsAddress(type: ProviderType): boolean {
  return !isCommitStatusType(type);
}

function needsToken(type: ProviderType): boolean {
  return type === 'generic-hmac' || isCommitStatusType(type);
}

/**
 * What keeps a Provider from working, one line each, for its Ready condition; empty when nothing
 * does. Pass the data of the Provider's Secret when it has a secretRef: undefined then means the
 * Secret was not found. Lines never quote a value from the Secret.
 */
export function validateProvider(provider: Provider, secret?: Readonly<Record<string, string>>): string[] {
  const spec = provider.spec;
  if (!providerFor(spec.type)) return [`unknown provider type ${JSON.stringify(spec.type)}`];
  const problems: string[] = [];
  const secretMissing = spec.secretRef !== undefined && secret === undefined;
  if (secretMissing) problems.push(`Secret ${JSON.stringify(spec.secretRef!.name)} not found`);
  const data = spec.secretRef ? (secret ?? {}) : {};
  const address = resolveAddress(spec, data, needsAddress(spec.type) && !secretMissing);
  if (address?.problem) problems.push(address.problem);
  if (needsToken(spec.type) && !secretMissing) {
    const token = resolveToken(spec, data, spec.type === 'generic-hmac' ? 'an HMAC key' : 'an API token');
    if (token.problem) problems.push(token.problem);
  }
  return problems;
}

import { ErrorCodes, GovernorError } from '../errors.ts';
import type { KubeApi } from '../kube/api.ts';
import { isNotFound } from '../kube/client.ts';
import type { KubeObject } from '../kube/types.ts';
import type { GitAuth } from '../source/exec.ts';

/** A Secret's data, decoded. Values never leave the caller: not in logs, events or status. */
export async function readSecretData(api: KubeApi, namespace: string, name: string): Promise<Record<string, string> | undefined> {
  let secret: KubeObject & { data?: Record<string, string> };
  try {
    secret = await api.get({ apiVersion: 'v1', kind: 'Secret', namespace, name });
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(secret.data ?? {})) out[k] = Buffer.from(v, 'base64').toString('utf8');
  return out;
}

/**
 * Git credentials from a Secret in Flux's layout: `username` + `password` (basic auth),
 * `bearerToken`, or `identity` (SSH private key) + `known_hosts`.
 */
export async function gitAuthFromSecret(api: KubeApi, namespace: string, name: string): Promise<GitAuth> {
  const data = await readSecretData(api, namespace, name);
  if (!data) throw new GovernorError(ErrorCodes.SecretNotFound, `secret ${namespace}/${name} referenced by spec.secretRef does not exist`);
  const auth: GitAuth = {};
  if (data.username !== undefined) auth.username = data.username;
  if (data.password !== undefined) auth.password = data.password;
  if (data.bearerToken !== undefined) auth.bearerToken = data.bearerToken;
  if (data.identity !== undefined) auth.sshPrivateKey = data.identity;
  if (data.known_hosts !== undefined) auth.knownHosts = data.known_hosts;
  return auth;
}

import { readFile } from 'node:fs/promises';
import { httpsRequest } from './http.ts';

/** What a test needs to reach a running cluster; written to a file so other processes can attach. */
export interface ClusterInfo {
  server: string;
  token: string;
  caPem: string;
  kubeconfigPath: string;
}

export async function readClusterInfo(path: string): Promise<ClusterInfo> {
  return JSON.parse(await readFile(path, 'utf8')) as ClusterInfo;
}

/** Admin requests to the API server for test setup and assertions (JSON in, JSON out). */
export async function apiRequest<T = unknown>(
  info: Pick<ClusterInfo, 'server' | 'token' | 'caPem'>,
  method: string,
  path: string,
  body?: unknown,
  contentType?: string,
): Promise<{ status: number; body: T }> {
  const res = await httpsRequest(info.server + path, { method, token: info.token, ca: info.caPem, body, contentType });
  let parsed: unknown = res.body;
  try {
    parsed = JSON.parse(res.body);
  } catch {
    // not JSON (e.g. /readyz): keep the text
  }
  return { status: res.status, body: parsed as T };
}

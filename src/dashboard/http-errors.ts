/**
 * The one error shape of /api (`{ error: { code, message } }`, see model.ts) and how failures
 * map onto it. Messages are for people and never carry stack traces or credentials.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { apiStatusCode } from '../kube/client.ts';
import type { ApiError, ApiErrorCode } from './model.ts';

export class HttpError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: ApiErrorCode;

  constructor(status: ContentfulStatusCode, code: ApiErrorCode, message: string) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
  }
}

export function errorBody(code: ApiErrorCode, message: string): ApiError {
  return { error: { code, message } };
}

export function errorResponse(c: Context, status: ContentfulStatusCode, code: ApiErrorCode, message: string): Response {
  c.header('cache-control', 'no-store');
  return c.json(errorBody(code, message), status);
}

/**
 * A failed call to the API server made as the user: its refusal passes through with Kubernetes'
 * own message (it names the user, verb and resource, nothing secret); anything else is a 502.
 */
export function kubeFailure(err: unknown): HttpError {
  const status = apiStatusCode(err);
  const message = (err as Error).message;
  if (status === 401) return new HttpError(401, 'unauthorized', 'the API server no longer accepts your credentials; sign in again');
  if (status === 403) return new HttpError(403, 'forbidden', message);
  if (status === 404) return new HttpError(404, 'not_found', message);
  if (status === 409 || status === 422 || status === 400) return new HttpError(status, 'kube_error', message);
  return new HttpError(502, 'kube_error', status ? message : `the API server could not be reached: ${message}`);
}

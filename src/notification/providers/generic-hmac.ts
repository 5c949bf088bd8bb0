import { createHmac } from 'node:crypto';
import { jsonRequest, required, resolveAddress, resolveToken } from './common.ts';
import { genericPayload } from './generic.ts';
import type { BuildRequest } from './types.ts';

/** `sha256=<hex>` over the exact body bytes, as GitHub signs its webhooks, so receivers can reuse their checks. */
export function hmacSignature(key: string, body: string): string {
  return `sha256=${createHmac('sha256', key).update(body, 'utf8').digest('hex')}`;
}

export const buildGenericHmac: BuildRequest = (event, ctx) => {
  const url = required(resolveAddress(ctx.spec, ctx.secret, true));
  const key = required(resolveToken(ctx.spec, ctx.secret, 'an HMAC key'));
  const request = jsonRequest(url, genericPayload(event, ctx.summary));
  request.headers['X-Signature'] = hmacSignature(key, request.body);
  return request;
};

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { buildGenericHmac, hmacSignature } from './generic-hmac.ts';
import { genericPayload } from './generic.ts';
import { providerSpec, stackEvent } from '../test-fixtures.ts';

const spec = providerSpec('generic-hmac', { address: 'https://hooks.example/in', secretRef: { name: 'hmac' } });
const event = stackEvent({ severity: 'error', reason: 'ApplyFailed', message: 'naïve ünïcode — “quotes”' });

test('the generic body, signed over its exact bytes with the token', () => {
  const req = buildGenericHmac(event, { spec, secret: { token: 's3cret-key' } })!;
  assert.equal(req.body, JSON.stringify(genericPayload(event, undefined)));
  const expected = 'sha256=' + createHmac('sha256', Buffer.from('s3cret-key')).update(Buffer.from(req.body, 'utf8')).digest('hex');
  assert.ok(timingSafeEqual(Buffer.from(req.headers['X-Signature']!), Buffer.from(expected)));
  assert.equal(req.headers['Content-Type'], 'application/json');
  assert.equal(hmacSignature('k', 'body'), 'sha256=' + createHmac('sha256', 'k').update('body').digest('hex'));
});

test('no token is a clear configuration error', () => {
  assert.throws(() => buildGenericHmac(event, { spec, secret: {} }), {
    code: 'InvalidProvider',
    message: 'a generic-hmac Provider needs an HMAC key: the key token in Secret "hmac"',
  });
  assert.throws(() => buildGenericHmac(event, { spec: { ...spec, secretRef: undefined }, secret: {} }), {
    message: 'a generic-hmac Provider needs an HMAC key: set spec.secretRef to a Secret with the key token',
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NotificationEvent } from '../event.ts';
import { buildMsTeams } from './msteams.ts';
import { providerSpec } from '../test-fixtures.ts';

const spec = providerSpec('msteams');
const event: NotificationEvent = {
  involvedObject: { apiVersion: 'governor.dev/v1alpha1', kind: 'GitRepository', namespace: 'flux', name: 'platform' },
  severity: 'info',
  reason: 'NewRevision',
  message: 'stored revision main@sha1:' + 'a'.repeat(40),
  revision: 'main@sha1:' + 'a'.repeat(40),
  timestamp: '2025-01-01T00:00:00Z',
};

test('an Adaptive Card in a message envelope: title, message and facts', () => {
  const req = buildMsTeams(event, { spec, secret: { address: 'https://example.webhook.office.com/webhookb2/abc' }, summary: 'prod' });
  assert.equal(req?.url, 'https://example.webhook.office.com/webhookb2/abc');
  assert.deepEqual(req?.headers, { 'Content-Type': 'application/json' });
  assert.deepEqual(JSON.parse(req!.body), {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: 'GitRepository flux/platform: NewRevision', size: 'Medium', weight: 'Bolder', wrap: true, color: 'Good' },
            { type: 'TextBlock', text: event.message, wrap: true },
            { type: 'FactSet', facts: [{ title: 'Revision', value: event.revision }, { title: 'Summary', value: 'prod' }] },
          ],
        },
      },
    ],
  });
});

test('errors are coloured Attention; no FactSet without facts', () => {
  const req = buildMsTeams({ ...event, severity: 'error', revision: undefined }, { spec: { ...spec, address: 'https://x.example/h' }, secret: {} });
  const body = JSON.parse(req!.body).attachments[0].content.body;
  assert.equal(body[0].color, 'Attention');
  assert.equal(body.length, 2);
});

test('without an address the Provider is misconfigured', () => {
  assert.throws(() => buildMsTeams(event, { spec, secret: {} }), { code: 'InvalidProvider' });
});

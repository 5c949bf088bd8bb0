import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProviderSpec } from '../../api/notification.ts';
import { buildSlack, slackEscape } from './slack.ts';
import { stackEvent } from '../test-fixtures.ts';

const spec = (extra: Partial<ProviderSpec> = {}): ProviderSpec => ({ type: 'slack', timeout: '15s', suspend: false, ...extra });
const event = stackEvent({ severity: 'error', reason: 'HealthCheckFailed', message: 'Deployment/apps/web: 0/3 <ready> & waiting', revision: 'main@sha1:' + '1'.repeat(40) });

test('an error: danger attachment with title, escaped text, revision and summary; channel and username from the spec', () => {
  const req = buildSlack(event, {
    spec: spec({ channel: '#ops', username: 'governor' }),
    secret: { address: 'https://hooks.slack.com/services/T0/B0/XXXX\n' },
    summary: 'cluster prod-eu',
  });
  assert.equal(req?.url, 'https://hooks.slack.com/services/T0/B0/XXXX');
  assert.deepEqual(req?.headers, { 'Content-Type': 'application/json' });
  assert.deepEqual(JSON.parse(req!.body), {
    channel: '#ops',
    username: 'governor',
    attachments: [
      {
        color: 'danger',
        title: 'Stack apps/web: HealthCheckFailed',
        text: 'Deployment/apps/web: 0/3 &lt;ready&gt; &amp; waiting',
        fallback: 'Stack apps/web: HealthCheckFailed: Deployment/apps/web: 0/3 &lt;ready&gt; &amp; waiting',
        fields: [
          { title: 'Revision', value: event.revision, short: false },
          { title: 'Summary', value: 'cluster prod-eu', short: false },
        ],
      },
    ],
  });
});

test('info is good; no channel, username or facts when there are none; spec.address used without a Secret', () => {
  const req = buildSlack({ ...event, severity: 'info', reason: 'Applied', message: 'ok', revision: undefined }, {
    spec: spec({ address: 'https://hooks.example/x' }),
    secret: {},
  });
  const body = JSON.parse(req!.body);
  assert.equal(req?.url, 'https://hooks.example/x');
  assert.equal(body.channel, undefined);
  assert.equal(body.username, undefined);
  assert.equal(body.attachments[0].color, 'good');
  assert.deepEqual(body.attachments[0].fields, []);
});

test('without an address the Provider is misconfigured', () => {
  assert.throws(() => buildSlack(event, { spec: spec(), secret: {} }), { code: 'InvalidProvider', message: /needs an address/ });
});

test('slackEscape escapes only &, < and >', () => {
  assert.equal(slackEscape('a <b> & "c"'), 'a &lt;b&gt; &amp; "c"');
});

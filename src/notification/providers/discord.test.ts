import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DISCORD_GREEN, DISCORD_RED, buildDiscord } from './discord.ts';
import { providerSpec, stackEvent } from '../test-fixtures.ts';

const spec = providerSpec('discord', { username: 'governor' });
const event = stackEvent({ message: 'applied 3 objects @everyone', revision: 'main@sha1:' + 'b'.repeat(40) });

test('one embed with title, description, colour and fields; mentions disabled', () => {
  const req = buildDiscord(event, { spec, secret: { address: 'https://discord.com/api/webhooks/1/abc' }, summary: 'prod' });
  assert.equal(req?.url, 'https://discord.com/api/webhooks/1/abc');
  assert.deepEqual(req?.headers, { 'Content-Type': 'application/json' });
  assert.deepEqual(JSON.parse(req!.body), {
    username: 'governor',
    embeds: [
      {
        title: 'Stack apps/web: Applied',
        description: 'applied 3 objects @everyone',
        color: DISCORD_GREEN,
        fields: [
          { name: 'Revision', value: event.revision, inline: false },
          { name: 'Summary', value: 'prod', inline: false },
        ],
        timestamp: '2025-01-01T00:00:00Z',
      },
    ],
    allowed_mentions: { parse: [] },
  });
});

test('errors are red; long messages fit within the description limit', () => {
  const req = buildDiscord({ ...event, severity: 'error', message: 'x'.repeat(10_000) }, { spec: { ...spec, address: 'https://d.example/h' }, secret: {} });
  const embed = JSON.parse(req!.body).embeds[0];
  assert.equal(embed.color, DISCORD_RED);
  assert.equal(embed.description.length, 4000);
  assert.ok(embed.description.endsWith('…'));
});

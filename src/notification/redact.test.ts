import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeTarget, redactor } from './redact.ts';

test('describeTarget shows scheme and host only', () => {
  assert.equal(describeTarget('https://user:pw@hooks.slack.com/services/T0/B0/XYZ?x=1'), 'https://hooks.slack.com');
  assert.equal(describeTarget('http://127.0.0.1:8080/hook'), 'http://127.0.0.1:8080');
  assert.equal(describeTarget('nope'), '(invalid URL)');
});

test('redactor scrubs secrets, URL paths and queries, also percent-encoded, and leaves short values', () => {
  const url = 'https://hooks.slack.com/services/T0/B0/XYZSECRET?token=abc123';
  const redact = redactor(['tok/9876', 'ab'], [url]);
  assert.equal(redact(`Failed to parse URL from ${url}`), 'Failed to parse URL from https://hooks.slack.com/[redacted]');
  assert.equal(redact('GET /services/T0/B0/XYZSECRET?token=abc123 refused'), 'GET [redacted] refused');
  assert.equal(redact('server said /services/T0/B0/XYZSECRET'), 'server said [redacted]');
  assert.equal(redact('header was tok/9876 or tok%2F9876'), 'header was [redacted] or [redacted]');
  assert.equal(redact('about a cab'), 'about a cab');
  assert.equal(redact(encodeURIComponent('x tok/9876')), 'x%20[redacted]');
});

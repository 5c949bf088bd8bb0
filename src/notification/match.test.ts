import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Alert, AlertSpec } from '../api/notification.ts';
import type { NotificationEvent } from './event.ts';
import { globMatches } from '../glob.ts';
import { alertMatches, compileAlert, explainMismatch } from './match.ts';
import { SafeRegex } from './safe-regex.ts';

function alert(spec: Partial<AlertSpec> = {}, namespace = 'apps'): Alert {
  return {
    apiVersion: 'governor.dev/v1alpha1',
    kind: 'Alert',
    metadata: { name: 'on-call', namespace },
    spec: {
      providerRef: { name: 'slack' },
      eventSeverity: 'info',
      eventSources: [{ kind: '*', name: '*' }],
      repeatWindow: '5m',
      suspend: false,
      ...spec,
    },
  };
}

function event(overrides: Partial<NotificationEvent> = {}, object: Partial<NotificationEvent['involvedObject']> = {}): NotificationEvent {
  return {
    involvedObject: { apiVersion: 'governor.dev/v1alpha1', kind: 'Stack', namespace: 'apps', name: 'web', ...object },
    severity: 'info',
    reason: 'Applied',
    message: 'applied 3 objects',
    timestamp: '2025-01-01T00:00:00Z',
    ...overrides,
  };
}

test('globs: * alone, at either end, inside, several, and none', () => {
  assert.ok(globMatches('*', 'anything'));
  assert.ok(globMatches('web-*', 'web-frontend'));
  assert.ok(globMatches('*-prod', 'api-prod'));
  assert.ok(globMatches('web-*-prod', 'web-eu-prod'));
  assert.ok(globMatches('a*b*c', 'axxbyyc'));
  assert.ok(globMatches('web-*', 'web-'));
  assert.ok(!globMatches('web-*', 'api-web-x'));
  assert.ok(!globMatches('a*b*c', 'acb'));
  assert.ok(!globMatches('ab*ba', 'aba'), 'prefix and suffix may not overlap');
  assert.ok(globMatches('web', 'web'));
  assert.ok(!globMatches('web', 'web2'));
});

test('kind: * selects both kinds, a kind only itself', () => {
  const gitEvent = event({}, { kind: 'GitRepository', name: 'platform' });
  assert.ok(alertMatches(alert({ eventSources: [{ kind: '*', name: '*' }] }), gitEvent));
  assert.ok(alertMatches(alert({ eventSources: [{ kind: 'GitRepository', name: '*' }] }), gitEvent));
  assert.ok(!alertMatches(alert({ eventSources: [{ kind: 'Stack', name: '*' }] }), gitEvent));
});

test('name: exact and wildcard', () => {
  assert.ok(alertMatches(alert({ eventSources: [{ kind: 'Stack', name: 'web' }] }), event()));
  assert.ok(alertMatches(alert({ eventSources: [{ kind: 'Stack', name: 'w*' }] }), event()));
  assert.ok(!alertMatches(alert({ eventSources: [{ kind: 'Stack', name: 'api' }] }), event()));
});

test("namespace: the Alert's by default, * for any, a glob otherwise", () => {
  const other = event({}, { namespace: 'team-b' });
  assert.ok(!alertMatches(alert(), other), "defaults to the Alert's namespace");
  assert.ok(alertMatches(alert(), event()));
  assert.ok(alertMatches(alert({ eventSources: [{ kind: '*', name: '*', namespace: '*' }] }), other));
  assert.ok(alertMatches(alert({ eventSources: [{ kind: '*', name: '*', namespace: 'team-*' }] }), other));
  assert.ok(!alertMatches(alert({ eventSources: [{ kind: '*', name: '*', namespace: 'apps' }] }), other));
});

test('matchLabels: a subset of the object labels', () => {
  const labelled = event({}, { labels: { tier: 'frontend', env: 'prod' } });
  assert.ok(alertMatches(alert({ eventSources: [{ kind: '*', name: '*', matchLabels: { env: 'prod' } }] }), labelled));
  assert.ok(alertMatches(alert({ eventSources: [{ kind: '*', name: '*', matchLabels: {} }] }), event()));
  assert.ok(!alertMatches(alert({ eventSources: [{ kind: '*', name: '*', matchLabels: { env: 'dev' } }] }), labelled));
  assert.ok(!alertMatches(alert({ eventSources: [{ kind: '*', name: '*', matchLabels: { env: 'prod' } }] }), event()), 'no labels at all');
});

test('any one event source is enough', () => {
  const a = alert({ eventSources: [{ kind: 'Stack', name: 'api' }, { kind: 'Stack', name: 'web' }] });
  assert.ok(alertMatches(a, event()));
});

test('severity: error Alerts take only errors, info Alerts everything', () => {
  assert.ok(alertMatches(alert({ eventSeverity: 'info' }), event({ severity: 'error' })));
  assert.ok(alertMatches(alert({ eventSeverity: 'info' }), event({ severity: 'info' })));
  assert.ok(alertMatches(alert({ eventSeverity: 'error' }), event({ severity: 'error' })));
  assert.ok(!alertMatches(alert({ eventSeverity: 'error' }), event({ severity: 'info' })));
});

test('a suspended Alert sends nothing', () => {
  assert.equal(explainMismatch(alert({ suspend: true }), event()), 'the Alert is suspended');
});

test('inclusionList: when set, a message must match one pattern', () => {
  const a = alert({ inclusionList: ['^applied', 'pruned \\d+'] });
  assert.ok(alertMatches(a, event({ message: 'applied 3 objects' })));
  assert.ok(alertMatches(a, event({ message: 'pruned 2 objects' })));
  assert.ok(!alertMatches(a, event({ message: 'health check failed' })));
});

test('exclusionList: a message matching any pattern is not sent, even when included', () => {
  const a = alert({ inclusionList: ['objects'], exclusionList: ['^no change', 'pruned'] });
  assert.ok(alertMatches(a, event({ message: 'applied 3 objects' })));
  assert.ok(!alertMatches(a, event({ message: 'pruned 2 objects' })));
  assert.ok(!alertMatches(alert({ exclusionList: ['^no change'] }), event({ message: 'no change in 3 objects' })));
});

test('invalid patterns are reported by compileAlert and skipped when matching', () => {
  const a = alert({ inclusionList: ['(', 'applied'], exclusionList: ['[z-a]', 'never'] });
  const compiled = compileAlert(a);
  assert.equal(compiled.errors.length, 2);
  assert.match(compiled.errors[0]!, /^inclusionList\[0\] "\(" is not a valid regular expression: /);
  assert.match(compiled.errors[1]!, /^exclusionList\[0\] "\[z-a\]" is not a valid regular expression: /);
  assert.equal(compiled.include?.length, 1);
  assert.ok(alertMatches(a, event({ message: 'applied 3 objects' })));
  assert.ok(!alertMatches(a, event({ message: 'something else' })));
});

test('an inclusionList with only invalid patterns includes nothing rather than everything', () => {
  const a = alert({ inclusionList: ['('] });
  assert.doesNotThrow(() => alertMatches(a, event()));
  assert.ok(!alertMatches(a, event()));
});

test('compileAlert: a valid Alert has no errors; overlong patterns and bad windows are reported', () => {
  assert.deepEqual(compileAlert(alert({ inclusionList: ['a'], exclusionList: ['b'] })).errors, []);
  assert.equal(compileAlert(alert()).repeatWindowMs, 300_000);
  assert.equal(compileAlert(alert({ repeatWindow: '1h30m' })).repeatWindowMs, 5_400_000);
  const bad = compileAlert(alert({ inclusionList: ['x'.repeat(2000)], repeatWindow: 'soon' }));
  assert.deepEqual(bad.errors, ['inclusionList[0] is longer than 1024 characters', 'repeatWindow "soon" is not a duration such as 5m or 1h30m']);
  assert.equal(bad.repeatWindowMs, 300_000);
});

test('a catastrophic pattern times out, counts as not matching, and is reported', () => {
  const regex = new SafeRegex({ timeoutMs: 20 });
  const timeouts: string[] = [];
  const evil = event({ message: 'a'.repeat(40) + '!' });
  const started = performance.now();
  const included = alertMatches(alert({ inclusionList: ['^(a+)+$'] }), evil, { regex, onTimeout: (l) => timeouts.push(l) });
  const excluded = alertMatches(alert({ exclusionList: ['^(a+)+$'] }), evil, { regex, onTimeout: (l) => timeouts.push(l) });
  assert.ok(performance.now() - started < 2000);
  assert.equal(included, false);
  assert.equal(excluded, true, 'an exclusion that cannot be evaluated does not exclude');
  assert.deepEqual(timeouts, ['inclusionList', 'exclusionList']);
});

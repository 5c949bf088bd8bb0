import { test } from 'node:test';
import assert from 'node:assert/strict';
import { driftView, driftViews, parseDriftRecords } from './drift-view.ts';

test('a drift renders as a unified diff of the changed paths, Git against live', () => {
  const [rec] = parseDriftRecords(
    JSON.stringify([
      {
        object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'apps', name: 'web' },
        deleted: false,
        changes: [
          { path: 'spec.replicas', desired: 2, live: 5 },
          { path: 'spec.template.spec.containers[0].image', desired: 'nginx:1.27', live: 'nginx:1.28' },
        ],
      },
    ]),
  );
  const v = driftView(rec!, '2026-01-01T00:00:00Z');
  assert.deepEqual(v.paths, ['spec.replicas', 'spec.template.spec.containers[0].image']);
  assert.equal(v.time, '2026-01-01T00:00:00Z');
  assert.equal(
    v.diff,
    [
      '--- git: Deployment/apps/web',
      '+++ live: Deployment/apps/web',
      '@@ -1,2 +1,2 @@',
      '-spec.replicas: 2',
      '-spec.template.spec.containers[0].image: nginx:1.27',
      '+spec.replicas: 5',
      '+spec.template.spec.containers[0].image: nginx:1.28',
      '',
    ].join('\n'),
  );
});

test('a Secret shows its changed keys and never a value, whatever the record carries', () => {
  const [rec] = parseDriftRecords(
    JSON.stringify([{ object: { apiVersion: 'v1', kind: 'Secret', namespace: 'apps', name: 'creds' }, deleted: false, changes: [{ path: 'data.password', desired: 'c2VjcmV0', live: 'aHVudGVy' }] }]),
  );
  assert.deepEqual(rec!.changes, [{ path: 'data.password' }]);
  const v = driftView(rec!);
  assert.deepEqual(v.paths, ['data.password']);
  assert.doesNotMatch(v.diff, /c2VjcmV0|aHVudGVy/);
  assert.match(v.diff, /data\.password: \(value hidden\)/);
});

test('a deleted object diffs against nothing', () => {
  const [rec] = parseDriftRecords(JSON.stringify([{ object: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'a', name: 'c' }, deleted: true, changes: [{ path: 'data.k', desired: 'v' }] }]));
  const v = driftView(rec!);
  assert.match(v.diff, /\+\+\+ live: ConfigMap\/a\/c \(deleted\)/);
  assert.match(v.diff, /^-data\.k: v$/m);
});

test('whatever is not a record is left out; huge values are named by size', () => {
  assert.deepEqual(parseDriftRecords('not json'), []);
  assert.deepEqual(parseDriftRecords('{"object":{}}'), []);
  assert.deepEqual(parseDriftRecords(undefined), []);
  const recs = parseDriftRecords(
    JSON.stringify([
      null,
      { object: { kind: 'ConfigMap', name: 'x' } },
      { object: { apiVersion: 'v1', kind: 'ConfigMap', name: 'ok' }, changes: [{ path: 7 }, { path: 'data.big', desired: 'x'.repeat(10_000) }], deleted: 'yes' },
    ]),
  );
  assert.equal(recs.length, 1);
  assert.equal(recs[0]!.deleted, false);
  assert.deepEqual(recs[0]!.changes, [{ path: 'data.big', desired: '<10002 characters>' }]);
});

test('views of several events, newest first as given, capped', () => {
  const rec = (name: string) => JSON.stringify([{ object: { apiVersion: 'v1', kind: 'ConfigMap', name }, changes: [{ path: 'data.k', desired: 'a', live: 'b' }] }]);
  const views = driftViews([{ drift: rec('new'), time: 't2' }, { time: 't1.5' }, { drift: rec('old'), time: 't1' }], 10);
  assert.deepEqual(views.map((v) => [v.object.name, v.time]), [['new', 't2'], ['old', 't1']]);
  assert.equal(driftViews([{ drift: rec('a'), time: 't' }, { drift: rec('b'), time: 't' }], 1).length, 1);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { configMap, governor, managedStack } from './action-support.ts';

const secret = (ns: string, password: string) => `apiVersion: v1
kind: Secret
metadata:
  name: creds
  namespace: ${ns}
stringData:
  password: ${password}
  user: admin
`;

test('governor diff stack: exit 0 unchanged, 1 with the changes, 2 on a broken directory; secrets masked, prunes listed', async (t) => {
  const s = await managedStack(
    t,
    'cli-diff',
    (ns) => ({
      'apps/web/config.yaml': configMap(ns, 'web-config', 'blue'),
      'apps/web/old.yaml': configMap(ns, 'old-config', 'legacy'),
      'apps/web/secret.yaml': secret(ns, 's3cret-before'),
    }),
    { prune: true },
  );
  const path = join(s.work.dir, 'apps/web');
  const diff = (...extra: string[]) => governor(['diff', 'stack', 'web', '--path', path, ...s.flags, ...extra]);

  await t.test('unchanged directory: exit 0, nothing printed on stdout', async () => {
    const r = await diff();
    assert.equal(r.code, 0, r.out + r.err);
    assert.equal(r.out, '');
    assert.match(r.err, /no changes \(3 objects unchanged\)/);
  });

  await t.test('changed directory: exit 1 with a unified diff per object', async () => {
    await s.work.write({
      'apps/web/config.yaml': configMap(s.ns, 'web-config', 'green'),
      'apps/web/old.yaml': null,
      'apps/web/new.yaml': configMap(s.ns, 'extra', 'fresh'),
      'apps/web/secret.yaml': secret(s.ns, 'hunter2-after'),
    });
    const r = await diff();
    if (process.env.GOVERNOR_SHOW_DIFF) console.log(r.out + r.err);
    assert.equal(r.code, 1, r.out + r.err);
    // The changed field, in context.
    assert.match(r.out, new RegExp(`► ConfigMap/${s.ns}/web-config would be configured\n--- ConfigMap/${s.ns}/web-config \\(live\\)\n\\+\\+\\+ ConfigMap/${s.ns}/web-config \\(after apply\\)\n@@ `));
    assert.match(r.out, /^- {2}mode: blue$/m);
    assert.match(r.out, /^\+ {2}mode: green$/m);
    // New: all added.
    assert.match(r.out, new RegExp(`► ConfigMap/${s.ns}/extra would be created\n--- /dev/null\n`));
    assert.match(r.out, /^\+ {2}mode: fresh$/m);
    // Gone from Git and prune: true: listed, all removed.
    assert.match(r.out, new RegExp(`► ConfigMap/${s.ns}/old-config would be pruned\n`));
    assert.match(r.out, /^- {2}mode: legacy$/m);
    // Secret: the key that changed is shown, its values never.
    assert.match(r.out, new RegExp(`► Secret/${s.ns}/creds would be configured`));
    assert.match(r.out, /^- {2}password: "\*\*\*"$/m);
    assert.match(r.out, /^\+ {2}password: "\*\*\* \(changed\)"$/m);
    assert.match(r.out, /^ {3}user: "\*\*\*"$/m);
    for (const value of ['s3cret-before', 'hunter2-after', 'admin']) {
      assert.ok(!r.out.includes(value) && !r.err.includes(value), value);
      assert.ok(!r.out.includes(Buffer.from(value).toString('base64')), `${value} in base64`);
    }
    // Managed fields and status are noise: never shown.
    assert.doesNotMatch(r.out, /managedFields|resourceVersion|creationTimestamp|uid:/);
    assert.match(r.err, /4 objects would change: 1 created, 2 configured, 1 to prune/);
    // A dry run: the cluster is as it was.
    assert.equal((await s.getConfigMap('web-config'))?.data?.mode, 'blue');
    assert.ok(await s.getConfigMap('old-config'));
    assert.equal(await s.getConfigMap('extra'), undefined);
  });

  await t.test('broken directory: exit 2 naming the file and line', async () => {
    await s.work.write({ 'apps/web/broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n   namespace: y\n' });
    const r = await diff();
    await s.work.write({ 'apps/web/broken.yaml': null });
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.err, /InvalidYaml: .*apps\/web\/broken\.yaml:\d+:\d+: /);
    assert.equal(r.out, '');
  });

  await t.test('an unknown kind or a missing Stack is an error (2), not a difference', async () => {
    await s.work.write({ 'apps/web/odd.yaml': `apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: ${s.ns}\n` });
    const r = await diff();
    await s.work.write({ 'apps/web/odd.yaml': null });
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.err, /UnknownKind: .*Widget/);
    const missing = await governor(['diff', 'stack', 'nope', '--path', path, ...s.flags]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /Stack "nope" not found/);
  });
});

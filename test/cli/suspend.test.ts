import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { getRepo, getStack } from '../support/controller.ts';
import { configMap, governor, managedStack } from './action-support.ts';

test('governor suspend/resume: flip spec.suspend; resume applies what was committed meanwhile', async (t) => {
  const s = await managedStack(t, 'cli-suspend', (ns) => ({ 'apps/web/config.yaml': configMap(ns, 'web-config', 'blue') }));

  const r = await governor(['suspend', 'stack', 'web', ...s.flags]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /✔ Stack .*web suspended/);
  assert.equal((await getStack(s.api, s.ns, 'web'))?.spec.suspend, true);

  // A commit while suspended is fetched, but not applied.
  const sha2 = await s.work.commit('green', { 'apps/web/config.yaml': configMap(s.ns, 'web-config', 'green') });
  const fetched = await governor(['reconcile', 'source', 'platform', ...s.flags]);
  assert.equal(fetched.code, 0, fetched.err);
  assert.match(fetched.out, new RegExp(sha2));
  await sleep(1500);
  assert.equal((await s.getConfigMap('web-config'))?.data?.mode, 'blue');

  const refused = await governor(['reconcile', 'stack', 'web', ...s.flags]);
  assert.equal(refused.code, 1);
  assert.match(refused.err, /is suspended/);
  assert.match(refused.err, /governor resume stack web/);

  const resumed = await governor(['resume', 'stack', 'web', ...s.flags]);
  assert.equal(resumed.code, 0, resumed.err);
  assert.match(resumed.out, new RegExp(`applied revision main@sha1:${sha2}`));
  assert.equal((await getStack(s.api, s.ns, 'web'))?.spec.suspend, false);
  assert.equal((await s.getConfigMap('web-config'))?.data?.mode, 'green');

  // Sources too; resume --no-wait returns at once.
  assert.equal((await governor(['suspend', 'source', 'platform', ...s.flags])).code, 0);
  assert.equal((await getRepo(s.api, s.ns, 'platform'))?.spec.suspend, true);
  const again = await governor(['suspend', 'source', 'platform', ...s.flags]);
  assert.match(again.out, /already suspended/);
  const rs = await governor(['resume', 'source', 'platform', '--no-wait', ...s.flags]);
  assert.equal(rs.code, 0, rs.err);
  assert.match(rs.out, /reconcile requested/);
  assert.equal((await getRepo(s.api, s.ns, 'platform'))?.spec.suspend, false);

  const missing = await governor(['suspend', 'stack', 'nope', ...s.flags]);
  assert.equal(missing.code, 1);
});

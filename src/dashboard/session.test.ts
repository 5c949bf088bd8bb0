import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeApi } from '../kube/api.ts';
import type { AccessReviewer } from './access.ts';
import { LoginCodes } from './login-codes.ts';
import { SessionStore } from './session.ts';

const user = { user: 'alice', groups: ['dev'], mode: 'token' as const, api: {} as KubeApi, access: {} as AccessReviewer };

test('a session is found by its id until idle too long; use restarts the clock', () => {
  let now = 0;
  const store = new SessionStore({ idleMs: 1000, now: () => now });
  const s = store.create(user);
  assert.equal(s.id.length, 43, '32 random bytes, base64url');
  assert.notEqual(s.csrfToken, s.id);
  now = 900;
  assert.equal(store.get(s.id), s);
  now = 1800;
  assert.equal(store.get(s.id), s, 'the clock restarted at 900');
  now = 2801;
  assert.equal(store.get(s.id), undefined);
  assert.equal(store.size, 0);
  assert.equal(store.get('nonsense'), undefined);
  assert.equal(store.get(undefined), undefined);
});

test('delete, sweep and the size limit tell listeners', () => {
  let now = 0;
  const store = new SessionStore({ idleMs: 1000, maxSessions: 2, now: () => now });
  const gone: string[] = [];
  store.onDelete((s) => gone.push(s.id));
  const a = store.create(user);
  const b = store.create(user);
  store.get(a.id);
  const c = store.create(user);
  assert.deepEqual(gone, [b.id], 'the least recently used goes first');
  store.delete(a.id);
  assert.deepEqual(gone, [b.id, a.id]);
  now = 5000;
  store.sweep();
  assert.deepEqual(gone, [b.id, a.id, c.id]);
});

test('a login code works once and not after it expires', () => {
  let now = 0;
  const codes = new LoginCodes({ ttlMs: 1000, now: () => now });
  const code = codes.issue();
  assert.equal(codes.redeem('wrong'), false);
  assert.equal(codes.redeem(code), true);
  assert.equal(codes.redeem(code), false);
  const late = codes.issue();
  now = 1001;
  assert.equal(codes.redeem(late), false);
  assert.equal(codes.redeem(undefined), false);
});

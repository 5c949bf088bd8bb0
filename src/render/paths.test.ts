import assert from 'node:assert/strict';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { isGovernorError, ErrorCodes } from '../errors.ts';
import type { ErrorCode } from '../errors.ts';
import { render } from './index.ts';
import { checkoutRoot, resolveInCheckout } from './paths.ts';
import { configMap, tempTree } from './testing.ts';

/** A checkout and, beside it, a directory outside it with a manifest a symlink could reach. */
async function setup(t: TestContext): Promise<{ checkout: string; outside: string }> {
  const base = await tempTree(t, {
    'checkout/apps/web.yaml': configMap('web'),
    'checkout/shared/common.yaml': configMap('common'),
    'outside/secret.yaml': configMap('stolen'),
  });
  return { checkout: join(base, 'checkout'), outside: join(base, 'outside') };
}

async function fails(promise: Promise<unknown>, code: ErrorCode, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isGovernorError(err, code), String(err));
    assert.match(err.message, pattern);
    return true;
  });
}

test('a path inside the checkout resolves, ./ and . included', async (t) => {
  const { checkout } = await setup(t);
  const root = await checkoutRoot(checkout);
  assert.equal((await resolveInCheckout(root, 'apps')).real, join(checkout, 'apps'));
  assert.equal((await resolveInCheckout(root, './apps/')).real, join(checkout, 'apps'));
  assert.equal((await resolveInCheckout(root, '.')).real, checkout);
  assert.equal((await resolveInCheckout(root, 'shared/../apps')).real, join(checkout, 'apps'));
});

test('a path leading out with .. is refused', async (t) => {
  const { checkout } = await setup(t);
  await fails(render({ checkoutDir: checkout, path: '../outside' }), ErrorCodes.PathEscapesCheckout, /leads outside the checkout/);
  await fails(render({ checkoutDir: checkout, path: 'apps/../../outside' }), ErrorCodes.PathEscapesCheckout, /outside/);
});

test('an absolute path is refused, even one inside the checkout', async (t) => {
  const { checkout, outside } = await setup(t);
  await fails(render({ checkoutDir: checkout, path: outside }), ErrorCodes.PathEscapesCheckout, /absolute path/);
  await fails(render({ checkoutDir: checkout, path: join(checkout, 'apps') }), ErrorCodes.PathEscapesCheckout, /absolute path/);
});

test('a missing path is PathNotFound', async (t) => {
  const { checkout } = await setup(t);
  await fails(render({ checkoutDir: checkout, path: 'nope' }), ErrorCodes.PathNotFound, /^nope: no such file/);
  await fails(render({ checkoutDir: checkout, path: 'apps/web.yaml/x' }), ErrorCodes.PathNotFound, /no such file/);
});

test('a symlinked path leading outside is refused', async (t) => {
  const { checkout, outside } = await setup(t);
  await symlink(outside, join(checkout, 'escape'));
  await fails(render({ checkoutDir: checkout, path: 'escape' }), ErrorCodes.PathEscapesCheckout, /^escape: is a symlink to a place outside/);
});

test('a symlink in the middle of the path leading outside is refused, even when another leads back in', async (t) => {
  const { checkout, outside } = await setup(t);
  await mkdir(join(checkout, 'deep'));
  await symlink(outside, join(checkout, 'deep', 'hop'));
  await symlink(join(checkout, 'apps'), join(outside, 'back'));
  await fails(render({ checkoutDir: checkout, path: 'deep/hop/back' }), ErrorCodes.PathEscapesCheckout, /^deep\/hop: is a symlink/);
});

test('a symlinked file met while walking the directory and leading outside is refused', async (t) => {
  const { checkout, outside } = await setup(t);
  await mkdir(join(checkout, 'apps', 'nested'));
  await symlink(join(outside, 'secret.yaml'), join(checkout, 'apps', 'nested', 'innocent.yaml'));
  await fails(render({ checkoutDir: checkout, path: 'apps' }), ErrorCodes.PathEscapesCheckout, /^apps\/nested\/innocent\.yaml: is a symlink/);
});

test('a dangling symlink pointing outside is refused too', async (t) => {
  const { checkout, outside } = await setup(t);
  await symlink(join(outside, 'missing.yaml'), join(checkout, 'apps', 'gone.yaml'));
  await fails(render({ checkoutDir: checkout, path: 'apps' }), ErrorCodes.PathEscapesCheckout, /gone\.yaml/);
});

test('symlinks that stay inside the checkout are fine', async (t) => {
  const { checkout } = await setup(t);
  await symlink('../shared/common.yaml', join(checkout, 'apps', 'common.yaml'));
  await symlink('apps', join(checkout, 'current'));
  const { objects } = await render({ checkoutDir: checkout, path: 'current' });
  assert.deepEqual(
    objects.map((o) => o.metadata.name),
    ['common', 'web'],
  );
});

test('a checkout directory that is itself reached through a symlink works', async (t) => {
  const { checkout } = await setup(t);
  const link = `${checkout}-link`;
  await symlink(checkout, link);
  const { objects } = await render({ checkoutDir: link, path: 'apps' });
  assert.equal(objects.length, 1);
});

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { installCrds } from '../../src/controller/crds.ts';
import { reviewSelf } from '../../src/dashboard/identity.ts';
import type { ApiError, Session } from '../../src/dashboard/model.ts';
import { FatalWaitError, waitFor } from '../cluster/http.ts';
import { testCluster, testKubeApi } from '../support/cluster.ts';
import { Browser } from './support.ts';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

interface Run {
  child: ChildProcess;
  out(): string;
  err(): string;
  exited: Promise<number | null>;
}

/** `governor dashboard ARGS` from source on this Node; killed after the test if still running. */
function run(t: TestContext, args: string[]): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  const child = spawn(process.execPath, [MAIN, 'dashboard', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  return { child, out: () => out, err: () => err, exited };
}

test('governor dashboard: prints a one-time sign-in link that signs in as the kubeconfig user; Ctrl-C stops it', async (t) => {
  const info = await testCluster(t);
  const api = await testKubeApi(t, info);
  await installCrds(api);
  const me = await reviewSelf(api.client);

  const dash = run(t, ['--kubeconfig', info.kubeconfigPath, '--address', '127.0.0.1:0', '--no-open']);
  let link: RegExpExecArray | null = null;
  await waitFor('the sign-in link', async () => {
    if (dash.child.exitCode !== null) throw new FatalWaitError(`exited early: ${dash.err()}`);
    link = /(http:\/\/127\.0\.0\.1:(\d+)\/)#login=([A-Za-z0-9_-]{43})\n/.exec(dash.out());
    return link !== null;
  }, 30_000, 100);
  const [, base, port, code] = link!;
  assert.match(dash.err(), /signs in once/);

  await t.test('the link signs in once, as the kubeconfig user', async () => {
    const b = new Browser(base!);
    assert.equal((await b.get('/api/overview')).status, 401);
    const wrong = await b.post<ApiError>('/api/session/login-link', { code: 'x'.repeat(43) });
    assert.equal(wrong.status, 401);
    const r = await b.post<Session>('/api/session/login-link', { code });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.mode, 'kubeconfig');
    assert.equal(r.body.user, me.user);
    assert.match(r.headers.get('set-cookie') ?? '', /^governor_session=.*HttpOnly.*SameSite=Strict/i);
    b.session = r.body;
    assert.equal((await b.get('/api/overview')).status, 200);

    const again = await new Browser(base!).post<ApiError>('/api/session/login-link', { code });
    assert.equal(again.status, 401);
    assert.match(again.body.error.message, /already used/);
  });

  await t.test('a second dashboard on the same port says so', async () => {
    const second = run(t, ['--kubeconfig', info.kubeconfigPath, '--address', `127.0.0.1:${port}`, '--no-open']);
    assert.equal(await second.exited, 2);
    assert.match(second.err(), /already in use/);
  });

  await t.test('SIGTERM stops it cleanly', async () => {
    dash.child.kill('SIGTERM');
    assert.equal(await dash.exited, 0, dash.err());
  });
});

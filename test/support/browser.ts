/**
 * A real browser for the dashboard's browser tests (and its benchmark): Debian's Chromium driven
 * by playwright-core, which never downloads a browser of its own. One Chromium per test file, a
 * fresh context (cookies, storage) per test, a dashboard serving the built web app, and
 * screenshots under test-artifacts/dashboard/ for people to look at.
 */
import { after, type TestContext } from 'node:test';
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { installCrds } from '../../src/controller/crds.ts';
import { connectionFrom, loadKubeConfig } from '../../src/kube/config.ts';
import { createLogger } from '../../src/log.ts';
import { packageRoot } from '../../src/paths.ts';
import { startDashboard, type RunningDashboard } from '../../src/dashboard/server.ts';
import { SESSION_COOKIE } from '../../src/dashboard/session.ts';
import type { ClusterInfo } from '../cluster/client.ts';
import { testKubeApi } from './cluster.ts';

export const CHROMIUM_PATH = process.env.GOVERNOR_CHROMIUM ?? '/usr/bin/chromium';
/** Headless without a sandbox (containers have no user namespaces), GPU or /dev/shm, and quiet on the network. */
export const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'];
/** Wide enough for the Stacks table's columns and a readable graph. */
export const VIEWPORT = { width: 1440, height: 900 };
export const ARTIFACTS_DIR = join(packageRoot(), 'test-artifacts', 'dashboard');
export const WEB_DIR = join(packageRoot(), 'dist', 'web');

/** Direct children of this process that are Chromium, so the run's PID log can prove they ended. */
function chromiumChildren(): { pid: number; name: string }[] {
  const found: { pid: number; name: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && name.startsWith('chrom')) found.push({ pid: Number(entry), name });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

export async function launchChromium(): Promise<Browser> {
  await access(CHROMIUM_PATH).catch(() => {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: run make browser-deps (or set GOVERNOR_CHROMIUM)`);
  });
  const before = new Set(chromiumChildren().map((c) => c.pid));
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const pidLog = process.env.GOVERNOR_PID_LOG;
  if (pidLog) {
    for (const c of chromiumChildren()) if (!before.has(c.pid)) appendFileSync(pidLog, `${c.pid} ${c.name}\n`);
  }
  return browser;
}

export interface BrowserPages {
  /** A page in a context of its own (no cookies), closed after the test; uncaught page errors fail the test. */
  open(t: TestContext): Promise<Page>;
}

/**
 * Call once at the top of a test file: Chromium starts with the first page asked for and stops
 * when the file's tests are done.
 */
export function browserPerFile(): BrowserPages {
  let launched: Promise<Browser> | undefined;
  after(async () => {
    if (!launched) return;
    const browser = await launched.catch(() => undefined);
    await browser?.close();
  });
  return {
    async open(t) {
      launched ??= launchChromium();
      const browser = await launched;
      const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1, colorScheme: 'light', locale: 'en-US', timezoneId: 'UTC' });
      context.setDefaultTimeout(30_000);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(err.stack ?? err.message));
      t.after(async () => {
        await context.close();
        if (errors.length) throw new Error(`the page threw:\n${errors.join('\n\n')}`);
      });
      return page;
    },
  };
}

/** A full-page PNG at test-artifacts/dashboard/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  // Fonts and the graph's layout may still settle; a frame lets the last render land.
  // A string, since this file is type-checked without the DOM library.
  await page.evaluate('document.fonts.ready.then(() => new Promise((r) => requestAnimationFrame(() => r(undefined))))');
  await page.screenshot({ path, fullPage: true, animations: 'disabled', caret: 'hide' });
  return path;
}

/**
 * A dashboard on 127.0.0.1:0 that serves the built web app (dist/web; `npm run build` first), in
 * token mode with the cluster admin's kubeconfig as its own identity; closed after the test.
 */
export async function startWebDashboard(t: TestContext, info: ClusterInfo, opts: { namespaces?: string[] } = {}): Promise<RunningDashboard> {
  await access(join(WEB_DIR, 'index.html')).catch(() => {
    throw new Error(`${WEB_DIR}/index.html is missing: run npm run build first`);
  });
  await installCrds(await testKubeApi(t, info));
  const dash = await startDashboard({
    address: '127.0.0.1:0',
    connection: await connectionFrom(loadKubeConfig({ kubeconfig: info.kubeconfigPath })),
    mode: 'token',
    staticDir: WEB_DIR,
    log: createLogger({ level: 'silent' }),
    ...(opts.namespaces ? { namespaces: opts.namespaces } : {}),
  });
  t.after(() => dash.close());
  return dash;
}

/** Signs in through the sign-in page, as a person would, and waits for the signed-in shell. */
export async function signInWithToken(page: Page, base: string, token: string, path = '/'): Promise<void> {
  await page.goto(new URL(path, base).href);
  await page.getByTestId('signin-token').fill(token);
  await page.getByTestId('signin-submit').click();
  await page.getByTestId('user-name').waitFor();
}

/** The session cookie of a sign-in made elsewhere (by the benchmark), for a context to start with. */
export function sessionCookie(base: string, setCookie: string): { name: string; value: string; url: string; httpOnly: true; sameSite: 'Strict' } {
  const pair = setCookie.split(';')[0] ?? '';
  const value = pair.slice(pair.indexOf('=') + 1);
  if (!pair.startsWith(`${SESSION_COOKIE}=`) || !value) throw new Error(`no ${SESSION_COOKIE} cookie in ${JSON.stringify(setCookie)}`);
  // As the server sets it (app.ts), so the page sees exactly what a signed-in browser has.
  return { name: SESSION_COOKIE, value, url: base, httpOnly: true, sameSite: 'Strict' };
}

/**
 * Waits until the first element of the locator has text matching `expected` (playwright-core has
 * no `expect`); on timeout the error shows what the text was. Polls, so it sees live updates.
 */
export async function waitForText(locator: Locator, expected: string | RegExp | ((text: string) => boolean), timeoutMs = 30_000): Promise<string> {
  const matches = (text: string) => (typeof expected === 'string' ? text.trim() === expected : expected instanceof RegExp ? expected.test(text) : expected(text));
  return pollLocator(locator, timeoutMs, `text ${String(expected)}`, async (first) => {
    const text = (await first.textContent({ timeout: 1000 })) ?? '';
    return { ok: matches(text), seen: JSON.stringify(text.slice(0, 500)), value: text };
  });
}

/** Waits until the first element of the locator has the attribute at the value. */
export async function waitForAttribute(locator: Locator, name: string, value: string, timeoutMs = 30_000): Promise<void> {
  await pollLocator(locator, timeoutMs, `${name}=${value}`, async (first) => {
    const seen = await first.getAttribute(name, { timeout: 1000 });
    return { ok: seen === value, seen: String(seen), value: undefined };
  });
}

/** Waits until the locator matches a number of elements that satisfies `ok`. */
export async function waitForCount(locator: Locator, ok: (n: number) => boolean, what: string, timeoutMs = 30_000): Promise<number> {
  const until = Date.now() + timeoutMs;
  let n = -1;
  while (Date.now() < until) {
    n = await locator.count();
    if (ok(n)) return n;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${locator}): ${n} elements`);
}

async function pollLocator<T>(locator: Locator, timeoutMs: number, what: string, check: (first: Locator) => Promise<{ ok: boolean; seen: string; value: T }>): Promise<T> {
  const until = Date.now() + timeoutMs;
  let seen = 'no such element';
  while (Date.now() < until) {
    try {
      const first = locator.first();
      if ((await first.count()) > 0) {
        const r = await check(first);
        if (r.ok) return r.value;
        seen = r.seen;
      }
    } catch (err) {
      // The element was replaced between count() and the read (a re-render); look again.
      seen = (err as Error).message.split('\n')[0] ?? seen;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} on ${locator}; last seen: ${seen}`);
}

/** Marks the page's window; a reload (or a full navigation) loses the mark. See {@link stillSamePage}. */
export async function markPage(page: Page): Promise<void> {
  await page.evaluate(() => Object.assign(globalThis, { governorTestMark: true }));
}

/** Whether the window marked by {@link markPage} is still the one shown: what changed came over the stream. */
export async function stillSamePage(page: Page): Promise<boolean> {
  return page.evaluate(() => (globalThis as { governorTestMark?: boolean }).governorTestMark === true);
}

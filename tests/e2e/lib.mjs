// Shared harness of the browser tests: a real tongxin-server with a fresh
// SQLite file and the demo data, and Debian's Chromium driven by
// playwright-core. `cargo xtask e2e` sets TONGXIN_SERVER_BIN, TONGXIN_WWW and
// TONGXIN_BUNDLE.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export const ADMIN = 'e2e-admin-token';
export const OUT = process.env.TONGXIN_TEST_OUTPUT || 'test-output/e2e';
mkdirSync(OUT, { recursive: true });

/** A free TCP port on loopback. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** This process's environment, without TONGXIN_* when `bare`. */
function inherited(bare) {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !bare || !k.startsWith('TONGXIN_')));
}

/**
 * Starts the server on a free port with a fresh database and the demo data;
 * `env` adds settings. `options.www` serves another site directory;
 * `options.bin`, `options.args` and `options.cwd` start another binary
 * with exactly those arguments (plus `--listen`), in that directory, and
 * without the harness's TONGXIN_* variables (which name directories).
 */
export async function startServer(env = {}, options = {}) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tongxin-e2e-'));
  const base = `http://127.0.0.1:${port}`;
  const args = options.args ?? ['--demo', '--db', join(dir, 'e2e.sqlite'),
    '--www', options.www ?? process.env.TONGXIN_WWW, '--bundle', process.env.TONGXIN_BUNDLE];
  const proc = spawn(options.bin ?? process.env.TONGXIN_SERVER_BIN, [...args, '--listen', `127.0.0.1:${port}`], {
    env: { ...inherited(Boolean(options.args)), TONGXIN_ADMIN_TOKEN: ADMIN, TONGXIN_CORS_ORIGINS: base, RUST_LOG: 'warn', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
    cwd: options.cwd,
  });
  let up = false;
  for (let i = 0; i < 600 && !up; i++) {
    try {
      up = (await fetch(`${base}/healthz`)).ok;
    } catch { /* not up yet */ }
    if (!up) await new Promise((r) => setTimeout(r, 50));
  }
  if (!up) throw new Error(`the server did not start on ${base}`);
  return { base, stop: () => proc.kill('SIGTERM') };
}

/**
 * A server (`startServer(env, options)`) and a browser for the test file:
 * started before its tests, stopped after them. The returned object's
 * `server` and `browser` are set once they are up.
 */
export function serverAndBrowser(env, options) {
  const up = {};
  before(async () => {
    up.server = await startServer(env, options);
    up.browser = await launch();
  });
  after(async () => {
    await up.browser?.close();
    up.server?.stop();
  });
  return up;
}

/** Debian's chromium, headless, no downloads. */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      // Test pages are served by Playwright (no address), so Chromium would treat
      // their calls to a backend on loopback as public → local requests.
      '--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights'],
  });
}

/** A phone-sized page (360×740) that fails the test on page errors. */
export async function phone(browser, errors = []) {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 1, locale: 'zh-CN' });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  return { context, page };
}

/** Staff API call. */
export async function admin(base, method, path, body) {
  const r = await fetch(`${base}/api/v1/admin${path}`, {
    method, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  return r.json();
}

/** Public API GET. */
export async function api(base, path) {
  const r = await fetch(`${base}/api/v1${path}`);
  return r.json();
}

/** The host of widget `kind` for item `id` (Playwright's locators pierce its shadow root). */
export function widget(page, id, kind = 'poll') {
  return page.locator(`[data-tongxin="${kind}"][data-id="${id}"]`);
}

/**
 * A bare page that embeds `html` the way a third-party site would, with the
 * bundle from `base`. It is served by Playwright at a URL of its own, so
 * `page.reload()` opens it again. `lang` sets `<html lang>`.
 */
let pages = 0;
export async function embedPage(page, base, html, { lang } = {}) {
  const url = `${base}/__e2e/page-${++pages}.html`;
  const body = `<!doctype html><html${lang ? ` lang="${lang}"` : ''}><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
    <link rel="icon" href="data:,"></head><body>${html}
    <script type="module" src="${base}/tongxin/tongxin.js"></script></body></html>`;
  await page.route(url, (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body }));
  await page.goto(url);
}

export async function shot(page, name) {
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
}

/** Fails if the page scrolls horizontally. */
export async function noHorizontalScroll(page) {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

/** axe-core over the page (it enters open shadow roots); returns readable violations. */
export async function audit(page, label, { bare = false } = {}) {
  if (!(await page.evaluate(() => !!window.axe))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async (bare) => {
    // The demo pages' own layout (one h1 per page etc.) is not the widgets';
    // a bare test page has no title, lang or main of its own either.
    const off = ['region', ...(bare ? ['document-title', 'html-has-lang', 'landmark-one-main', 'page-has-heading-one'] : [])];
    const r = await window.axe.run(document, {
      runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
      rules: Object.fromEntries(off.map((id) => [id, { enabled: false }])),
    });
    return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => `${n.target.join(' > ')} (${(n.any[0] || n.all[0] || n.none[0] || {}).message || ''})`).join('; ')}`);
  }, bare);
  assert.deepEqual(violations, [], `axe violations — ${label}`);
}

/** Signs in to the staff console at `base` (the page ends on the signed-in frame). */
export async function consoleSignIn(page, base, login, password) {
  await page.goto(`${base}/console/`);
  await page.getByLabel('账号').fill(login);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('button', { name: '退出' }).waitFor();
}

/** Picks the option of `label`'s select whose text contains `text`. */
export async function pick(page, label, text) {
  const select = page.getByRole('combobox', { name: label, exact: true });
  const value = await select.locator('option', { hasText: text }).first().getAttribute('value');
  await select.selectOption(value);
}

/**
 * axe over the console page `page` shows, in a second context of `browser`
 * with the same session that bypasses CSP (axe is injected as a script,
 * which the console's Trusted Types policy would refuse; the flows
 * themselves run under the real CSP).
 */
export async function auditIn(browser, context, page, size, label) {
  const copy = await browser.newContext({ viewport: { width: size.width, height: size.height }, locale: 'zh-CN', bypassCSP: true, storageState: await context.storageState() });
  const p = await copy.newPage();
  await p.goto(page.url());
  await p.getByRole('heading', { level: 1 }).first().waitFor();
  await p.waitForLoadState('networkidle');
  await audit(p, label);
  await copy.close();
}

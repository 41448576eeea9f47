// The loader `tongxin.js` in Debian's Chromium against the real server: a
// page loads only the bundle its widgets need (one for a poll beside a
// convention), a widget added later loads its own, a widget naming another backend gets the mapping bundle, and a
// second visit takes the bundle files from the browser's cache.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launch, phone, widget, embedPage, shot } from './lib.mjs';

let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  server?.stop();
});

/** The bundle files (by family) a page requested: `poll`, `convention`, `all-mapping`, … */
function bundlesOf(urls) {
  const names = new Set();
  for (const u of urls) {
    const m = /\/tongxin\/([a-z-]+)\.[0-9a-f]{10}\.(js|wasm)$/.exec(new URL(u).pathname);
    if (m) names.add(m[1]);
  }
  return [...names].sort();
}

test('a page with one poll loads the poll bundle only; a convention added later loads its own', async () => {
  const errors = [];
  const { context, page } = await phone(browser, errors);
  const urls = [];
  page.on('request', (r) => urls.push(r.url()));
  await embedPage(page, server.base, '<div data-tongxin="poll" data-id="3"></div>');
  const poll = widget(page, 3);
  await poll.locator('.tx-title').waitFor();
  await poll.getByRole('radio').first().waitFor();
  assert.deepEqual(bundlesOf(urls), ['poll'], `requested: ${urls.join(' ')}`);
  assert.ok(!urls.some((u) => /convention|proposals|mapping/.test(new URL(u).pathname)), 'no other family, no mapping engine');
  assert.ok(urls.some((u) => /\/tongxin\/poll\.[0-9a-f]{10}\.css$/.test(u)), 'the poll bundle’s stylesheet');

  // A convention widget appears later (as a host page's script might add it).
  await page.evaluate(() => {
    const el = document.createElement('div');
    el.dataset.tongxin = 'convention';
    el.dataset.id = '1';
    document.body.append(el);
  });
  const conv = widget(page, 1, 'convention');
  await conv.getByRole('progressbar').waitFor();
  await conv.getByText('第 1 条').waitFor();
  assert.deepEqual(bundlesOf(urls), ['convention', 'poll']);
  // Both keep working side by side.
  await poll.getByRole('radio').first().check();
  await poll.getByRole('button', { name: '投票', exact: true }).click();
  await poll.getByText('您已投票，谢谢参与！').waitFor();
  // Removing an auto-mounted element unmounts its widget (its shadow root empties).
  const emptied = await page.evaluate(async () => {
    const el = document.querySelector('[data-tongxin="convention"]');
    el.remove();
    await new Promise((r) => setTimeout(r, 50));
    return el.shadowRoot.childNodes.length === 0 && !el.hasAttribute('data-tongxin-mounted');
  });
  assert.ok(emptied, 'the removed convention widget was unmounted');
  assert.deepEqual(errors, []);
  await shot(page, 'l01-poll-then-convention');
  await context.close();
});

test('a board with a poll beside it shares the proposals bundle; mount() of a convention loads it', async () => {
  const errors = [];
  const { context, page } = await phone(browser, errors);
  const urls = [];
  page.on('request', (r) => urls.push(r.url()));
  await embedPage(page, server.base, '<div data-tongxin="poll" data-id="3"></div><div data-tongxin="proposals"></div>');
  await widget(page, 3).locator('.tx-title').waitFor();
  await page.locator('[data-tongxin="proposals"] .tx-card').first().waitFor();
  assert.deepEqual(bundlesOf(urls), ['proposals'], 'the poll shares the board’s bundle');
  await page.evaluate(async () => {
    await window.Tongxin.ready;
    const el = document.createElement('div');
    el.id = 'later';
    document.body.append(el);
    await window.Tongxin.mount(el, { widget: 'convention', id: 1, lang: 'en' });
  });
  await page.locator('#later').getByRole('progressbar').waitFor();
  assert.deepEqual(bundlesOf(urls), ['convention', 'proposals']);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a poll beside a convention loads one bundle for both, lighter than two', async () => {
  const errors = [];
  const { context, page } = await phone(browser, errors);
  const urls = [];
  page.on('request', (r) => urls.push(r.url()));
  await embedPage(page, server.base, '<div data-tongxin="poll" data-id="3"></div><div data-tongxin="convention" data-id="1"></div>');
  const poll = widget(page, 3);
  await poll.getByRole('radio').first().waitFor();
  await widget(page, 1, 'convention').getByRole('progressbar').waitFor();
  assert.deepEqual(bundlesOf(urls), ['poll-convention'], 'one runtime for both families');
  const manifest = await (await fetch(`${server.base}/tongxin/manifest.json`)).json();
  const bytes = (name) => manifest.bundles.find((b) => b.name === name).bytes;
  assert.ok(bytes('poll-convention') < bytes('poll') + bytes('convention'), JSON.stringify(manifest.bundles));
  await poll.getByRole('radio').first().check();
  await poll.getByRole('button', { name: '投票', exact: true }).click();
  await poll.getByText('您已投票，谢谢参与！').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('a widget naming another backend loads the mapping bundle', async () => {
  const errors = [];
  const { context, page } = await phone(browser, errors);
  const urls = [];
  page.on('request', (r) => urls.push(r.url()));
  // The reference server described by its own mapping, inline.
  const mapping = readFileSync('crates/tongxin-core/src/mapping/reference.json', 'utf8');
  await embedPage(page, server.base, `<script type="application/json" id="ref">${mapping}</script>
    <div data-tongxin="poll" data-id="3" data-backend="#ref"></div>`);
  const w = widget(page, 3);
  await w.locator('.tx-title').waitFor();
  await w.getByRole('radio').first().check();
  await w.getByRole('button', { name: '投票', exact: true }).click();
  await w.getByText('您已投票，谢谢参与！').waitFor();
  assert.deepEqual(bundlesOf(urls), ['poll-mapping']);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a second visit takes the bundle files from the cache and transfers only the JSON', async () => {
  const { context, page } = await phone(browser);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  // Per request: its URL, status and whether the cache answered it.
  let seen = new Map();
  const entry = (id) => seen.get(id) ?? seen.set(id, { cached: false }).get(id);
  cdp.on('Network.responseReceived', (e) => Object.assign(entry(e.requestId), {
    url: e.response.url,
    status: e.response.status,
    encoding: e.response.headers['content-encoding'] || e.response.headers['Content-Encoding'] || '',
  }, e.response.fromDiskCache || e.response.fromMemoryCache || e.response.fromPrefetchCache ? { cached: true } : {}));
  cdp.on('Network.requestServedFromCache', (e) => { entry(e.requestId).cached = true; });
  // A page the server itself serves (routing would turn the cache off);
  // from another page, so the browser does not treat it as a reload.
  const visit = async () => {
    await page.goto('about:blank');
    seen = new Map();
    await page.goto(`${server.base}/square.html`);
    await widget(page, 1, 'convention').getByRole('progressbar').waitFor();
    await page.waitForLoadState('networkidle');
    return [...seen.values()].filter((r) => r.url?.includes('/tongxin/'));
  };
  const first = await visit();
  assert.ok(first.length >= 4, `loader, bundle js + wasm, css: ${JSON.stringify(first)}`);
  for (const r of first.filter((r) => !r.cached)) {
    assert.equal(r.encoding, 'br', `${r.url} is sent brotli-compressed`);
  }
  const again = await visit();
  const fromNetwork = again.filter((r) => !r.cached && r.status !== 304);
  assert.deepEqual(fromNetwork.map((r) => r.url), [], 'no bundle file is downloaded again');
  const api = [...seen.values()].filter((r) => r.url?.includes('/api/') && !r.cached);
  assert.ok(api.length > 0, 'the widget still asks for fresh JSON');
  await context.close();
});

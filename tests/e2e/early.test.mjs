// The loader's first reads in Debian's Chromium against the real server:
// `tongxin.js` fetches a widget's first answers (the poll, its results, the
// viewer's ballot; a convention's text and count; a proposal and its
// timeline) before the bundle is ready, with the device token it keeps, and
// the widget uses those answers instead of asking again — one request per
// URL, not two.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, phone, widget, embedPage } from './lib.mjs';

const up = serverAndBrowser();

/** Every request of `page`, in the order the browser sent them. */
function record(page) {
  const sent = [];
  page.on('request', (r) => sent.push({ path: new URL(r.url()).pathname, url: r.url(), headers: r.headers() }));
  return sent;
}

const count = (sent, path) => sent.filter((r) => r.path === path).length;
const firstIndex = (sent, test) => sent.findIndex((r) => test(r.path));

test('a poll: its three first reads are sent once, before the wasm, and the widget uses them', async () => {
  const errors = [];
  const { context, page } = await phone(up.browser, errors);
  const sent = record(page);
  await embedPage(page, up.server.base, '<div data-tongxin="poll" data-id="3"></div>');
  const poll = widget(page, 3);
  await poll.getByRole('radio').first().waitFor();
  for (const path of ['/api/v1/polls/3', '/api/v1/polls/3/results', '/api/v1/polls/3/ballots/mine']) {
    assert.equal(count(sent, path), 1, `${path} once, not twice: ${sent.map((r) => r.path).join(' ')}`);
  }
  // Started by the loader, before it even asked for the bundle.
  const read = firstIndex(sent, (p) => p === '/api/v1/polls/3');
  const wasm = firstIndex(sent, (p) => p.endsWith('.wasm'));
  assert.ok(read >= 0 && wasm >= 0 && read < wasm, `the poll read (${read}) before the wasm (${wasm})`);
  // With the device token the widget itself uses, kept for the next visit.
  const token = await page.evaluate(() => localStorage.getItem(`tongxin:device:${location.origin}`));
  assert.match(token, /^tx-[0-9a-f]{32}$/);
  assert.equal(sent.find((r) => r.path === '/api/v1/polls/3').headers['x-tongxin-device'], token);

  // Voting works as before, with the same token; the reads after it go to the network.
  await poll.getByRole('radio').first().check();
  await poll.getByRole('button', { name: '投票', exact: true }).click();
  await poll.getByText('您已投票，谢谢参与！').waitFor();
  const cast = sent.find((r) => r.path === '/api/v1/polls/3/ballots');
  assert.equal(cast.headers['x-tongxin-device'], token);

  // The next visit reads again (an early answer is used once) and is known by the same token.
  const before = sent.length;
  await page.reload();
  await widget(page, 3).getByText('您已投票').first().waitFor();
  const again = sent.slice(before);
  assert.equal(count(again, '/api/v1/polls/3/ballots/mine'), 1);
  assert.equal(again.find((r) => r.path === '/api/v1/polls/3').headers['x-tongxin-device'], token);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a token kept by an older version is inherited; a voter token travels with the first reads', async () => {
  const errors = [];
  const { context, page } = await phone(up.browser, errors);
  const sent = record(page);
  await context.addInitScript(() => {
    if (!localStorage.getItem('tongxin:device')) localStorage.setItem('tongxin:device', 'legacy-device-0123456789');
  });
  await embedPage(page, up.server.base, '<div data-tongxin="poll" data-id="3" data-voter-token="not-a-real-token"></div>');
  // The server refuses a voter token it cannot verify: the widget shows the
  // poll's answer it was given, from the early read.
  await widget(page, 3).locator('.tx-title, [role="alert"]').first().waitFor();
  const first = sent.filter((r) => r.path.startsWith('/api/v1/polls/3'));
  assert.ok(first.length >= 1);
  for (const r of first) {
    assert.equal(r.headers['x-tongxin-device'], 'legacy-device-0123456789', r.path);
    assert.equal(r.headers['x-tongxin-voter'], 'not-a-real-token', r.path);
  }
  assert.equal(count(sent, '/api/v1/polls/3'), 1, 'the poll once');
  await context.close();
});

test('a board of every scope: its first page is sent once, by the loader; a board of one scope reads for itself', async () => {
  const errors = [];
  const { context, page } = await phone(up.browser, errors);
  const sent = record(page);
  await embedPage(page, up.server.base, '<div data-tongxin="proposals"></div>');
  await page.locator('[data-tongxin="proposals"] .tx-card').first().waitFor();
  const lists = sent.filter((r) => r.path === '/api/v1/proposals');
  assert.equal(lists.length, 1, lists.map((r) => r.url).join(' '));
  assert.equal(new URL(lists[0].url).search, '?limit=10&sort=newest');
  assert.ok(sent.indexOf(lists[0]) < sent.findIndex((r) => r.path.endsWith('.wasm')), 'sent before the wasm');

  // A board of one scope asks for that scope's page itself, once.
  const scope = (await (await fetch(`${up.server.base}/api/v1/scopes`)).json())[0].id;
  const before = sent.length;
  await page.evaluate(async (s) => {
    const el = document.createElement('div');
    el.dataset.tongxin = 'proposals';
    el.dataset.scope = String(s);
    document.body.append(el);
  }, scope);
  for (let i = 0; i < 100 && !sent.slice(before).some((r) => r.path === '/api/v1/proposals'); i++) await page.waitForTimeout(100);
  const scoped = sent.slice(before).filter((r) => r.path === '/api/v1/proposals');
  assert.equal(scoped.length, 1, scoped.map((r) => r.url).join(' '));
  assert.match(scoped[0].url, new RegExp(`scope_id=${scope}`));
  assert.deepEqual(errors, []);
  await context.close();
});

test('a convention and a proposal: their first reads are sent once each', async () => {
  const errors = [];
  const { context, page } = await phone(up.browser, errors);
  const sent = record(page);
  await embedPage(page, up.server.base, '<div data-tongxin="convention" data-id="1"></div><div data-tongxin="proposal" data-id="1"></div>');
  await widget(page, 1, 'convention').getByRole('progressbar').waitFor();
  await widget(page, 1, 'proposal').locator('h2').first().waitFor();
  // The proposal's timeline and place come after its detail: wait until they are in.
  await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('/timeline')));
  for (const path of ['/api/v1/conventions/1', '/api/v1/conventions/1/count', '/api/v1/proposals/1', '/api/v1/proposals/1/timeline']) {
    assert.equal(count(sent, path), 1, `${path} once: ${sent.map((r) => r.path).join(' ')}`);
  }
  // Both widgets read the scopes (the proposal after its timeline): the
  // loader fetched them once for the first, the second asks itself.
  for (let i = 0; i < 100 && count(sent, '/api/v1/scopes') < 2; i++) await page.waitForTimeout(100);
  assert.equal(count(sent, '/api/v1/scopes'), 2);
  assert.deepEqual(errors, []);
  await context.close();
});

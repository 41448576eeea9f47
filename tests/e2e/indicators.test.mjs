// The governance indicators board in Debian's Chromium against the real
// server and its year of demo history: tiles and charts carry the API's
// figures, the tables under the charts carry the same numbers, the page
// does not scroll sideways at 360×740 or 1280×800, it speaks zh-CN and
// en, the period can be changed, bad configuration and hostile scope
// names are shown safely, and axe finds nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { admin, api, audit, embedPage, launch, noHorizontalScroll, shot, startServer } from './lib.mjs';

let server;
let browser;
let bijie;
let mingtong;

before(async () => {
  server = await startServer();
  browser = await launch();
  const scopes = await api(server.base, '/scopes');
  bijie = scopes.find((s) => s.name === '碧鸡社区').id;
  mingtong = scopes.find((s) => s.name === '明通社区').id;
});

after(async () => {
  await browser?.close();
  server?.stop();
});

const board = (page, scope) => page.locator(`[data-tongxin="indicators"][data-scope="${scope}"]`);
const pct = (x) => (x == null ? '暂无' : `${Math.round(x * 10) / 10}%`);
const yuan = (fen) => `¥${Math.round(fen / 100).toLocaleString('en-US')}`;

async function open(size, locale = 'zh-CN', extra = {}) {
  const context = await browser.newContext({ viewport: size, locale, timezoneId: 'Asia/Shanghai', ...extra });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  return { context, page, errors };
}

/** The rows of the table in `section`'s collapsed "show as a table", opened. */
async function tableRows(section) {
  await section.locator('summary').click();
  const table = section.locator('details table');
  await table.waitFor();
  return table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent.trim())));
}

for (const size of [{ width: 360, height: 740 }, { width: 1280, height: 800 }]) {
  test(`${size.width}×${size.height}: tiles, charts and their tables show the seed's figures, no sideways scroll`, async () => {
    const { context, page, errors } = await open(size);
    await page.goto(`${server.base}/indicators.html`);
    const b = board(page, bijie);
    await b.locator('.tx-tile').nth(3).waitFor();
    const v = await api(server.base, `/indicators?scope=${bijie}&period=12m`);
    assert.equal(await b.locator('.tx-title').textContent(), '碧鸡社区 · 治理指标');
    const tiles = await b.locator('.tx-tile-value').allTextContents();
    assert.deepEqual(tiles, [
      pct(v.delivery.resolution_percent), pct(v.delivery.ratings.satisfaction_percent),
      pct(v.participation.percent), yuan(v.headline.funds_pledged_fen),
    ]);
    assert.ok(v.participation.participations > 1000 && v.delivery.delivered > 0, 'the seed has a year of history');
    // Compared with the parent: Bijie Street, and the average of its communities.
    const compare = await b.locator('.tx-tile').first().locator('.tx-tile-compare').allTextContents();
    assert.deepEqual(compare, [
      `碧鸡街道: ${pct(v.compare.parent.resolution_percent)}`,
      `碧鸡街道平均 ${pct(v.compare.peers_mean.resolution_percent)}`,
    ]);

    // Participation by unit: bars and the table alternative.
    const units = b.locator('[data-chart="units"]');
    assert.equal(await units.locator('.tx-bar-row').count(), v.participation.by_unit.length);
    assert.deepEqual(await tableRows(units), v.participation.by_unit.map((u) => [
      u.unit.name, String(u.participations), String(u.households_invited), pct(u.percent),
    ]));
    // The funnel: five steps.
    const funnel = b.locator('[data-chart="funnel"]');
    assert.deepEqual(await funnel.locator('.tx-bar-value').allTextContents(), v.proposals.funnel.map((s) => String(s.count)));
    assert.deepEqual((await tableRows(funnel)).map((r) => r[1]), v.proposals.funnel.map((s) => String(s.count)));
    // The monthly trend: a column per month, the same numbers in its table.
    const trend = b.locator('[data-chart="trend"]');
    assert.equal(await trend.locator('rect').count(), v.monthly.length);
    const label = await trend.locator('svg').getAttribute('aria-label');
    for (const m of v.monthly) assert.ok(label.includes(`${m.month} ${m.participations}`), label);
    assert.deepEqual((await tableRows(trend)).map((r) => r.slice(0, 3)), v.monthly.map((m) => [m.month, String(m.participations), String(m.proposals)]));
    // Against the parent and the sibling community.
    const rows = await b.locator('[data-chart="compare"] tbody tr').evaluateAll((rs) => rs.map((r) => r.children[0].textContent));
    assert.deepEqual(rows, ['碧鸡街道', '碧鸡社区', ...v.compare.siblings.map((s) => s.scope.name)]);
    assert.ok(v.compare.siblings.length >= 1);

    // The second board, on the same page and bundle.
    const m = board(page, mingtong);
    await m.locator('.tx-tile').nth(3).waitFor();
    const mv = await api(server.base, `/indicators?scope=${mingtong}&period=12m`);
    assert.equal(await m.locator('.tx-tile-value').nth(2).textContent(), pct(mv.participation.percent));
    assert.ok(await noHorizontalScroll(page), 'no horizontal scroll');
    await shot(page, `indicators-${size.width}`);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('English on an English page; the period can be changed on the board', async () => {
  const { context, page, errors } = await open({ width: 360, height: 740 }, 'zh-CN');
  await embedPage(page, server.base, `<div data-tongxin="indicators" data-scope="${bijie}"></div>`, { lang: 'en' });
  const b = board(page, bijie);
  await b.locator('.tx-tile').nth(3).waitFor();
  assert.equal(await b.locator('.tx-title').textContent(), 'Bijie Community · how we decide');
  assert.deepEqual(await b.locator('.tx-tile-label').allTextContents(), ['Resolution rate', 'Satisfaction', 'Participation', 'Funds pledged']);
  assert.match(await b.getByText(/^Figures as of /).textContent(), /^Figures as of [A-Z][a-z]+ \d{1,2}, 20\d\d at \d/);
  // This year instead of the last twelve months.
  const year = String(new Date().getFullYear());
  await b.getByLabel('Period').selectOption(year);
  const v = await api(server.base, `/indicators?scope=${bijie}&period=${year}`);
  await b.locator('[data-chart="trend"] svg').and(page.locator(`[aria-label*="${year}-01 ${v.monthly[0].participations}"]`)).waitFor();
  assert.equal(await b.locator('.tx-tile-value').nth(2).textContent(), pct(v.participation.percent));
  assert.ok(await noHorizontalScroll(page));
  assert.deepEqual(errors, []);
  await context.close();
});

test('a bad period or scope is said plainly; a hostile scope name stays text', async () => {
  const { context, page } = await open({ width: 360, height: 740 });
  const district = (await api(server.base, '/scopes'))[0].id;
  const hostile = await admin(server.base, 'POST', '/scopes', {
    parent_id: district, level: 'street', name: '<img src=x onerror="window.__xss=1">街道',
  });
  await embedPage(page, server.base, `
    <div data-tongxin="indicators" data-scope="${bijie}" data-period="2026-13" id="bad-period"></div>
    <div data-tongxin="indicators" id="no-scope"></div>
    <div data-tongxin="indicators" data-scope="${hostile.id}" id="hostile"></div>`, { lang: 'zh-CN' });
  await page.locator('#bad-period [role="alert"]').waitFor();
  assert.match(await page.locator('#bad-period [role="alert"]').textContent(), /重试|加载/);
  await page.locator('#no-scope').getByText(/data-scope/).waitFor();
  const h = page.locator('#hostile');
  await h.locator('.tx-title').waitFor();
  assert.equal(await h.locator('.tx-title').textContent(), '<img src=x onerror="window.__xss=1">街道 · 治理指标');
  assert.equal(await h.locator('img').count(), 0);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  // No households recorded, nothing held: rates say "n/a", not 0 % or NaN.
  assert.deepEqual(await h.locator('.tx-tile-value').allTextContents(), ['暂无', '暂无', '暂无', '¥0']);
  await context.close();
});

test('axe finds nothing on the indicators page, tables open, at 360 and 1280 px, light and dark', async () => {
  for (const [size, colorScheme] of [[{ width: 360, height: 740 }, 'light'], [{ width: 360, height: 740 }, 'dark'], [{ width: 1280, height: 800 }, 'light']]) {
    // (The demo site's CSP requires Trusted Types, which axe's script tag lacks.)
    const { context, page } = await open(size, 'zh-CN', { bypassCSP: true, colorScheme });
    await page.goto(`${server.base}/indicators.html`);
    for (const s of [bijie, mingtong]) await board(page, s).locator('.tx-tile').nth(3).waitFor();
    for (const summary of await page.locator('[data-tongxin="indicators"] summary').all()) await summary.click();
    await audit(page, `indicators ${size.width}px ${colorScheme}`);
    await context.close();
  }
});

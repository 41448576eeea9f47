// The budget-round widget in Debian's Chromium at 360×740 against the real
// server (fresh SQLite, demo data: 碧鸡社区 2026 年度惠民资金, ¥200,000 over
// nine projects, open; last year's round closed and confirmed): compose a
// ballot, the over-budget refusal, submit, receipt, change, keyboard only,
// results after close, hostile text, and axe in every theme.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, phone, widget, shot, noHorizontalScroll, api, admin, embedPage, audit } from './lib.mjs';

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

const OPEN = 2;
const LAST_YEAR = 1;
const sent = '您的选择已提交，谢谢参与！';

/** The open round's projects, most expensive first. */
async function projects() {
  const view = await api(server.base, `/budgets/${OPEN}`);
  assert.equal(view.round.fund_fen, 20_000_000, 'the demo round divides ¥200,000');
  return [...view.round.projects].sort((a, b) => b.cost_fen - a.cost_fen);
}

async function openRound(errors = []) {
  const { context, page } = await phone(browser, errors);
  await page.goto(`${server.base}/budget.html`);
  const w = widget(page, OPEN, 'budget');
  await w.locator('.tx-title').waitFor();
  return { context, page, w };
}

/** The element with the focus, through shadow roots. */
function focused(page) {
  return page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return el ? { tag: el.tagName.toLowerCase(), type: el.type || '', id: el.id, text: (el.textContent || '').trim() } : null;
  });
}

test('compose within the fund, the over-budget refusal, submit, receipt, change', async () => {
  const errors = [];
  const { context, page, w } = await openRound(errors);
  assert.ok(await noHorizontalScroll(page), 'no horizontal scroll at 360 px');
  await w.getByText('社区资金 ¥200,000.00，9 个项目').waitFor();
  const [a, b, c, ...rest] = await projects();
  const before = (await api(server.base, `/budgets/${OPEN}`)).ballots;

  await w.getByRole('checkbox', { name: a.title }).check();
  await w.getByRole('checkbox', { name: b.title }).check();
  const spent = a.cost_fen + b.cost_fen;
  const yuan = (fen) => `¥${(fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`;
  await w.getByText(`已选 ${yuan(spent)} / 共 ¥200,000.00`).first().waitFor();
  await shot(page, 'budget-01-composing');

  // The third most expensive does not fit: refused, said why, left unticked.
  assert.ok(spent + c.cost_fen > 20_000_000, 'the demo data makes the third one too many');
  await w.getByRole('checkbox', { name: c.title }).click();
  const alert = w.getByRole('alert');
  await alert.waitFor();
  const why = await alert.textContent();
  assert.match(why, /放不下/);
  assert.ok(why.includes(yuan(20_000_000 - spent)) && why.includes(yuan(c.cost_fen)), why);
  assert.equal(await w.getByRole('checkbox', { name: c.title }).isChecked(), false, 'the refused project stays unticked');
  assert.equal((await api(server.base, `/budgets/${OPEN}`)).ballots, before, 'nothing was sent');
  await shot(page, 'budget-02-refused');

  // Something that fits clears the refusal.
  const fits = rest.find((p) => spent + p.cost_fen <= 20_000_000);
  await w.getByRole('checkbox', { name: fits.title }).check();
  assert.equal(await w.getByRole('alert').count(), 0, 'the refusal is gone');

  await w.getByRole('button', { name: '提交我的选择' }).click();
  await w.getByText(sent).waitFor();
  assert.equal((await api(server.base, `/budgets/${OPEN}`)).ballots, before + 1, 'counted on the server');
  const receipt = await w.locator('.tx-my-ballot').textContent();
  for (const p of [a, b, fits]) assert.ok(receipt.includes(p.title), `${p.title} in the receipt: ${receipt}`);
  assert.ok(receipt.includes(yuan(spent + fits.cost_fen)), receipt);
  await shot(page, 'budget-03-receipt');

  // Change: drop one, take another; the server keeps one ballot.
  await w.getByRole('button', { name: '修改我的选择' }).click();
  await w.getByRole('checkbox', { name: b.title }).uncheck();
  const other = rest.find((p) => p.id !== fits.id);
  await w.getByRole('checkbox', { name: other.title }).check();
  await w.getByRole('button', { name: '提交修改' }).click();
  await w.getByText(sent).waitFor();
  const changed = await w.locator('.tx-my-ballot').textContent();
  assert.ok(changed.includes(other.title) && !changed.includes(b.title), changed);
  assert.equal((await api(server.base, `/budgets/${OPEN}`)).ballots, before + 1, 'a change is not a second ballot');

  // A reload shows the receipt, not the form.
  await page.reload();
  await w.getByText(sent).waitFor();
  assert.equal(await w.getByRole('button', { name: '提交我的选择' }).count(), 0);
  assert.ok(await noHorizontalScroll(page));
  assert.deepEqual(errors, []);
  await context.close();
});

test('keyboard only: tick with Space, send with Enter, the focus lands on the receipt', async () => {
  const errors = [];
  const { context, page, w } = await openRound(errors);
  const [a] = await projects();
  let f = await focused(page);
  for (let i = 0; i < 80 && !(f?.tag === 'input' && f.type === 'checkbox'); i++) {
    await page.keyboard.press('Tab');
    f = await focused(page);
  }
  assert.equal(f?.type, 'checkbox', 'Tab reaches the first project');
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  assert.equal(await w.getByRole('checkbox', { checked: true }).count(), 2, 'two projects ticked from the keyboard');
  for (let i = 0; i < 40 && !(f?.tag === 'button' && f.text === '提交我的选择'); i++) {
    await page.keyboard.press('Tab');
    f = await focused(page);
  }
  assert.equal(f?.text, '提交我的选择', 'Tab reaches the send button');
  await page.keyboard.press('Enter');
  await w.getByText(sent).waitFor();
  await page.waitForFunction((id) => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return el?.id === `tx-voted-${id}`;
  }, OPEN);
  assert.ok(a.title);
  assert.deepEqual(errors, []);
  await context.close();
});

test('last year: funded projects above the line, explained, confirmed', async () => {
  const { context, page } = await phone(browser);
  await page.goto(`${server.base}/budget.html`);
  const w = widget(page, LAST_YEAR, 'budget');
  await w.getByText('计票结果').waitFor();
  const r = (await api(server.base, `/budgets/${LAST_YEAR}/results`)).results;
  const funded = r.projects.filter((p) => p.funded);
  assert.ok(funded.length > 0);
  assert.equal(await w.locator('.tx-funded').count(), funded.length, 'the widget funds what the server counted');
  await w.getByText(`以上 ${funded.length} 个项目获得资助`).waitFor();
  await w.getByText(/平均分配法/).waitFor();
  await w.getByText(/第 1 轮买下，每位支持者最多出/).first().waitFor();
  await w.getByText('结果已确认，资金已记入各项目的公开账目。').waitFor();
  assert.equal(await w.getByRole('checkbox').count(), 0, 'a closed round has no ballot');
  await w.scrollIntoViewIfNeeded();
  await shot(page, 'budget-04-last-year');
  await context.close();
});

test('hostile text in a round renders as text', async () => {
  const payload = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>';
  const scope = (await api(server.base, '/scopes'))[0].id;
  const round = await admin(server.base, 'POST', '/budgets', {
    scope_id: scope, title: payload, description: payload, fund_fen: 100_000,
    projects: [{ title: payload, summary: payload, cost_fen: 50_000 }, { title: 'b', cost_fen: 60_000 }],
    rule: { type: 'k_approval', k: 1 },
  });
  const { context, page } = await phone(browser);
  await embedPage(page, server.base, `<div data-tongxin="budget" data-id="${round.id}" data-api="${server.base}/api"></div>`);
  const w = widget(page, round.id, 'budget');
  await w.locator('.tx-title').waitFor();
  assert.equal(await w.locator('.tx-title').textContent(), payload);
  assert.equal(await w.locator('img').count(), 0);
  // k-approval: the second tick is one too many.
  await w.getByRole('checkbox').nth(0).check();
  await w.getByRole('checkbox').nth(1).click();
  assert.match(await w.getByRole('alert').textContent(), /最多只能选 1 个项目/);
  assert.equal(await page.evaluate(() => window.__pwned), undefined, 'no script ran');
  await context.close();
});

/** A phone page in `theme` (Playwright bypasses the demo's CSP to inject axe). */
async function themed(theme) {
  const context = await browser.newContext({
    viewport: { width: 360, height: 740 }, locale: 'zh-CN', bypassCSP: true,
    colorScheme: theme === 'dark' ? 'dark' : 'light', forcedColors: theme === 'forced' ? 'active' : 'none',
  });
  const page = await context.newPage();
  if (theme === 'high-contrast') {
    await page.addInitScript(() => {
      new MutationObserver(() => {
        for (const el of document.querySelectorAll('[data-tongxin]:not([data-theme])')) el.dataset.theme = 'high-contrast';
      }).observe(document, { childList: true, subtree: true });
    });
  }
  await page.goto(`${server.base}/budget.html`);
  return { context, page, w: widget(page, OPEN, 'budget') };
}

test('results after close, and axe finds nothing in any theme', async () => {
  for (const theme of ['light', 'dark', 'high-contrast', 'forced']) {
    const { context, page, w } = await themed(theme);
    await w.getByRole('checkbox').first().waitFor();
    await widget(page, LAST_YEAR, 'budget').getByText('计票结果').waitFor();
    await w.getByRole('checkbox').first().check();
    await audit(page, `budget ${theme}, composing`);
    await context.close();
  }
  // Staff close the round: the widget shows its results.
  await admin(server.base, 'PATCH', `/budgets/${OPEN}`, { close_now: true });
  const { context, page, w } = await themed('light');
  await w.getByText('计票结果').waitFor();
  await w.getByText('已结束').first().waitFor();
  const r = (await api(server.base, `/budgets/${OPEN}/results`)).results;
  assert.equal(await w.locator('.tx-funded').count(), r.projects.filter((p) => p.funded).length);
  await w.getByText(`剩余资金 ¥${(r.leftover_fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`).waitFor();
  assert.equal(await w.getByRole('checkbox').count(), 0, 'no ballot once closed');
  await audit(page, 'budget light, closed with results');
  await shot(page, 'budget-05-closed');
  await context.close();
});

test('in English and dark at 360 px: the round and the explained results read in English', async () => {
  const errors = [];
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'en', colorScheme: 'dark' });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  await embedPage(page, server.base, `<div data-tongxin="budget" data-id="${LAST_YEAR}" data-api="${server.base}/api"></div>
    <div data-tongxin="budget" data-id="${OPEN}" data-lang="en" data-api="${server.base}/api"></div>`, { lang: 'en' });
  const w = widget(page, OPEN, 'budget');
  await w.locator('.tx-title').waitFor();
  // (The earlier test closed the open round; its header is checked, last year's results in full.)
  await w.getByText('Community fund ¥200,000.00, 9 projects').waitFor();
  const last = widget(page, LAST_YEAR, 'budget');
  await last.getByText('Results', { exact: true }).waitFor();
  await last.getByText(/How it was counted: the Method of Equal Shares/).waitFor();
  await last.getByText(/Bought in round 1; no supporter paid more than ¥/).first().waitFor();
  assert.ok(await noHorizontalScroll(page), 'no horizontal scroll at 360 px');
  await shot(page, 'budget-06-english-dark');
  assert.deepEqual(errors, []);
  await context.close();
});

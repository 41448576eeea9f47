// Budget rounds from the staff console in Debian's Chromium against the
// real server (demo data): a community worker creates a round from the
// proposals of 碧鸡社区 with costs prefilled from their estimates (one
// corrected, with a note), residents vote, the worker closes the round
// early, reads the results and confirms the winners, which lands the
// money in the funded proposal's public ledger. Hostile text stays text;
// axe finds nothing on the desk. Screenshots in test-output/e2e/cb*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, shot, noHorizontalScroll, api, consoleSignIn, pick, auditIn } from './lib.mjs';

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

const SIZE = { width: 360, height: 740 };

async function vote(id, device, projects) {
  const r = await fetch(`${server.base}/api/v1/budgets/${id}/ballots`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tongxin-device': device },
    body: JSON.stringify({ projects }),
  });
  assert.equal(r.status, 201, await r.text());
}

test('a round created from a scope\'s proposals, voted, closed and confirmed into the ledger', async () => {
  const errors = [];
  const context = await browser.newContext({ viewport: SIZE, locale: 'zh-CN' });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  await consoleSignIn(page, server.base, 'bijie.staff', 'demo-staff-password');

  // The list shows the demo's rounds.
  await page.getByRole('link', { name: '社区资金' }).click();
  await page.getByRole('link', { name: '2026 年度惠民资金' }).waitFor();
  await page.getByRole('link', { name: '2025 年度惠民资金' }).waitFor();
  await shot(page, 'cb01-list');

  await page.getByRole('link', { name: '新建预算投票' }).click();
  await pick(page, '范围（谁的资金）', '碧鸡社区');
  const boxes = page.locator('fieldset').getByRole('checkbox');
  await boxes.first().waitFor();
  const n = await boxes.count();
  assert.ok(n >= 9, `the scope's proposals are candidates (${n})`);
  for (let i = 2; i < n; i++) await boxes.nth(i).uncheck();
  const [first, second] = [await boxes.nth(0).locator('..').textContent(), await boxes.nth(1).locator('..').textContent()];
  await page.getByLabel(`${first} 的费用（元）`).fill('1234.50');
  await page.getByLabel(`${first} 的费用说明`).fill('按最新报价');
  const title = '<b>2027</b> 年度惠民资金';
  await page.getByLabel('名称，如“2026 年度惠民资金”').fill(title);
  await page.getByLabel('资金总额（元）').fill('not money');
  await page.getByRole('button', { name: '创建预算投票' }).click();
  await page.getByText('请填写资金总额（元）').waitFor();
  await page.getByLabel('资金总额（元）').fill('100000');
  await pick(page, '结果公开', '随时可见');
  await pick(page, '谁可以投票', '所有人');
  await page.getByRole('button', { name: '创建预算投票' }).click();
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
  assert.equal(await page.locator('b').count(), 0, 'the title is text, not markup');
  assert.ok(await noHorizontalScroll(page), 'the desk fits 360 px');
  const id = Number(new URL(page.url()).hash.split('/').pop());
  const round = (await api(server.base, `/budgets/${id}`)).round;
  assert.deepEqual(round.projects.map((p) => p.title), [first, second]);
  assert.equal(round.projects[0].cost_fen, 123450);
  assert.equal(round.projects[0].cost_note, '按最新报价');
  assert.ok(round.projects.every((p) => p.proposal_id), 'each project is its proposal');
  assert.equal(round.method, 'equal_shares');

  // Residents vote; the desk shows the count, then the staff close it.
  await vote(id, 'cb-device-aaaaaaaaaaaaaaaa1', [round.projects[0].id]);
  await vote(id, 'cb-device-aaaaaaaaaaaaaaaa2', [round.projects[0].id, round.projects[1].id]);
  await page.getByRole('button', { name: '刷新' }).click();
  await page.getByText(/进行中 · 2 票/).waitFor();
  await page.getByRole('button', { name: '提前结束投票' }).click();
  await page.getByText(/已结束 · 2 票/).waitFor();
  await page.getByRole('row', { name: new RegExp(first) }).waitFor();
  await shot(page, 'cb02-closed');
  await auditIn(browser, context, page, SIZE, 'console budget desk, closed');

  // Confirm the computed winners: the money lands in the ledger.
  await page.getByRole('button', { name: '确认资助结果并记账' }).click();
  await page.getByText('已确认：资金已记入获资助提议的公开账目。').waitFor();
  const results = await api(server.base, `/budgets/${id}/results`);
  assert.equal(results.confirmed, true);
  const funded = results.results.projects.filter((p) => p.funded);
  assert.ok(funded.length >= 1);
  const project = round.projects.find((p) => p.id === funded[0].project_id);
  const ledger = await api(server.base, `/proposals/${project.proposal_id}/ledger`);
  assert.ok(ledger.entries.some((e) => e.memo.includes(title) && e.amount_fen === project.cost_fen), JSON.stringify(ledger.entries));
  await shot(page, 'cb03-confirmed');
  assert.deepEqual(errors, []);
  await context.close();
});

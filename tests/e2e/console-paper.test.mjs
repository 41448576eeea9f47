// Paper slips keyed by a building head on a 360 px phone in Debian's
// Chromium against the real server (demo data): 20 slips of a coded poll
// keyed with the keyboard only (code, Enter, the option's number), five of
// them while the phone is offline — they wait in the outbox and go when the
// network returns — then the counts match, a slip of a household that
// already voted online is refused naming 网上, and the resident's page says
// 其中纸质 N 份. Before that, blank paper ballots are printed with each
// household's code. Screenshots in test-output/e2e/cp*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, shot, noHorizontalScroll, api, admin, consoleSignIn, auditIn, pick } from './lib.mjs';

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

test('a building head keys 20 slips by keyboard, five of them offline, and the counts match', async () => {
  const errors = [];
  const scopes = await api(server.base, '/scopes');
  const community = scopes.find((s) => s.name === '碧鸡社区').id;
  const building = scopes.filter((s) => s.name === '1栋').map((s) => s.id).sort((a, b) => a - b)[0];
  const poll = await admin(server.base, 'POST', '/polls', {
    scope_id: community, title: '楼道是否加装声控灯', kind: { type: 'single' },
    options: ['加装', '不加装'], eligibility: 'code',
  });
  const { codes } = await admin(server.base, 'POST', '/codes', { target: 'poll', target_id: poll.id, unit_id: building, count: 22 });
  // One household votes online first.
  const online = await fetch(`${server.base}/api/v1/polls/${poll.id}/ballots`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-tongxin-code': codes[20] },
    body: JSON.stringify({ kind: 'single', option: poll.options[1].id }),
  });
  assert.equal(online.status, 201);

  const context = await browser.newContext({ viewport: SIZE, locale: 'zh-CN' });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  await consoleSignIn(page, server.base, 'building1.head', 'demo-head-password');
  // Paper ballots printed with the household's code: options to tick, four a page.
  await page.goto(`${server.base}/console/#/codes/poll/${poll.id}`);
  await pick(page, '楼栋', '1栋');
  await page.getByLabel(/^数量/).fill('5');
  await pick(page, '打印样式', '纸质选票');
  await page.getByRole('button', { name: '生成入户码' }).click();
  const slips = page.locator('.cx-slip');
  await slips.first().waitFor();
  assert.equal(await slips.count(), 5);
  assert.deepEqual(await slips.first().locator('.cx-slip-ballot li').allTextContents(), ['☐ 加装', '☐ 不加装']);
  await shot(page, 'cp00-printed-ballots');
  const pdf = await page.pdf({ format: 'A4', printBackground: false });
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
  assert.equal(pages, 2, `5 ballots at 4 a page print on 2 A4 pages (got ${pages})`);

  await page.goto(`${server.base}/console/#/paper/poll/${poll.id}`);
  await page.getByRole('heading', { level: 1, name: '纸质录入 · 楼道是否加装声控灯' }).waitFor();
  const codeField = page.getByLabel('入户码（输入或扫码）');
  await codeField.waitFor();
  await page.waitForFunction(() => document.activeElement?.getAttribute('autocapitalize') === 'characters');
  await shot(page, 'cp01-ready');

  const choices = [];
  for (let n = 0; n < 20; n++) {
    if (n === 10) {
      // Slips keyed so far are sent first: one still in flight when the
      // network drops would wait in the outbox too (seen under load).
      await page.getByTestId('outbox').getByText('全部已发送').waitFor();
      await context.setOffline(true);
    }
    // Typed as a resident reads it: lower case, spaces instead of dashes;
    // the last one scanned (a scanner types the QR code's address).
    const typed = n === 19
      ? `${server.base}/item.html?poll=${poll.id}#code=${codes[n]}`
      : codes[n].toLowerCase().replaceAll('-', ' ');
    await page.keyboard.type(typed);
    await page.keyboard.press('Enter');
    const option = n % 3 === 0 ? 2 : 1;
    choices.push(option);
    await page.keyboard.press(String(option));
    await page.getByRole('status').filter({ hasText: '已录入' }).waitFor();
    await page.waitForFunction(() => document.activeElement?.value === '');
    if (n === 14) {
      await page.getByTestId('outbox').getByText('待发送 5 张').waitFor();
      await shot(page, 'cp02-offline');
      await context.setOffline(false);
    }
  }
  await page.getByTestId('outbox').getByText('全部已发送').waitFor({ timeout: 20000 });
  await page.getByTestId('channel-total').getByText('网上 1 · 纸质 20').waitFor();
  const results = await api(server.base, `/polls/${poll.id}/results`);
  assert.equal(results.ballots, 21);
  assert.deepEqual(results.channels, { online: 1, paper: 20, door: 0, meeting: 0 });
  const counted = results.results.options.map((o) => o.count);
  assert.deepEqual(counted, [choices.filter((c) => c === 1).length, choices.filter((c) => c === 2).length + 1]);

  // The household that voted online: its slip is refused, naming 网上.
  await page.keyboard.type(codes[20]);
  await page.keyboard.press('Enter');
  await page.keyboard.press('1');
  await page.locator('.cx-sent li.cx-problem').filter({ hasText: '网上' }).waitFor();

  // A slip keyed wrongly is voided with a reason: 19 on paper.
  const wrong = page.locator('.cx-sent li.cx-ok').first();
  await wrong.getByRole('button', { name: /^作废 / }).click();
  await wrong.getByLabel('作废原因').fill('户号看错了');
  await wrong.getByRole('button', { name: '确认作废' }).click();
  await wrong.getByText('已作废').waitFor();
  await page.getByTestId('channel-total').getByText('网上 1 · 纸质 19').waitFor();

  // A double-entry batch: the building head keys a slip, it waits for a
  // second person; the community's clerk keys the same and it counts.
  await page.getByText('批次与双人核录').click();
  await page.getByLabel('新批次名称，如“3栋 第一袋”').fill('1栋 第二袋');
  await page.getByRole('button', { name: '新建双人录入批次' }).click();
  await page.getByText('已计入 0 张').waitFor();
  await page.getByLabel('入户码（输入或扫码）').focus();
  await page.keyboard.type(codes[21]);
  await page.keyboard.press('Enter');
  await page.keyboard.press('1');
  await page.locator('.cx-sent li').filter({ hasText: '待第二人核录' }).waitFor();
  const batches = await admin(server.base, 'GET', `/paper-batches?target=poll&target_id=${poll.id}`);
  const second = await admin(server.base, 'POST', '/paper-ballots', {
    target: 'poll', target_id: poll.id, code: codes[21], batch_id: batches[0].id,
    ballot: { kind: 'single', option: poll.options[0].id },
  });
  assert.equal(second.state, 'counted');

  // A residents' meeting, counted apart.
  await page.getByText('居民会议举手表决').click();
  await pick(page, '开会的范围（社区、小组或楼栋）', '1栋');
  await page.getByLabel('地点').fill('1栋架空层');
  await page.getByLabel('日期').fill('2026-12-05');
  await page.getByLabel('主持人').fill('王丽');
  await page.getByLabel('到会人数').fill('30');
  await page.getByLabel('举手赞成“加装”的人数').fill('22');
  await page.getByLabel('举手赞成“不加装”的人数').fill('6');
  await page.getByRole('button', { name: '记入会议结果（单独计票）' }).click();
  await page.getByText('已记入会议').waitFor();
  await page.getByTestId('channel-total').getByText('网上 1 · 纸质 20 · 入户 0 · 会议到会 30').waitFor();
  assert.ok(await noHorizontalScroll(page), 'the keying page fits 360 px');
  await shot(page, 'cp03-done');
  await auditIn(browser, context, page, SIZE, 'console paper keying');

  // The resident's page says how many came on paper.
  const resident = await browser.newPage({ viewport: SIZE, locale: 'zh-CN' });
  await resident.goto(`${server.base}/item.html?poll=${poll.id}`);
  await resident.getByText('其中纸质 20 份；另有居民会议 30 人到会举手表决，单独计票').waitFor();
  await shot(resident, 'cp04-resident');
  await resident.close();
  assert.deepEqual(errors, []);
  await context.close();
});

// Paper slips keyed by a building head on a 360 px phone in Debian's
// Chromium against the real server (demo data): 20 slips of a coded poll
// keyed with the keyboard only (code, Enter, the option's number), five of
// them while the phone is offline — they wait in the outbox and go when the
// network returns — then the counts match, a slip of a household that
// already voted online is refused naming 网上, and the resident's page says
// 其中纸质 N 份. Screenshots in test-output/e2e/cp*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, shot, noHorizontalScroll, api, admin, consoleSignIn, auditIn } from './lib.mjs';

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
  const { codes } = await admin(server.base, 'POST', '/codes', { target: 'poll', target_id: poll.id, unit_id: building, count: 21 });
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
  await page.goto(`${server.base}/console/#/paper/poll/${poll.id}`);
  await page.getByRole('heading', { level: 1, name: '纸质录入 · 楼道是否加装声控灯' }).waitFor();
  const codeField = page.getByLabel('入户码（输入或扫码）');
  await codeField.waitFor();
  await page.waitForFunction(() => document.activeElement?.getAttribute('autocapitalize') === 'characters');
  await shot(page, 'cp01-ready');

  const choices = [];
  for (let n = 0; n < 20; n++) {
    if (n === 10) await context.setOffline(true);
    // Typed as a resident reads it: lower case, spaces instead of dashes.
    await page.keyboard.type(codes[n].toLowerCase().replaceAll('-', ' '));
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
  assert.ok(await noHorizontalScroll(page), 'the keying page fits 360 px');
  await shot(page, 'cp03-done');
  await auditIn(browser, context, page, SIZE, 'console paper keying');

  // The resident's page says how many came on paper.
  const resident = await browser.newPage({ viewport: SIZE, locale: 'zh-CN' });
  await resident.goto(`${server.base}/item.html?poll=${poll.id}`);
  await resident.getByText('其中纸质 20 份').waitFor();
  await shot(resident, 'cp04-resident');
  await resident.close();
  assert.deepEqual(errors, []);
  await context.close();
});

// The convention-signing widget in Debian's Chromium at 360×740 against the
// real server (fresh SQLite, demo data): read, sign, count and masked name,
// reload, withdraw, household code, hostile input, keyboard only, network
// down, new version and closing. Screenshots in test-output/e2e/c*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, phone, widget, shot, noHorizontalScroll, api, admin, embedPage } from './lib.mjs';

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

const bijie = (page) => widget(page, 1, 'convention');
const signButton = (w) => w.getByRole('button', { name: '签署', exact: true });
const count = async (id) => (await api(server.base, `/conventions/${id}/count`)).count;

async function openSquare(errors = []) {
  const { context, page } = await phone(browser, errors);
  await page.goto(`${server.base}/square.html`);
  await bijie(page).locator('.tx-sig').first().waitFor();
  return { context, page };
}

async function fillForm(w, { name, unit = '第一居民小组 · 1栋', team }) {
  await w.getByLabel('姓名').fill(name);
  await w.getByRole('radio', { name: unit }).check();
  if (team !== undefined) await w.getByLabel('所在团队/单位（选填）').fill(team);
  await w.getByRole('checkbox', { name: /我已阅读并同意第 1–5 条/ }).check();
}

async function communityScope() {
  return (await api(server.base, '/scopes')).find((s) => s.name === '碧鸡社区').id;
}

test('read, sign, see the count and the masked name, reload, withdraw', async () => {
  const errors = [];
  const { context, page } = await openSquare(errors);
  const w = bijie(page);
  assert.ok(await noHorizontalScroll(page), 'no horizontal scroll at 360 px');
  await w.getByText('第 1 条').waitFor();
  const start = await count(1);
  const bar = w.getByRole('progressbar');
  assert.equal(await bar.getAttribute('aria-valuenow'), String(start));
  assert.equal(await bar.getAttribute('aria-valuetext'), `已有 ${start} 人签署，目标 500 人`);
  // Folded on a phone, full text one tap away.
  await w.getByRole('button', { name: '展开全文（共 5 条）' }).click();
  await w.getByRole('button', { name: '收起' }).waitFor();
  await shot(page, 'c01-convention-loaded');

  await page.evaluate(() => {
    window.__events = [];
    const host = document.querySelector('[data-tongxin="convention"]');
    for (const n of ['signed', 'withdrawn']) host.addEventListener(`tongxin:${n}`, (e) => window.__events.push([n, e.detail]));
  });
  await fillForm(w, { name: '何晓东', team: '夕阳红舞蹈队' });
  await w.getByText('公开名单中显示为：何*东').waitFor();
  await w.getByLabel('签署身份').selectOption('team_leader');
  await signButton(w).click();
  await w.getByText('您已签署，谢谢！').waitFor();
  await w.getByText(`已有 ${start + 1} 人签署，目标 500 人`).waitFor();
  await w.locator('.tx-sig-name', { hasText: '何*东' }).first().waitFor();
  assert.equal(await w.locator('.tx-sig-name').first().textContent(), '何*东', 'newest first');
  assert.equal(await count(1), start + 1);
  const raw = await (await fetch(`${server.base}/api/v1/conventions/1/signatures?limit=100`)).text();
  assert.ok(!raw.includes('何晓东') && raw.includes('何*东'), 'the public list is masked');
  const events = await page.evaluate(() => window.__events);
  assert.equal(events[0][0], 'signed');
  assert.equal(events[0][1].conventionId, 1);
  assert.equal(events[0][1].version, 1);
  await shot(page, 'c02-signed');

  await page.reload();
  await w.getByText('您已签署，谢谢！').waitFor();
  await w.getByText(/您于 .* 签署了第 1 版/).waitFor();
  assert.equal(await signButton(w).count(), 0, 'no form once signed');
  await shot(page, 'c03-reloaded-signed');

  await page.evaluate(() => {
    window.__events = [];
    document.querySelector('[data-tongxin="convention"]').addEventListener('tongxin:withdrawn', (e) => window.__events.push(e.detail));
  });
  await w.getByRole('button', { name: '撤回签名' }).click();
  await w.getByText('确定要撤回您的签名吗？', { exact: false }).waitFor();
  await shot(page, 'c04-withdraw-confirm');
  await w.getByRole('button', { name: '确定撤回' }).click();
  await w.getByText('您的签名已撤回。').waitFor();
  await w.getByText(`已有 ${start} 人签署，目标 500 人`).waitFor();
  assert.equal(await count(1), start);
  assert.equal((await page.evaluate(() => window.__events))[0].conventionId, 1);
  await signButton(w).waitFor();
  await shot(page, 'c05-withdrawn');
  assert.deepEqual(errors, []);
  await context.close();
});

test('errors next to fields; network down keeps what was typed and signs once back online', async () => {
  const { context, page } = await openSquare();
  const w = bijie(page);
  const start = await count(1);
  await signButton(w).click();
  await w.getByText('请填写姓名（1–40 个字）。').waitFor();
  await w.getByText('请选择您所在的楼栋或小组。').waitFor();
  await w.getByText('请勾选确认已阅读并同意。').waitFor();
  await w.getByText('请检查标红的内容。').waitFor();
  const focused = await page.evaluate(() => document.querySelector('[data-tongxin="convention"]').shadowRoot.activeElement?.id);
  assert.equal(focused, 'tx-display_name', 'focus moves to the first field to fix');
  await shot(page, 'c06-field-errors');

  await fillForm(w, { name: '离线测试', team: '碧鸡太极队' });
  await context.setOffline(true);
  await signButton(w).click();
  await w.getByText('已保存在本机，联网后会自动提交。').waitFor();
  assert.equal(await w.getByLabel('姓名').inputValue(), '离线测试', 'the form keeps what was typed');
  assert.equal(await w.getByLabel('所在团队/单位（选填）').inputValue(), '碧鸡太极队');
  assert.ok(await w.locator('.tx-sign-form button[type=submit]').isDisabled(), 'no second signature while one waits');
  assert.equal(await count(1), start, 'nothing counted while offline');
  await shot(page, 'c07-offline-kept');
  await context.setOffline(false);
  await w.getByText('您已签署，谢谢！').waitFor();
  assert.equal(await count(1), start + 1, 'counted exactly once');
  // A second device signing twice is refused readably by the server.
  await context.close();
});

test('sign with a household code; a wrong code is refused next to the field', async () => {
  const scope = await communityScope();
  const conv = await admin(server.base, 'POST', '/conventions', {
    scope_id: scope, title: '碧鸡社区楼道文明公约', articles: ['楼道不堆放杂物。', '电动车不进楼道充电。'], goal: 120, eligibility: 'code',
  });
  const { codes } = await admin(server.base, 'POST', '/codes', { target: 'convention', target_id: conv.id, count: 2 });
  const { context, page } = await phone(browser);
  await embedPage(page, server.base, `<div data-tongxin="convention" data-id="${conv.id}" data-api="${server.base}/api" data-lang="zh-CN"></div>`);
  const w = widget(page, conv.id, 'convention');
  await w.getByLabel('入户码').waitFor();
  await w.getByLabel('姓名').fill('王秀英');
  await w.getByRole('radio', { name: '第二居民小组 · 3栋' }).check();
  await w.getByRole('checkbox', { name: /第 1–2 条/ }).check();
  await w.getByLabel('入户码').fill('WRONG-CODE-00');
  await signButton(w).click();
  await w.getByText('入户码无效，请核对后重试。').first().waitFor();
  assert.equal(await w.getByLabel('姓名').inputValue(), '王秀英', 'the form keeps what was typed');
  await shot(page, 'c08-code-invalid');
  await w.getByLabel('入户码').fill(codes[0]);
  await signButton(w).click();
  await w.getByText('您已签署，谢谢！').waitFor();
  assert.equal(await count(conv.id), 1);
  await shot(page, 'c09-code-signed');
  await page.reload();
  await w.getByText('您已签署，谢谢！').waitFor();
  await context.close();
});

test('XSS payloads in name and team render as text', async () => {
  const { context, page } = await openSquare();
  const w = bijie(page);
  const name = '<img src=x onerror=window.__xss=1>';
  const team = '<script>window.__xss=2</script>';
  await fillForm(w, { name, team });
  await signButton(w).click();
  await w.getByText('您已签署，谢谢！').waitFor();
  await w.locator('.tx-sig-team', { hasText: team }).first().waitFor();
  await page.reload();
  await w.locator('.tx-sig-team', { hasText: team }).first().waitFor();
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'no script ran');
  assert.equal(await page.evaluate(() => document.querySelector('[data-tongxin="convention"]').shadowRoot.querySelectorAll('.tx-sig img, .tx-sig script').length), 0);
  await shot(page, 'c10-xss-as-text');
  await context.close();
});

test('keyboard-only signing', async () => {
  const { context, page } = await phone(browser);
  await page.goto(`${server.base}/square.html`);
  const w = bijie(page);
  await w.locator('.tx-sig').first().waitFor();
  const start = await count(1);
  const active = () => page.evaluate(() => document.querySelector('[data-tongxin="convention"]').shadowRoot.activeElement?.id || '');
  await page.locator('body').click({ position: { x: 1, y: 1 } });
  for (let i = 0; i < 40 && (await active()) !== 'tx-display_name'; i++) await page.keyboard.press('Tab');
  assert.equal(await active(), 'tx-display_name', 'Tab reaches the name field');
  await page.keyboard.type('键盘用户');
  await page.keyboard.press('Tab'); // into the unit list
  await page.keyboard.press('Space'); // choose the first unit
  await page.keyboard.press('Tab'); // team
  await page.keyboard.type('广场排舞队');
  await page.keyboard.press('Tab'); // role
  await page.keyboard.press('Tab'); // agree
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab'); // sign
  await page.keyboard.press('Enter');
  await w.getByText('您已签署，谢谢！').waitFor();
  assert.equal(await count(1), start + 1);
  await shot(page, 'c11-keyboard-signed');
  await context.close();
});

test('no withdrawal rule, a new version to sign, then closed', async () => {
  const scope = await communityScope();
  const conv = await admin(server.base, 'POST', '/conventions', {
    scope_id: scope, title: '碧鸡广场停车公约', articles: ['车辆停在划线车位。', '不占用消防通道。', '夜间不鸣笛。'], goal: 50,
    withdrawal: { mode: 'never' },
  });
  const { context, page } = await phone(browser);
  await embedPage(page, server.base, `<div data-tongxin="convention" data-id="${conv.id}" data-api="${server.base}/api" data-lang="zh-CN"></div>`);
  const w = widget(page, conv.id, 'convention');
  await w.getByLabel('姓名').fill('张伟');
  await w.getByRole('radio', { name: '第一居民小组 · 2栋' }).check();
  await w.getByRole('checkbox', { name: /第 1–3 条/ }).check();
  await signButton(w).click();
  await w.getByText('本公约签署后不能撤回。').waitFor();
  assert.equal(await w.getByRole('button', { name: '撤回签名' }).count(), 0);

  await admin(server.base, 'PATCH', `/conventions/${conv.id}`, { articles: ['车辆停在划线车位。', '不占用消防通道。', '夜间不鸣笛。', '电动车在指定区域充电。'] });
  await page.reload();
  await w.getByText('公约已更新为第 2 版，您签署的是旧版本。').waitFor();
  await shot(page, 'c12-new-version');
  await w.getByRole('button', { name: '阅读并签署新版本' }).click();
  await w.getByRole('checkbox', { name: /第 1–4 条/ }).check();
  await signButton(w).click();
  await w.getByText(/签署了第 2 版/).waitFor();
  const counts = await api(server.base, `/conventions/${conv.id}/count`);
  assert.equal(counts.count, 1);
  assert.equal(counts.earlier_versions, 1);

  await admin(server.base, 'PATCH', `/conventions/${conv.id}`, { closes_at: Date.now() - 1000 });
  await page.reload();
  await w.getByText('本公约已停止签署。').waitFor();
  assert.equal(await signButton(w).count(), 0);
  await shot(page, 'c13-closed');
  await context.close();
});

test('custom element and English', async () => {
  const { context, page } = await phone(browser);
  await embedPage(page, server.base, `<tongxin-convention convention-id="1" api="${server.base}/api" lang="en"></tongxin-convention>`);
  const w = page.locator('tongxin-convention');
  await w.getByText(/of 500 signatures/).waitFor();
  await w.getByText('Sign the convention').waitFor();
  await w.getByLabel('Your name').fill('Alice Smith');
  await w.getByText(/Shown in the public list as:/).waitFor();
  await shot(page, 'c14-english');
  await context.close();
});

// "Residents order the dish" in Debian's Chromium at 360×740 against the
// real server: a resident submits a proposal, it is supported to the
// threshold, staff move it through the steps (admin API), residents discuss
// and vote in the consultation, the resolution vote adopts it, residents
// pledge, the ledger shows the money, delivery is recorded and residents rate
// it; the timeline shows every step. Screenshots in test-output/e2e/p*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, phone, shot, noHorizontalScroll, api, admin, embedPage } from './lib.mjs';

let server;
let browser;
before(async () => {
  server = await startServer({ TONGXIN_SUPPORT_THRESHOLD: '3' });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  server?.stop();
});

const TITLE = '<img src=x onerror=window.__xss=1>楼道声控灯';
const board = (page) => page.locator('[data-tongxin="proposals"]');

async function post(path, device, body) {
  const r = await fetch(`${server.base}/api/v1${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-tongxin-device': device }, body: JSON.stringify(body ?? {}),
  });
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return r.json();
}

/** Opens the board and the proposal whose title contains `text`. */
async function openProposal(page, text) {
  await page.goto(`${server.base}/proposals.html`);
  await board(page).locator('.tx-card-open', { hasText: text }).click();
  const detail = board(page).locator('.tx-proposal');
  await detail.locator('.tx-timeline-box').waitFor();
  return detail;
}

async function advance(id, body) {
  return admin(server.base, 'POST', `/proposals/${id}/transitions`, { actor: '明通社区居委会', action: body });
}

test('a proposal from submission to evaluation, with discussion, votes, funding and ledger', async () => {
  const errors = [];
  const { context, page } = await phone(browser, errors);
  await page.goto(`${server.base}/proposals.html`);
  await board(page).locator('.tx-proposal-card').first().waitFor();
  assert.ok(await noHorizontalScroll(page));
  await shot(page, 'p01-board');
  // Widget events bubble out of the shadow root; keep them across page loads.
  await page.addInitScript(() => {
    for (const n of ['proposal-submitted', 'supported', 'pledged', 'evaluated', 'voted']) {
      document.addEventListener(`tongxin:${n}`, (e) => {
        const all = JSON.parse(localStorage.getItem('e2e:events') || '[]');
        all.push([n, e.detail]);
        localStorage.setItem('e2e:events', JSON.stringify(all));
      });
    }
  });
  await page.reload();
  await board(page).locator('.tx-proposal-card').first().waitFor();
  const events = () => page.evaluate(() => JSON.parse(localStorage.getItem('e2e:events') || '[]'));

  // 提议: submit with a preview.
  const b = board(page);
  await b.getByRole('button', { name: '提出我的建议' }).click();
  await b.getByLabel('项目名称').fill(TITLE);
  await b.getByLabel('存在什么问题').fill('<script>window.__xss=2</script>3号楼楼道太暗，老人晚上摔倒过。');
  await b.getByLabel('建议怎么解决').fill('每层装声控灯，由居民众筹。');
  await b.getByLabel('预计费用（元）').fill('1,200');
  await b.getByRole('searchbox').fill('碧鸡社区');
  await b.getByRole('radio', { name: '西山区 · 碧鸡街道 · 碧鸡社区', exact: true }).check();
  await b.getByLabel('您的姓名（公开时部分隐藏）').fill('何晓东');
  await b.getByLabel('联系方式（选填，仅工作人员可见）').fill('13900000000');
  await b.getByRole('button', { name: '预览' }).click();
  await b.getByText('这是您的建议公开后的样子：').waitFor();
  await b.getByText('提议人：何*东').waitFor();
  await shot(page, 'p02-preview');
  await b.getByRole('button', { name: '确认提交' }).click();
  const detail = b.locator('.tx-proposal');
  await detail.locator('.tx-title', { hasText: TITLE }).waitFor();
  await detail.getByText('当前环节：提议').first().waitFor();
  await detail.getByText('范围：西山区 · 碧鸡街道 · 碧鸡社区').waitFor();
  const submitted = (await events()).find((e) => e[0] === 'proposal-submitted');
  assert.ok(submitted, 'tongxin:proposal-submitted fired');
  const id = submitted[1].proposalId;
  const raw = JSON.stringify(await api(server.base, `/proposals/${id}`));
  assert.ok(!raw.includes('13900000000') && !raw.includes('何晓东'), 'contact private, proposer masked');
  await shot(page, 'p03-submitted');

  // The main action is on screen without scrolling past the text.
  const bar = detail.locator('.tx-sticky-bar button');
  const box = await bar.boundingBox();
  assert.ok(box && box.y + box.height <= 740, `sticky support button visible (${JSON.stringify(box)})`);
  await bar.click();
  await detail.locator('.tx-sticky-figure', { hasText: '1 / 3 人支持' }).waitFor();
  await post(`/proposals/${id}/supports`, 'e2e-supporter-0000000002');
  await post(`/proposals/${id}/supports`, 'e2e-supporter-0000000003');
  assert.equal((await api(server.base, `/proposals/${id}`)).proposal.supports, 3);
  await shot(page, 'p04-supported');

  // 合议 → 群议 with the committee's written opinion and a consultation poll.
  await advance(id, { action: 'advance', note: '3位居民附议' });
  await advance(id, { action: 'advance', note: '合议意见：同意实施，费用由居民众筹，物业配合安装。' });
  const scope = (await api(server.base, '/scopes')).find((s) => s.name === '碧鸡社区').id;
  const consult = await admin(server.base, 'POST', '/polls', { scope_id: scope, title: '选哪种灯？', kind: { type: 'single' }, options: ['声控灯', '人体感应灯'] });
  await admin(server.base, 'PATCH', `/proposals/${id}`, { consultation_poll_id: consult.id });
  let d = await openProposal(page, '楼道声控灯');
  await d.getByText('当前环节：群议').first().waitFor();
  await d.getByText('合议意见：同意实施', { exact: false }).first().waitFor();
  await d.getByRole('radio', { name: '人体感应灯' }).check();
  await d.getByRole('button', { name: '投票', exact: true }).click();
  await d.getByText('您已投票，谢谢参与！').waitFor();
  await d.getByLabel('您的称呼（公开时部分隐藏）').fill('王秀英');
  await d.getByLabel('您的意见').fill('<img src=x onerror=window.__xss=3>希望灯光不要太刺眼');
  await d.getByRole('button', { name: '发表' }).click();
  await d.locator('.tx-comment', { hasText: '希望灯光不要太刺眼' }).waitFor();
  await d.locator('.tx-comment-head', { hasText: '王*英' }).waitFor();
  await d.getByRole('button', { name: '回复' }).first().click();
  await d.getByLabel('您的称呼（公开时部分隐藏）').fill('张伟');
  await d.getByLabel('您的意见').fill('同意，暖光就好');
  await d.getByRole('button', { name: '发表' }).click();
  await d.locator('.tx-reply', { hasText: '同意，暖光就好' }).waitFor();
  await shot(page, 'p05-consult');

  // 决议: the binding vote adopts it.
  const resolution = await admin(server.base, 'POST', '/polls', { scope_id: scope, title: '是否实施楼道声控灯项目？', kind: { type: 'approval', threshold_percent: 80 }, options: ['同意实施'] });
  await admin(server.base, 'PATCH', `/proposals/${id}`, { resolution_poll_id: resolution.id, funding_goal_fen: 120000, responsible: [{ name: '李建国', role: '楼栋长' }] });
  await advance(id, { action: 'advance' });
  d = await openProposal(page, '楼道声控灯');
  await d.getByText('当前环节：决议').first().waitFor();
  await d.getByRole('radio', { name: '同意', exact: true }).check();
  await d.getByRole('button', { name: '投票', exact: true }).click();
  await d.getByText('您已投票，谢谢参与！').waitFor();
  for (let n = 0; n < 3; n++) {
    await post(`/polls/${resolution.id}/ballots`, `e2e-voter-00000000000${n}`, { kind: 'approval', stances: { 1: 'agree' } });
  }
  await admin(server.base, 'PATCH', `/polls/${resolution.id}`, { close_now: true });
  const decided = await advance(id, { action: 'decide' });
  assert.match(decided.note, /agree/);
  await shot(page, 'p06-resolve');

  // Co-funding and the public ledger.
  d = await openProposal(page, '楼道声控灯');
  await d.getByText('已通过决议').first().waitFor();
  await d.locator('.tx-sticky-bar').getByRole('button', { name: '我要认捐' }).waitFor();
  await d.getByLabel('认捐金额（元）').fill('600');
  await d.getByRole('button', { name: '认捐', exact: true }).click();
  await d.getByText('认捐成功，谢谢！').waitFor();
  await d.getByText('已筹 ¥600.00，完成 50%').first().waitFor();
  await post(`/proposals/${id}/pledges`, 'e2e-org-000000000000001', { source: 'organisation', amount_fen: 60000, public_name: '碧鸡物业' });
  await admin(server.base, 'POST', `/proposals/${id}/ledger`, { kind: 'received', amount_fen: 120000, memo: '居民及物业筹款到账' });
  await admin(server.base, 'POST', `/proposals/${id}/ledger`, { kind: 'spent', amount_fen: 86000, memo: '购买并安装声控灯12盏' });
  d = await openProposal(page, '楼道声控灯');
  const ledger = d.locator('.tx-ledger');
  await ledger.getByText('购买并安装声控灯12盏').waitFor();
  assert.equal(await ledger.locator('tbody tr').count(), 2);
  assert.equal(await ledger.locator('tbody tr').nth(1).locator('td').nth(3).textContent(), '340.00', 'running balance');
  await d.getByText('已筹 ¥1,200.00，完成 100%').first().waitFor();
  const pledgeList = d.locator('.tx-pledges');
  await pledgeList.getByText('碧鸡物业').waitFor();
  await pledgeList.getByText('匿名').waitFor();
  assert.equal(await pledgeList.locator('li').count(), 2);
  await shot(page, 'p07-funding-ledger');

  // Delivery, then 评议.
  await advance(id, { action: 'record_delivery', note: '12盏声控灯已安装' });
  await advance(id, { action: 'advance' });
  d = await openProposal(page, '楼道声控灯');
  await d.getByText('当前环节：评议').first().waitFor();
  await d.getByRole('radio', { name: '5 分' }).check();
  await d.getByLabel('说说您的看法（选填）').fill('晚上回家终于不摸黑了');
  await d.getByRole('button', { name: '提交评价' }).click();
  await d.getByText('谢谢您的评价！').waitFor();
  await d.getByText(/满意度 100%/).waitFor();
  const titles = await d.locator('.tx-tl-title').allTextContents();
  for (const t of ['提议 → 合议', '合议 → 群议', '群议 → 决议', '决议 → 评议']) {
    assert.ok(titles.includes(t), `timeline has ${t}: ${titles}`);
  }
  await shot(page, 'p08-evaluated');

  const names = (await events()).map((e) => e[0]);
  for (const n of ['proposal-submitted', 'supported', 'pledged', 'evaluated']) assert.ok(names.includes(n), `event ${n}: ${names}`);
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'no script ran');
  assert.ok(await noHorizontalScroll(page));
  assert.deepEqual(errors.filter((e) => !e.includes('status of 4')), []);
  await context.close();
});

test('bad input in the forms is refused next to the fields and writes nothing', async () => {
  const { context, page } = await phone(browser);
  const before = (await api(server.base, '/proposals?limit=100&include_closed=true')).items.length;
  await page.goto(`${server.base}/proposals.html`);
  const b = board(page);
  await b.getByRole('button', { name: '提出我的建议' }).click();
  await b.getByLabel('预计费用（元）').fill('-5');
  await b.getByRole('button', { name: '预览' }).click();
  for (const text of ['请填写项目名称（1–200 字）。', '请说明存在的问题（1–8000 字）。', '请填写 0 到 1 亿元之间的金额，最多两位小数。', '请选择项目所在范围。', '请填写姓名（1–40 个字）。']) {
    await b.getByText(text).waitFor();
  }
  await shot(page, 'p09-submit-errors');
  await b.getByLabel('项目名称').fill('x'.repeat(150));
  assert.equal((await b.getByLabel('项目名称').inputValue()).length, 150, 'what was typed is kept');
  assert.equal((await api(server.base, '/proposals?limit=100&include_closed=true')).items.length, before);

  // Pledges: nothing, negative, three decimals, words.
  const pledges = (await api(server.base, '/proposals/1/pledges')).length;
  const d = await openProposal(page, '明通巷47号院');
  for (const bad of ['', '-5', '1.234', '一百']) {
    await d.getByLabel('认捐金额（元）').fill(bad);
    await d.getByRole('button', { name: '认捐', exact: true }).click();
    await d.getByText('请填写大于 0 的金额，最多两位小数。').waitFor();
  }
  assert.equal((await api(server.base, '/proposals/1/pledges')).length, pledges, 'no pledge written');
  await shot(page, 'p10-pledge-errors');
  await context.close();
});

test('one proposal embedded alone, and the board as a custom element in English', async () => {
  const { context, page } = await phone(browser);
  await embedPage(page, server.base, `<div data-tongxin="proposal" data-id="1" data-api="${server.base}/api" data-lang="zh-CN"></div>`);
  const d = page.locator('[data-tongxin="proposal"] .tx-proposal');
  await d.locator('.tx-ledger').waitFor();
  await d.getByText('当前环节：评议').first().waitFor();
  await d.getByText(/满意度/).first().waitFor();
  await d.getByText('居民 ¥8,600.00').waitFor();
  await d.getByText('单位 ¥10,000.00').waitFor();
  await shot(page, 'p11-single-proposal');
  await embedPage(page, server.base, `<tongxin-proposals api="${server.base}/api" lang="en"></tongxin-proposals>`);
  const en = page.locator('tongxin-proposals');
  await en.getByRole('button', { name: 'Propose a project' }).waitFor();
  await en.getByLabel('Sort by').selectOption('funding');
  // Once the board re-sorts, a fully funded project comes first and the
  // funding shares never increase down the list.
  await en.locator('.tx-proposal-card').first().getByText('100 % of the goal').waitFor();
  const shares = await en.locator('.tx-proposal-card').evaluateAll((cards) => cards.map((c) => {
    const m = c.textContent.match(/(\d+) % of the goal/);
    return m ? Number(m[1]) : 0;
  }));
  assert.deepEqual(shares, [...shares].sort((a, b) => b - a), `sorted by funding: ${shares}`);
  await shot(page, 'p12-board-english');
  await context.close();
});

test('offline: a support is kept on the phone and counted once back online', async () => {
  const { context, page } = await phone(browser);
  const d = await openProposal(page, '南强街巷背街路灯');
  const lights = (await api(server.base, '/proposals?step=propose&limit=100')).items.find((c) => c.proposal.title.includes('南强街巷背街路灯')).proposal;
  await context.setOffline(true);
  await d.locator('.tx-sticky-bar button').click();
  await d.getByText('已保存在本机，联网后会自动提交。').waitFor();
  assert.equal((await api(server.base, `/proposals/${lights.id}`)).proposal.supports, lights.supports);
  await shot(page, 'p13-offline-support');
  await context.setOffline(false);
  await d.locator('.tx-sticky-figure', { hasText: `${lights.supports + 1} / ${lights.support_threshold} 人支持` }).waitFor();
  assert.equal((await api(server.base, `/proposals/${lights.id}`)).proposal.supports, lights.supports + 1, 'counted once');
  await context.close();
});

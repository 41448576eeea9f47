// The staff console (/console/) in Debian's Chromium against the real
// server, at 1280×800 and at 360×740: an administrator creates a street
// account; that clerk signs in, creates a single-choice poll on household
// codes for one community, prints a code sheet for 1栋 (a PDF through
// Chromium's print, pages counted), copies the poll's snippet into a bare
// host page where a resident votes with a code from the sheet; the console
// then shows the result and 1栋's participation, and the CSV export matches
// the tally. A proposal is walked through 提议→合议→群议→决议→评议 from the
// console with notes and ledger entries, and the resident widget's
// timeline shows them. A comment a resident reported is hidden from the
// console's moderation queue with a reason: other residents no longer see
// it, its author sees it marked with the reason. A convention is published
// with articles added and reordered, edited into a new version, and its
// signatures counted by unit; buildings and household counts are imported
// from a CSV. No resident page loads the console's files.
// Screenshots in test-output/e2e/c*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, shot, noHorizontalScroll, api, admin, widget, consoleSignIn, pick, auditIn } from './lib.mjs';

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

const SIZES = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 360, height: 740 },
];

async function open(size, errors = []) {
  const context = await browser.newContext({ viewport: { width: size.width, height: size.height }, locale: 'zh-CN' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.base });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  // Chromium logs every refused request; the console is refused on purpose
  // (401 before sign-in, a guard's 409 or 422), and shows the problem.
  const expected = /Failed to load resource: the server responded with a status of (401|409|422)/;
  page.on('console', (m) => { if (m.type() === 'error' && !expected.test(m.text())) errors.push(m.text()); });
  return { context, page };
}

const signIn = (page, login, password) => consoleSignIn(page, server.base, login, password);
const auditConsole = (context, page, size, label) => auditIn(browser, context, page, size, label);

const scopeId = async (name) => (await api(server.base, '/scopes')).find((s) => s.name === name).id;

for (const size of SIZES) {
  test(`${size.name}: a street clerk runs a code poll from the console to its CSV`, async () => {
    const errors = [];
    const { context, page } = await open(size, errors);
    // The administrator creates the street office's account.
    await signIn(page, 'admin', 'demo-admin-password');
    await page.getByRole('link', { name: '账号' }).click();
    const login = `street.${size.name}`;
    await page.getByLabel(/^登录账号/).fill(login);
    await page.getByLabel(/^姓名/).fill(`李芳（碧鸡街道 ${size.name}）`);
    await page.getByLabel(/^初始密码/).fill('street-clerk-2026');
    await pick(page, '角色', '工作人员');
    await pick(page, '负责的辖区', '碧鸡街道');
    await page.getByRole('button', { name: '创建账号' }).click();
    await page.getByRole('status').filter({ hasText: `已创建账号 ${login}` }).waitFor();
    await page.getByRole('row', { name: new RegExp(login) }).waitFor();
    assert.ok(await noHorizontalScroll(page), 'accounts page fits');
    await shot(page, `c01-accounts-${size.name}`);
    await page.getByRole('button', { name: '退出' }).click();

    // The clerk signs in and creates a single-choice poll for 碧鸡社区 on household codes.
    await signIn(page, login, 'street-clerk-2026');
    await page.getByRole('link', { name: '新建投票' }).click();
    await pick(page, '投票范围', '碧鸡社区');
    const title = `<b>广场音响</b>几点关？（${size.name}）`;
    await page.getByLabel('问题').fill(title);
    await page.getByLabel('选项（每行一项）').fill('21:00\n21:30\n22:00');
    await pick(page, '谁可以投票', '凭入户码');
    await page.getByRole('button', { name: '创建投票' }).click();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    const pollId = Number(new URL(page.url()).hash.split('/').pop());
    assert.ok(pollId > 0, page.url());
    assert.equal(await page.locator('b').count(), 0, 'the title is text, not markup');
    assert.ok(await noHorizontalScroll(page), 'poll desk fits');
    // Edited after creation: the background text, when results show, and
    // the closing time given meanwhile removed again (closed by hand).
    await admin(server.base, 'PATCH', `/polls/${pollId}`, { closes_at: Date.now() + 86_400_000 });
    await page.reload();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    await page.getByText('修改投票').click();
    const edit = page.locator('details.cx-details');
    const closing = edit.getByLabel('结束时间（清空则手动结束）');
    assert.notEqual(await closing.inputValue(), '', 'the form shows the closing time');
    await edit.getByLabel('说明（可不填）').fill('居民反映晚上音响扰民，请选择关闭时间。');
    await pick(page, '结果公开', '结束后可见');
    await closing.fill('');
    await edit.getByRole('button', { name: '保存修改' }).click();
    await page.waitForFunction(async (id) => (await (await fetch(`/api/v1/polls/${id}`)).json()).visibility === 'after_close', pollId);
    assert.equal((await api(server.base, `/polls/${pollId}`)).closes_at, null, 'the closing time is removed');
    const edited = await api(server.base, `/polls/${pollId}`);
    assert.equal(edited.description, '居民反映晚上音响扰民，请选择关闭时间。');
    await admin(server.base, 'PATCH', `/polls/${pollId}`, { visibility: 'always' });

    // A code sheet for 1栋, printed: one slip per household, eight a page.
    await page.getByRole('link', { name: '入户码' }).click();
    await pick(page, '楼栋', '1栋');
    const households = (await api(server.base, '/scopes')).find((s) => s.name === '1栋').households;
    assert.equal(await page.getByLabel(/^数量/).inputValue(), String(households ?? ''));
    await page.getByLabel(/^数量/).fill('10');
    await page.getByRole('button', { name: '生成入户码' }).click();
    const slips = page.locator('.cx-slip');
    await slips.first().waitFor();
    assert.equal(await slips.count(), 10);
    assert.equal(await page.locator('.cx-slip svg[role="img"]').count(), 10, 'a QR code per slip');
    const code = (await slips.first().locator('.cx-slip-code').textContent()).trim();
    await shot(page, `c02-code-sheet-${size.name}`);
    const pdf = await page.pdf({ format: 'A4', printBackground: false });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
    assert.equal(pages, 2, `10 slips at 8 a page print on 2 A4 pages (got ${pages})`);
    await page.getByRole('row', { name: /1栋/ }).getByRole('cell', { name: '10', exact: true }).first().waitFor();

    // The snippet, copied, in a bare host page; a resident votes there with the code.
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    await page.getByRole('button', { name: '复制代码' }).click();
    await page.getByRole('status').filter({ hasText: '已复制' }).waitFor();
    const snippet = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(snippet, new RegExp(`data-id="${pollId}"`));
    const resident = await browser.newPage({ viewport: { width: 360, height: 740 } });
    const host = `${server.base}/__e2e/host-${size.name}.html`;
    await resident.route(host, (r) => r.fulfill({ contentType: 'text/html; charset=utf-8', body: `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>社区网站</title></head><body><main>${snippet}</main></body></html>` }));
    await resident.goto(host);
    const w = widget(resident, pollId);
    await w.getByRole('radio', { name: '21:30' }).check();
    await w.getByLabel('入户码').fill(code);
    await w.getByRole('button', { name: '投票', exact: true }).click();
    await w.getByText(/已投票|投票成功|谢谢/).first().waitFor();
    await resident.close();

    // Back in the console: the ballot, 1栋's participation, and the CSV.
    await page.getByRole('button', { name: '刷新' }).click();
    const results = page.locator('section', { has: page.getByRole('heading', { name: '结果' }) });
    await results.getByRole('row', { name: /21:30/ }).getByRole('cell', { name: '1', exact: true }).first().waitFor();
    const unit = page.locator('section', { has: page.getByRole('heading', { name: '各楼栋参与情况' }) }).getByRole('row', { name: /1栋/ });
    await unit.waitFor();
    const cells = await unit.getByRole('cell').allTextContents();
    assert.equal(cells[1], '10', `issued: ${cells}`);
    assert.equal(cells[2], '1', `used: ${cells}`);
    const tally = await api(server.base, `/polls/${pollId}/results`);
    const [bom, csv] = await page.evaluate(async (id) => {
      const bytes = new Uint8Array(await (await fetch(`/api/v1/polls/${id}/results.csv`)).arrayBuffer());
      return [Array.from(bytes.slice(0, 3)), new TextDecoder().decode(bytes)];
    }, pollId);
    assert.deepEqual(bom, [0xef, 0xbb, 0xbf], 'BOM for Excel');
    for (const o of tally.results.options) {
      assert.ok(csv.includes(`${pollId},${o.option},${o.label},count,${o.count},all\n`), `${o.label} ${o.count} in:\n${csv}`);
    }
    assert.ok(csv.includes(`${pollId},,,ballots,1,all\n`), csv);
    assert.ok(csv.includes(`${pollId},,,ballots,1,online\n`), csv);
    assert.ok(await noHorizontalScroll(page), 'poll desk fits after results');
    await shot(page, `c03-poll-desk-${size.name}`);
    await auditConsole(context, page, size, `console poll desk ${size.name}`);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('a proposal walked through the five steps from the console, with notes and ledger', async () => {
  const errors = [];
  const { context, page } = await open(SIZES[1], errors);
  const scope = await scopeId('碧鸡社区');
  const proposal = await admin(server.base, 'POST', '/proposals', {
    scope_id: scope, title: '楼道加装扶手', problem: '老人上楼不便', plan: '三栋楼道加装不锈钢扶手', estimated_cost_fen: 300000, proposer_name: '赵敏',
  });
  await signIn(page, 'bijie.staff', 'demo-staff-password');
  await page.getByRole('link', { name: '百姓点菜' }).click();
  await page.getByRole('link', { name: '楼道加装扶手' }).click();
  const move = async (action, note, { override = false } = {}) => {
    await pick(page, '操作', action);
    await page.getByLabel(/^说明/).fill(note);
    if (override) await page.getByLabel(/未达门槛也推进/).check();
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByText(note).first().waitFor();
  };
  const step = (name) => page.locator('.cx-steps li[aria-current="step"]', { hasText: name }).waitFor();
  // 提议 → 合议 before the threshold needs a reason; refused without one.
  await pick(page, '操作', '进入下一步');
  await page.getByRole('button', { name: '提交' }).click();
  await page.getByRole('alert').filter({ hasText: /supports|支持/ }).waitFor();
  await move('进入下一步', '居民代表会议同意提前合议', { override: true });
  await step('合议');
  await move('进入下一步', '居委会意见：同意，列入本季度微项目');
  await step('群议');
  await page.getByRole('button', { name: '创建决议投票' }).click();
  await page.getByRole('link', { name: '决议投票' }).waitFor();
  await move('进入下一步', '群议结束，进入决议');
  await step('决议');
  // Residents adopt it; the clerk closes the resolution poll early from its desk.
  const poll = (await api(server.base, `/proposals/${proposal.id}`)).proposal.resolution_poll_id;
  const motion = (await api(server.base, `/polls/${poll}`)).options[0].id;
  for (let i = 0; i < 3; i++) {
    const r = await fetch(`${server.base}/api/v1/polls/${poll}/ballots`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-tongxin-device': `console-e2e-voter-000000${i}` },
      body: JSON.stringify({ kind: 'approval', stances: { [motion]: 'agree' } }),
    });
    assert.equal(r.status, 201, await r.text());
  }
  await page.getByRole('link', { name: '决议投票' }).click();
  await page.getByRole('button', { name: '提前结束投票' }).click();
  await page.getByText('已结束').first().waitFor();
  await page.goBack();
  await move('按决议投票结果决定', '决议通过');
  await page.getByLabel('金额（元）').fill('1500');
  await page.getByLabel(/^摘要/).fill('居民认筹款到账');
  await page.getByRole('button', { name: '记一笔' }).click();
  await page.getByText(/收 1,?500/).waitFor();
  await pick(page, '类别', '支出');
  await page.getByLabel('金额（元）').fill('1200.50');
  await page.getByLabel(/^摘要/).fill('不锈钢扶手 3 套');
  await page.getByRole('button', { name: '记一笔' }).click();
  await page.getByText(/支 1,?200\.50/).waitFor();
  await move('登记已实施', '扶手已安装，验收合格');
  await move('进入下一步', '请居民评议');
  await step('评议');
  // Responsible persons, shown in full to residents.
  await page.getByLabel(/^负责人/).fill('李建国 楼栋长\n王芳，院落自管会主任');
  await page.getByLabel('众筹目标（元）').fill('3000.5');
  await page.getByRole('button', { name: '保存设置' }).click();
  await page.getByText(/认筹 [\d,.]+ \/ 3,000\.50 元/).waitFor();
  const saved = (await api(server.base, `/proposals/${proposal.id}`)).proposal;
  assert.deepEqual(saved.responsible, [{ name: '李建国', role: '楼栋长' }, { name: '王芳', role: '院落自管会主任' }]);
  assert.ok(await noHorizontalScroll(page));
  await shot(page, 'c04-proposal-desk-phone');
  await auditConsole(context, page, SIZES[1], 'console proposal desk');

  // The resident widget's timeline shows the clerk's notes; the public ledger has both entries.
  const resident = await browser.newPage({ viewport: { width: 360, height: 740 } });
  await resident.goto(`${server.base}/item.html?proposal=${proposal.id}`);
  const w = widget(resident, proposal.id, 'proposal');
  for (const note of ['居委会意见：同意，列入本季度微项目', '扶手已安装，验收合格']) {
    await w.getByText(note).first().waitFor();
  }
  await w.getByText('李建国（楼栋长）、王芳（院落自管会主任）').waitFor();
  const ledger = await api(server.base, `/proposals/${proposal.id}/ledger`);
  assert.deepEqual(ledger.entries.map((e) => [e.kind, e.amount_fen]), [['received', 150000], ['spent', 120050]]);
  await resident.close();
  assert.deepEqual(errors, []);
  await context.close();
});

test('a reported comment hidden from the console disappears for residents; its author is told why', async () => {
  const errors = [];
  const scope = await scopeId('碧鸡社区');
  const p = await admin(server.base, 'POST', '/proposals', {
    scope_id: scope, title: '广场增设遮阳棚', problem: '夏天广场太晒', plan: '东侧加装两座遮阳棚', estimated_cost_fen: 800000, proposer_name: '刘洋',
  });
  const move = (note, extra = {}) => admin(server.base, 'POST', `/proposals/${p.id}/transitions`, { actor: '居委会', action: { action: 'advance', note, ...extra } });
  await move('居民代表同意提前合议', { override_threshold: true });
  await move('居委会意见：同意讨论');
  const body = '<img src=x onerror=window.__xss=1>楼上这些人都是骗子，别信';
  // The author writes it in the widget; a neighbour reports it there.
  const author = await browser.newPage({ viewport: { width: 360, height: 740 } });
  author.on('pageerror', (e) => errors.push(String(e)));
  await author.goto(`${server.base}/item.html?proposal=${p.id}`);
  let w = widget(author, p.id, 'proposal');
  await w.getByLabel('您的称呼（公开时部分隐藏）').fill('马小军');
  await w.getByLabel('您的意见').fill(body);
  await w.getByRole('button', { name: '发表' }).click();
  await w.locator('.tx-comment', { hasText: '都是骗子' }).waitFor();
  const neighbour = await browser.newPage({ viewport: { width: 360, height: 740 } });
  await neighbour.goto(`${server.base}/item.html?proposal=${p.id}`);
  let n = widget(neighbour, p.id, 'proposal');
  await n.locator('.tx-comment', { hasText: '都是骗子' }).getByRole('button', { name: '举报' }).click();
  await n.getByText('已举报，谢谢。').waitFor();

  // The clerk finds it in the queue and hides it with a reason.
  const { context, page } = await open(SIZES[0], errors);
  await signIn(page, 'bijie.staff', 'demo-staff-password');
  await page.getByRole('link', { name: '评论审核' }).click();
  const card = page.locator('.cx-moderation li', { hasText: '广场增设遮阳棚' });
  await card.getByText('举报 1 次').waitFor();
  await card.getByText(body).waitFor();
  const reason = '人身攻击，违反社区公约第三条';
  await card.getByRole('button', { name: '隐藏' }).click();
  await card.getByRole('alert').filter({ hasText: /reason|characters|至少/ }).waitFor();
  await card.getByLabel('处理原因（告诉评论作者）').fill(reason);
  await card.getByRole('button', { name: '隐藏' }).click();
  await page.getByText('没有需要处理的评论。').waitFor();
  await page.getByRole('button', { name: '已隐藏' }).click();
  await page.locator('.cx-moderation li', { hasText: `已隐藏：${reason}` }).waitFor();
  await shot(page, 'c05-moderation');
  await auditConsole(context, page, SIZES[0], 'console moderation');

  // Residents no longer see it; its author sees it, marked, with the reason.
  await neighbour.reload();
  n = widget(neighbour, p.id, 'proposal');
  await n.locator('.tx-comments').waitFor();
  await n.getByText('还没有讨论。').waitFor();
  assert.equal(await n.locator('.tx-comment', { hasText: '都是骗子' }).count(), 0);
  await author.reload();
  w = widget(author, p.id, 'proposal');
  const mine = w.locator('.tx-comment', { hasText: '都是骗子' });
  await mine.locator('.tx-comment-hidden', { hasText: reason }).waitFor();
  assert.equal(await mine.getByRole('button', { name: '举报' }).count(), 0);
  await shot(author, 'c06-hidden-comment-author');
  assert.equal(await author.evaluate(() => window.__xss), undefined);
  const audit_ = await admin(server.base, 'GET', `/audit?path=/api/v1/admin/proposals/${p.id}/comments`);
  assert.ok(audit_.items.some((e) => e.actor === 'bijie.staff' && e.request?.reason === reason), 'the reason is in the audit log');
  await author.close();
  await neighbour.close();
  assert.deepEqual(errors, []);
  await context.close();
});

test('a convention published, reordered and edited into version 2; scopes imported from CSV', async () => {
  const errors = [];
  const { context, page } = await open(SIZES[1], errors);
  await signIn(page, 'bijie.staff', 'demo-staff-password');
  await page.getByRole('link', { name: '公约', exact: true }).click();
  await page.getByRole('link', { name: '新建公约' }).click();
  await pick(page, '公约范围', '碧鸡社区');
  await page.getByLabel('标题').fill('碧鸡社区养犬文明公约');
  await page.getByLabel('序言').fill('为了邻里和睦，我们共同约定：');
  await page.getByLabel('第 1 条', { exact: true }).fill('遛狗拴绳');
  await page.getByRole('button', { name: '添加一条' }).click();
  await page.getByLabel('第 2 条', { exact: true }).fill('及时清理粪便');
  await page.getByRole('button', { name: '添加一条' }).click();
  await page.getByLabel('第 3 条', { exact: true }).fill('<b>夜间</b>不扰民');
  await page.getByRole('button', { name: '上移第 3 条' }).click();
  assert.equal(await page.getByLabel('第 2 条', { exact: true }).inputValue(), '<b>夜间</b>不扰民');
  await page.getByLabel('签署目标（人）').fill('0');
  await page.getByRole('button', { name: '发布公约' }).click();
  await page.getByRole('alert').filter({ hasText: 'goal' }).waitFor();
  await page.getByLabel('签署目标（人）').fill('20');
  await page.getByRole('button', { name: '发布公约' }).click();
  await page.getByRole('heading', { level: 1, name: '碧鸡社区养犬文明公约' }).waitFor();
  const id = Number(page.url().split('/').pop());
  const c = await api(server.base, `/conventions/${id}`);
  assert.deepEqual(c.articles.map((a) => a.text), ['遛狗拴绳', '<b>夜间</b>不扰民', '及时清理粪便']);
  // A resident of 1栋 signs; the desk counts them by unit.
  const unit = await scopeId('1栋');
  const r = await fetch(`${server.base}/api/v1/conventions/${id}/signatures`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-tongxin-device': 'console-e2e-signer-0000001' },
    body: JSON.stringify({ display_name: '陈静', unit_id: unit, agreed: true, version: 1 }),
  });
  assert.equal(r.status, 201, await r.text());
  await page.getByRole('button', { name: '刷新' }).click();
  await page.getByText('第 1 版已签 1 人，目标 20 人（5%）').waitFor();
  await page.getByRole('row', { name: /1栋\s*1/ }).waitFor();
  // Editing an article publishes version 2; the earlier signature is counted apart.
  await page.getByLabel('第 3 条', { exact: true }).fill('及时清理粪便，不在绿地便溺');
  await page.getByRole('button', { name: '保存' }).click();
  await page.getByText('已发布第 2 版').waitFor();
  await page.getByText('另有 1 人签署的是旧版本').waitFor();
  assert.equal((await api(server.base, `/conventions/${id}`)).version, 2);
  assert.ok(await noHorizontalScroll(page));
  await shot(page, 'c07-convention-desk-phone');
  await auditConsole(context, page, SIZES[1], 'console convention desk');

  // Buildings from the office's spreadsheet: a preview, then the import.
  await page.getByRole('link', { name: '辖区', exact: true }).click();
  const csv = '区,街道,社区,居民小组,楼栋,户数\n西山区,碧鸡街道,碧鸡社区,第一居民小组,9栋,36\n';
  await page.getByLabel('或粘贴表格内容').fill(csv);
  await page.getByRole('button', { name: '预览' }).click();
  await page.getByText('将新建 1 个').waitFor();
  assert.equal((await api(server.base, '/scopes')).some((s) => s.name === '9栋'), false);
  await page.getByRole('button', { name: '导入', exact: true }).click();
  await page.getByText('已新建 1 个').waitFor();
  await page.getByRole('cell', { name: '9栋' }).waitFor();
  await page.getByRole('button', { name: '导入', exact: true }).click();
  await page.getByText('已新建 0 个，已更新户数 0 个，1 行无变化。').waitFor();
  await page.getByLabel('或粘贴表格内容').fill('名称,户数\n9栋,36\n');
  await page.getByRole('button', { name: '预览' }).click();
  await page.getByRole('alert').filter({ hasText: 'first line' }).waitFor();
  await auditConsole(context, page, SIZES[1], 'console scopes import');
  assert.deepEqual(errors, []);
  await context.close();
});

test('no resident page loads the console', async () => {
  const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
  const urls = [];
  page.on('request', (r) => urls.push(r.url()));
  for (const path of ['/', '/polls.html', '/square.html', '/proposals.html', '/indicators.html', '/embed.html', '/item.html?poll=1']) {
    await page.goto(`${server.base}${path}`);
    await page.waitForLoadState('networkidle');
  }
  assert.ok(urls.some((u) => u.includes('/tongxin/')), 'the widgets loaded');
  const console_ = urls.filter((u) => u.includes('/console') || /console\.[0-9a-f]+\./.test(u));
  assert.deepEqual(console_, [], 'no console file on a resident page');
  // And the console's own page names its bundle, not a widget bundle.
  const html = await (await fetch(`${server.base}/console/`)).text();
  assert.match(html, /console\.[0-9a-f]{10}\.js/);
  assert.doesNotMatch(html, /poll\.[0-9a-f]{10}\.(js|wasm)/);
  await page.close();
});

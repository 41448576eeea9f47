// Other backends (issue 6): the widgets against json-server through the
// mapping only, a broken mapping's visible state, and the local-only
// JavaScript adapter with no server running at all. (The offline outbox —
// vote offline, reload, online, counted once — is in poll.test.mjs and runs
// through the same mapped code path, the reference mapping.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launch, phone, widget, shot, noHorizontalScroll, embedPage, freePort } from './lib.mjs';

let server;
let browser;
let jsonServer;
let jsonBase;

before(async () => {
  server = await startServer();
  browser = await launch();
  const port = await freePort();
  jsonBase = `http://127.0.0.1:${port}`;
  jsonServer = spawn(process.execPath, ['examples/json-server/start.mjs', String(port)], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${jsonBase}/surveys/7`)).ok) break;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
});

after(async () => {
  jsonServer?.kill('SIGTERM');
  await browser?.close();
  server?.stop();
});

const json = async (path) => (await fetch(`${jsonBase}${path}`)).json();

test('json-server through the mapping only: vote, sign, list proposals', async () => {
  const errors = [];
  const { context, page } = await phone(browser, errors);
  const mapping = `${server.base}/examples/json-server/mapping.json`;
  let mappingFetches = 0;
  page.on('request', (r) => { if (r.url() === mapping) mappingFetches += 1; });
  const attrs = `data-api="${jsonBase}" data-backend="${mapping}"`;
  await embedPage(page, server.base, `
    <div data-tongxin="poll" data-id="7" ${attrs}></div>
    <div data-tongxin="convention" data-id="1" ${attrs}></div>
    <div data-tongxin="proposals" ${attrs}></div>`);

  // Poll: the kit counts json-server's stored votes itself (2 × 21:30, 1 × 21:00).
  // (Three widgets name the mapping; it is fetched once.)
  const poll = widget(page, 7);
  await poll.locator('.tx-title').waitFor();
  await poll.getByText('2 票 · 66.7%').first().waitFor();
  await page.locator('[data-tongxin="proposals"] .tx-proposal-card').first().waitFor();
  assert.equal(mappingFetches, 1, 'one fetch of the mapping for three widgets');
  await poll.getByRole('radio', { name: '22:00' }).check();
  await poll.getByRole('button', { name: '投票', exact: true }).click();
  await poll.getByText('您已投票，谢谢参与！').waitFor();
  const votes = await json('/votes?surveyId=7');
  assert.equal(votes.length, 4, 'one vote more in json-server');
  const mine = votes.find((v) => !v.voter.startsWith('seed-'));
  assert.deepEqual(mine.picked, { kind: 'single', option: 3 }, 'stored in the backend\'s own shape');
  assert.equal(mine.surveyId, '7', 'string ids');
  await shot(page, 'b01-json-server-voted');

  // Convention: sign; the public list shows the masked name; the count is the embedded list's length.
  const conv = widget(page, 1, 'convention');
  await conv.locator('.tx-title').first().waitFor();
  await conv.getByText('孙*萌', { exact: true }).waitFor();
  assert.equal(await conv.getByText('孙雨萌').count(), 0, 'no full name shown');
  await conv.getByLabel('姓名').fill('<img src=x onerror="window.__xss=1">赵敏');
  await conv.getByRole('radio', { name: /2栋/ }).check();
  await conv.getByRole('checkbox', { name: /第 1–3 条/ }).check();
  await conv.getByRole('button', { name: '签署', exact: true }).click();
  await conv.getByRole('button', { name: '撤回签名' }).waitFor();
  const sigs = await json('/signatures?charterId=1');
  assert.equal(sigs.length, 3);
  const signed = sigs.find((s) => s.device !== 'seed-a' && s.device !== 'seed-b');
  assert.equal(signed.signer.building, '7');
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'a name is text, never markup');
  await conv.getByText(/已有 3 人签署/).waitFor();
  await shot(page, 'b02-json-server-signed');

  // Withdraw: json-server deletes the record.
  await conv.getByRole('button', { name: '撤回签名' }).click();
  await conv.getByRole('button', { name: '确定撤回' }).click();
  await conv.getByRole('button', { name: '签署', exact: true }).waitFor();
  assert.equal((await json('/signatures?charterId=1')).length, 2);

  // Proposal board: three cards from /projects; sorting by funding is json-server's _sort.
  const board = page.locator('[data-tongxin="proposals"]');
  await board.locator('.tx-proposal-card').first().waitFor();
  assert.equal(await board.locator('.tx-proposal-card').count(), 3);
  await board.getByLabel('排序').selectOption('funding');
  await board.locator('.tx-proposal-card').first().getByText(/修补路面/).waitFor();
  // json-server has no submit or detail operations: they are hidden, not broken.
  assert.equal(await board.getByRole('button', { name: '提出我的建议' }).count(), 0);
  assert.equal(await board.locator('.tx-card-open').count(), 0);
  await board.locator('select').first().selectOption('consult');
  await board.locator('.tx-proposal-card').first().getByText(/长椅/).waitFor();
  assert.equal(await board.locator('.tx-proposal-card').count(), 1);
  assert.ok(await noHorizontalScroll(page));
  await shot(page, 'b03-json-server-board');

  // Reload: the vote is read back through getMyBallot.
  await page.reload();
  await widget(page, 7).getByText('您已投票，谢谢参与！').waitFor();

  // The same mapping in English.
  await embedPage(page, server.base, `
    <div data-tongxin="poll" data-id="7" data-lang="en" ${attrs}></div>
    <div data-tongxin="convention" data-id="1" data-lang="en" ${attrs}></div>
    <div data-tongxin="proposals" data-lang="en" ${attrs}></div>`);
  await widget(page, 7).getByText('You have voted. Thank you!').waitFor();
  await widget(page, 1, 'convention').getByText('2 of 50 signatures').waitFor();
  const boardEn = page.locator('[data-tongxin="proposals"]');
  await boardEn.locator('.tx-proposal-card').first().waitFor();
  assert.equal(await boardEn.getByRole('button', { name: 'Propose a project' }).count(), 0);
  assert.ok(await noHorizontalScroll(page));
  await shot(page, 'b06-json-server-english');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a broken mapping shows the misconfigured state naming the operation', async () => {
  const { context, page } = await phone(browser);
  const logged = [];
  page.on('console', (m) => { if (m.type() === 'error') logged.push(m.text()); });
  const good = JSON.parse(readFileSync('examples/json-server/mapping.json', 'utf8'));
  const badPath = structuredClone(good);
  badPath.operations.getPoll.response.title = 'heading..text';
  const noCast = structuredClone(good);
  delete noCast.operations.castBallot;
  const wrongField = structuredClone(good);
  wrongField.operations.getPoll.response.title = 'headline';
  const script = (id, m) => `<script type="application/json" id="${id}">${JSON.stringify(m)}</script>`;
  await embedPage(page, server.base, `
    ${script('bad-path', badPath)}${script('no-cast', noCast)}${script('wrong-field', wrongField)}
    <div id="w1" data-tongxin="poll" data-id="7" data-api="${jsonBase}" data-backend="#bad-path"></div>
    <div id="w2" data-tongxin="poll" data-id="7" data-api="${jsonBase}" data-backend="#no-cast"></div>
    <div id="w3" data-tongxin="poll" data-id="7" data-api="${jsonBase}" data-backend="#wrong-field" data-lang="en"></div>
    <div id="w4" data-tongxin="poll" data-id="7" data-api="${jsonBase}" data-backend="${server.base}/no-such-mapping.json"></div>`);
  const alert = (id) => page.locator(`#${id}`).getByRole('alert');
  await alert('w1').waitFor();
  assert.match(await alert('w1').textContent(), /misconfigured.*operation getPoll: response\.title: empty key/);
  assert.match(await alert('w2').textContent(), /needs the operation castBallot/);
  assert.match(await alert('w4').textContent(), /no-such-mapping\.json could not be loaded: HTTP 404/);
  // A path that parses but finds nothing: the widget says which operation and field.
  await page.locator('#w3').getByText(/Widget misconfigured.*getPoll: .*title/).waitFor();
  assert.ok(logged.some((l) => l.includes('operation getPoll: response.title')), 'one console error names it');
  // The developer's console check says the same before anything is mounted.
  const bad = await page.evaluate((m) => window.Tongxin.checkMapping(m), badPath);
  assert.equal(bad.ok, false);
  assert.match(bad.error, /operation getPoll: response\.title: empty key/);
  const ok = await page.evaluate((m) => window.Tongxin.checkMapping(JSON.stringify(m)), good);
  assert.equal(ok.ok, true);
  assert.deepEqual(ok.widgets.poll.missing, []);
  assert.deepEqual(ok.widgets.proposal.missing, ['getProposal'], 'json-server has no proposal detail');
  await shot(page, 'b04-misconfigured');
  await context.close();
});

test('a backend that sends only counts: the kit derives percentages and participation', async () => {
  const { context, page } = await phone(browser);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await embedPage(page, server.base, `<script>
    window.countsOnly = {
      // No ballots here, no percentages there: only what a CMS stores.
      async getPoll(id) {
        return { id: Number(id), scope_id: 1, title: '社区菜园选址', description: '', kind: { type: 'single' },
          options: [{ id: 1, label: '东门空地' }, { id: 2, label: '西门花坛' }], visibility: 'always',
          anonymous: false, allow_change: false, eligibility: 'open', created_at: 0, status: 'open' };
      },
      async getResults(id) {
        return { poll_id: Number(id), status: 'open', visible: true, visibility: 'always',
          results: { kind: 'choices', options: [{ option: 1, label: '东门空地', count: 421 }, { option: 2, label: '西门花坛', count: 79 }] } };
      },
      async castBallot(id, ballot) {
        return { poll_id: Number(id), ballot, ballots: 501, at: Date.now() };
      },
    };
  </script><div data-tongxin="poll" data-id="5" data-adapter="countsOnly" data-lang="zh-CN"></div>`);
  const w = widget(page, 5);
  await w.getByText('500 人参与').waitFor();
  await w.getByText(/421 票 · 84\.2%/).first().waitFor();
  await w.getByText(/79 票 · 15\.8%/).first().waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('local-only: a poll kept in localStorage by a JavaScript adapter, with no server running', async () => {
  // Both servers stop: nothing answers but the files on disk.
  server.stop();
  jsonServer.kill('SIGTERM');
  const bundle = process.env.TONGXIN_BUNDLE;
  const dir = 'examples/local-only';
  const { context, page } = await phone(browser);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // Nothing listens on this origin: every file comes from disk, every other request fails.
  const origin = 'http://local-only.invalid';
  await context.route(`${origin}/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };
    const file = path.startsWith('/tongxin/') ? join(bundle, path.slice('/tongxin/'.length)) : join(dir, path === '/' ? 'index.html' : path.slice(1));
    try {
      return route.fulfill({ body: readFileSync(file), contentType: types[file.slice(file.lastIndexOf('.'))] || 'application/octet-stream' });
    } catch {
      return route.fulfill({ status: 404, body: 'not found' });
    }
  });
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${origin}/`);
  const w = widget(page, 1);
  await w.locator('.tx-title').waitFor();
  await w.getByRole('radio', { name: /广场凉亭/ }).check();
  await w.getByRole('button', { name: '投票', exact: true }).click();
  await w.getByText('您已投票，谢谢参与！').waitFor();
  await w.getByText(/100/).first().waitFor(); // one ballot: 100 % for the pavilion
  await page.reload();
  await widget(page, 1).getByText('您已投票，谢谢参与！').waitFor();
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('tongxin-local-only')));
  assert.equal(Object.keys(stored.ballots['1']).length, 1);
  assert.ok(requests.every((u) => u.startsWith(origin)), `no request left the page: ${requests.filter((u) => !u.startsWith(origin))}`);

  // mount() with the adapter object itself: a second widget sees the same ballot.
  await page.evaluate(async () => {
    const { localBackend } = await import('/adapter.js');
    const el = document.createElement('div');
    el.id = 'mounted';
    document.body.append(el);
    await window.Tongxin.mount(el, { widget: 'poll', id: 1, adapter: localBackend, lang: 'en' });
  });
  await page.locator('#mounted').getByText('You have voted').waitFor();
  assert.deepEqual(errors, []);
  await shot(page, 'b05-local-only');
  await context.close();
});

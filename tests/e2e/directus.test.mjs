// A real headless CMS (issue 15): Directus 12 on SQLite, set up as a
// community site would set it up (examples/directus/setup.mjs: its own
// collections, UUID and slug ids, word keys for options, public-role
// permissions, its own error list and page numbers), and the poll, the
// convention and the proposal board working against it through
// examples/directus/mapping.json alone, at 360×740.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { startServer, launch, phone, widget, shot, noHorizontalScroll, embedPage, freePort } from './lib.mjs';

const directusDir = process.env.TONGXIN_DIRECTUS_DIR || 'examples/directus';
if (!existsSync(`${directusDir}/node_modules/directus/package.json`)) {
  throw new Error('Directus is not installed: `cargo xtask test` installs it (or: npm ci --prefix examples/directus)');
}
const { startDirectus, SURVEY, CLOSED_SURVEY, CHARTER } = await import('../../examples/directus/setup.mjs');

let server;
let browser;
let cms;

before(async () => {
  server = await startServer();
  browser = await launch();
  cms = await startDirectus({ port: await freePort() });
});

after(async () => {
  cms?.stop();
  await browser?.close();
  server?.stop();
});

const items = async (path) => (await (await fetch(`${cms.url}/items/${path}`)).json()).data;
const attrs = () => `data-api="${cms.url}" data-backend="${server.base}/examples/directus/mapping.json"`;

/** Makes the CMS forget, for this page only, what this device did: the widget offers the form again. */
async function forgetMine(page) {
  await page.route(/\/items\/(votes|signatures)\?.*filter%5Bdevice%5D/, (route) =>
    route.fulfill({ contentType: 'application/json', body: '{"data":[]}', headers: { 'access-control-allow-origin': '*' } }));
}

test('Directus through the mapping only: vote, sign, the board with its pages, refusals in Chinese', async () => {
  const errors = [];
  const { context, page } = await phone(browser, errors);
  await embedPage(page, server.base, `
    <div data-tongxin="poll" data-id="${SURVEY}" ${attrs()}></div>
    <div data-tongxin="poll" data-id="${CLOSED_SURVEY}" ${attrs()}></div>
    <div data-tongxin="convention" data-id="${CHARTER}" ${attrs()}></div>
    <div data-tongxin="proposals" ${attrs()}></div>`);

  // Poll: Directus counts (GROUP BY choice); percentages and participation come from the kit.
  const poll = widget(page, SURVEY);
  await poll.locator('.tx-title').waitFor();
  await poll.getByText('2 票 · 66.7%').first().waitFor();
  await poll.getByText('3 人参与').first().waitFor();
  await poll.getByText('0 票 · 0%').first().waitFor(); // 弃权: no vote yet, no row from Directus
  await poll.getByRole('radio', { name: '反对' }).check();
  await poll.getByRole('button', { name: '投票', exact: true }).click();
  await poll.getByText('您已投票，谢谢参与！').waitFor();
  await poll.getByText('2 票 · 50%').first().waitFor();
  const votes = await items(`votes?filter[survey][_eq]=${SURVEY}&limit=-1`);
  assert.equal(votes.length, 4, 'one vote more in Directus');
  const mine = votes.find((v) => !v.device.startsWith('seed-'));
  assert.equal(mine.choice, 'no', 'stored under the CMS\'s own option key');

  // The closed survey: no form, the closed text.
  const closed = widget(page, CLOSED_SURVEY);
  await closed.getByText('已结束').first().waitFor();
  assert.equal(await closed.getByRole('button', { name: '投票', exact: true }).count(), 0);

  // Convention: count and the by-building chart from grouping the charter's signatures.
  const conv = widget(page, CHARTER, 'convention');
  await conv.getByText(/已有 3 人签署/).waitFor();
  await conv.getByText('孙*萌', { exact: true }).waitFor();
  assert.equal(await conv.getByText('孙雨萌').count(), 0, 'no full name shown');
  await conv.getByLabel('姓名').fill('<img src=x onerror="window.__xss=1">赵敏');
  await conv.getByRole('radio', { name: /2栋/ }).check();
  await conv.getByRole('checkbox', { name: /第 1–2 条/ }).check();
  await conv.getByRole('button', { name: '签署', exact: true }).click();
  await conv.getByText(/已有 4 人签署/).waitFor();
  const sigs = await items(`signatures?filter[charter][_eq]=${CHARTER}&limit=-1`);
  assert.equal(sigs.length, 4);
  const signed = sigs.find((s) => !s.device.startsWith('seed-'));
  assert.equal(signed.building, 6);
  assert.ok(signed.full_name.endsWith('赵敏'));
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'a name is text, never markup');

  // Board: twelve projects, ten a page (Directus's page numbers), UUID ids.
  const board = page.locator('[data-tongxin="proposals"]');
  await board.locator('.tx-proposal-card').first().waitFor();
  assert.equal(await board.locator('.tx-proposal-card').count(), 10);
  await board.getByRole('button', { name: '加载更多' }).click();
  await board.locator('.tx-proposal-card').nth(11).waitFor();
  assert.equal(await board.locator('.tx-proposal-card').count(), 12);
  await board.locator('select').first().selectOption('deliberate');
  await board.locator('.tx-proposal-card').nth(4).waitFor({ state: 'detached' });
  assert.equal(await board.locator('.tx-proposal-card').count(), 4, 'projects 3, 6, 9 and 12 are in 合议');
  await board.locator('.tx-proposal-card').first().getByText(/小项目 12/).waitFor();
  assert.ok(await noHorizontalScroll(page));
  await shot(page, 'd01-directus');

  // Refusals are Directus's own (RECORD_NOT_UNIQUE in its error list), shown as the widget's texts.
  await forgetMine(page);
  await page.reload();
  const again = widget(page, SURVEY);
  await again.getByRole('radio', { name: '赞成' }).check();
  await again.getByRole('button', { name: '投票', exact: true }).click();
  await again.getByText('您已经投过票了。').waitFor();
  const conv2 = widget(page, CHARTER, 'convention');
  await conv2.getByLabel('姓名').fill('赵敏');
  await conv2.getByRole('radio', { name: /2栋/ }).check();
  await conv2.getByRole('checkbox', { name: /第 1–2 条/ }).check();
  await conv2.getByRole('button', { name: '签署', exact: true }).click();
  await conv2.getByText('您已经签署过本公约。').waitFor();
  assert.equal((await items(`votes?filter[survey][_eq]=${SURVEY}&limit=-1`)).length, 4, 'nothing written by a refusal');
  assert.equal((await items(`signatures?filter[charter][_eq]=${CHARTER}&limit=-1`)).length, 4);
  await shot(page, 'd02-directus-refused');
  assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
  await context.close();
});

test('Directus in English, and a zh-CN host page speaks Chinese to an English browser', async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'en-US' });
  const page = await context.newPage();
  const html = `<div data-tongxin="poll" data-id="${SURVEY}" data-lang="en" ${attrs()}></div>`;
  await embedPage(page, server.base, html);
  const poll = widget(page, SURVEY);
  await poll.getByText(/taking part/).first().waitFor();
  await poll.getByRole('radio', { name: '赞成' }).check();
  await poll.getByRole('button', { name: 'Vote', exact: true }).click();
  await poll.getByText('You have voted. Thank you!').waitFor();
  await forgetMine(page);
  await embedPage(page, server.base, html);
  await poll.getByRole('radio', { name: '赞成' }).check();
  await poll.getByRole('button', { name: 'Vote', exact: true }).click();
  await poll.getByText('You have already voted.').waitFor();

  // No data-lang: the host page's <html lang> wins over the browser's English.
  await page.unrouteAll();
  await embedPage(page, server.base, `<div data-tongxin="poll" data-id="${SURVEY}" ${attrs()}></div>`, { lang: 'zh-CN' });
  await widget(page, SURVEY).getByText(/人参与/).first().waitFor();
  assert.equal(await widget(page, SURVEY).getByText(/taking part/).count(), 0);
  await shot(page, 'd03-directus-host-language');

  // The developer's console: read operations tried against the live CMS, and a
  // misfit named by operation, contract field, mapping place and what Directus sent.
  const report = await page.evaluate(async ({ url, api, id }) => {
    const good = await (await fetch(url)).json();
    const bad = structuredClone(good);
    bad.operations.getResults.response.results.options.$item.count = { $path: 'count.nope' };
    const tries = { getPoll: { id }, getResults: { id }, listProposals: { limit: 2, page: 1 } };
    return {
      good: await window.Tongxin.checkMapping(good, { api, try: tries }),
      bad: await window.Tongxin.checkMapping(bad, { api, try: { getResults: { id } } }),
    };
  }, { url: `${server.base}/examples/directus/mapping.json`, api: cms.url, id: SURVEY });
  assert.equal(report.good.ok, true);
  assert.equal(report.good.try.getPoll.ok, true, JSON.stringify(report.good.try.getPoll));
  assert.deepEqual(report.good.try.getPoll.answer.options.map((o) => o.id), ['yes', 'no', 'abstain']);
  assert.equal(report.good.try.getResults.ok, true);
  assert.equal(report.good.try.listProposals.answer?.items.length, 2, JSON.stringify(report.good.try.listProposals));
  const err = report.bad.try.getResults.error;
  assert.equal(report.bad.try.getResults.ok, false);
  for (const part of ['getResults', 'count', 'operations.getResults.response', 'the backend sent', '"choice"']) {
    assert.ok(err.includes(part), `${part} in: ${err}`);
  }
  assert.ok(err.length < 600, 'an excerpt, not the whole answer');
  await context.close();
});

// The widget speaks the host page's language: `data-lang` when given, else
// the nearest `lang` attribute of the host element (up to `<html lang>`),
// else the browser's; dates and times follow it, to the minute.
// The browser here prefers English (locale en-US) and lives in Shanghai.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { admin, api, embedPage, launch, startServer, widget } from './lib.mjs';

let server;
let browser;
let poll;
// 2030-01-01 08:00 in Shanghai.
const CLOSES = Date.UTC(2030, 0, 1, 0, 0);

before(async () => {
  server = await startServer();
  browser = await launch();
  const scope = (await api(server.base, '/scopes'))[0].id;
  poll = await admin(server.base, 'POST', '/polls', {
    scope_id: scope, title: '垃圾分类亭位置', kind: { type: 'single' }, options: ['东门', '西门'], closes_at: CLOSES,
  });
});

after(async () => {
  await browser?.close();
  server?.stop();
});

/** An English-speaking browser in Shanghai opening `html` on a page of language `lang`. */
async function open(html, lang) {
  const context = await browser.newContext({
    viewport: { width: 360, height: 740 }, locale: 'en-US', timezoneId: 'Asia/Shanghai',
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await embedPage(page, server.base, html, { lang });
  return { context, page, errors };
}

test('a Chinese page without data-lang gets a Chinese widget in an English browser', async () => {
  const { context, page, errors } = await open(`<div data-tongxin="poll" data-id="${poll.id}"></div>`, 'zh-CN');
  const w = widget(page, poll.id);
  await w.getByRole('button', { name: '投票', exact: true }).waitFor();
  const closes = await w.getByText(/^截止时间：/).textContent();
  assert.equal(closes, '截止时间：2030年1月1日 08:00');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the nearest lang attribute wins over <html lang>, and data-lang over both', async () => {
  const { context, page } = await open(`
    <section lang="en"><div data-tongxin="poll" data-id="${poll.id}" id="en"></div></section>
    <section lang="en"><div data-tongxin="poll" data-id="${poll.id}" data-lang="zh-CN" id="zh"></div></section>`, 'zh-CN');
  const en = page.locator('#en');
  await en.getByRole('button', { name: 'Vote', exact: true }).waitFor();
  const closes = await en.getByText(/^Closes /).textContent();
  assert.match(closes, /^Closes January 1, 2030 at 8:00\s?AM$/);
  assert.doesNotMatch(closes, /:00:00/, 'no seconds');
  await page.locator('#zh').getByRole('button', { name: '投票', exact: true }).waitFor();
  await context.close();
});

test('without any lang the browser decides, and custom elements read their own lang', async () => {
  const { context, page } = await open(`
    <div data-tongxin="poll" data-id="${poll.id}" id="browser"></div>
    <tongxin-poll poll-id="${poll.id}" lang="zh-CN" id="element"></tongxin-poll>`);
  await page.locator('#browser').getByRole('button', { name: 'Vote', exact: true }).waitFor();
  await page.locator('#element').getByRole('button', { name: '投票', exact: true }).waitFor();
  await context.close();
});

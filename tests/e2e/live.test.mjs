// Live counts in Debian's Chromium at 360×740 against the real server: two
// phones on one poll page — a vote on the first shows on the second
// without a reload and without moving the second one's focus, over one
// stream for all the page's widgets; and where the server refuses the
// stream, the widget falls back to reading again on its timer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, phone, widget, shot, api, embedPage } from './lib.mjs';

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

/** The element that has the focus, through shadow roots. */
const focusedName = (page) => page.evaluate(() => {
  let a = document.activeElement;
  while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
  return a ? `${a.tagName}:${a.getAttribute('aria-label') || a.closest('label')?.textContent?.trim() || a.id}` : null;
});

async function open(page, base) {
  const streams = [];
  page.on('request', (r) => { if (r.url().includes('/api/v1/events')) streams.push(r.url()); });
  const opened = page.waitForResponse((r) => r.url().includes('/api/v1/events'));
  await page.goto(`${base}/polls.html`);
  await widget(page, 1).locator('.tx-title').waitFor();
  return { streams, opened: await opened };
}

test('a vote on one phone shows on the other without a reload; the focus stays', async () => {
  const errors = [];
  const a = await phone(browser, errors);
  const b = await phone(browser, errors);
  await open(a.page, server.base);
  const { streams, opened } = await open(b.page, server.base);
  assert.equal(opened.status(), 200);
  assert.equal(opened.headers()['content-type'], 'text/event-stream');
  const before = (await api(server.base, '/polls/1/count')).ballots;
  await widget(b.page, 1).getByText(`${before} 人参与`).waitFor();

  // The second phone's resident is reading the options with the keyboard.
  const option = widget(b.page, 1).getByRole('radio', { name: '不同意', exact: true });
  await option.focus();
  const focused = await focusedName(b.page);
  await b.page.evaluate(() => { window.__notReloaded = true; });

  const w = widget(a.page, 1);
  await w.getByRole('radio', { name: '同意', exact: true }).check();
  await w.getByRole('button', { name: '投票', exact: true }).click();
  await w.getByText('您已投票，谢谢参与！').waitFor();

  // Well under the 15 s the widget would wait without a stream.
  await widget(b.page, 1).getByText(`${before + 1} 人参与`).waitFor({ timeout: 10000 });
  assert.equal(await focusedName(b.page), focused, 'the focus did not move');
  assert.ok(await option.evaluate((el) => el.matches(':focus')), 'still on the same option');
  assert.equal(await b.page.evaluate(() => window.__notReloaded), true, 'no reload');
  assert.equal(streams.length, 1, `one stream for the page's widgets: ${streams}`);
  assert.match(streams[0], /topics=poll%3A1%2Cpoll%3A2/);
  await shot(b.page, 'live-01-second-phone-updated');
  assert.deepEqual(errors, []);
  await a.context.close();
  await b.context.close();
});

test('where the stream is refused, the widget reads again on its timer', async () => {
  const busy = await startServer({ TONGXIN_MAX_STREAMS: '1' });
  // Someone else holds the server's only stream.
  const hog = new AbortController();
  const held = await fetch(`${busy.base}/api/v1/polls/3/events`, { signal: hog.signal });
  assert.equal(held.status, 200);
  try {
    const { page, context } = await phone(browser);
    const refused = page.waitForResponse((r) => r.url().includes('/api/v1/events'));
    await embedPage(page, busy.base, '<div data-tongxin="poll" data-id="3"></div>');
    assert.equal((await refused).status(), 503);
    const before = (await api(busy.base, '/polls/3/count')).ballots;
    await widget(page, 3).getByText(`${before} 人参与`).waitFor();
    const cast = await fetch(`${busy.base}/api/v1/polls/3/ballots`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tongxin-device': 'live-e2e-fallback-voter-01' },
      body: JSON.stringify({ kind: 'single', option: 1 }),
    });
    assert.equal(cast.status, 201, await cast.text());
    // The poll widget reads again every 15 s without a stream.
    await widget(page, 3).getByText(`${before + 1} 人参与`).waitFor({ timeout: 40000 });
    await context.close();
  } finally {
    hog.abort();
    busy.stop();
  }
});

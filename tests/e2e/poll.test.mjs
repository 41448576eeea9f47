// The poll widget in Debian's Chromium at 360×740 against the real server
// (fresh SQLite, demo data), embedded the way a third-party page does.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, phone, widget, shot, noHorizontalScroll, api, embedPage } from './lib.mjs';

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

async function openPolls(errors = []) {
  const { context, page } = await phone(browser, errors);
  await page.goto(`${server.base}/polls.html`);
  await widget(page, 1).locator('.tx-title').waitFor();
  return { context, page };
}

const voted = '您已投票，谢谢参与！';

test('vote in every kind on the demo page; counts update; no horizontal scroll', async () => {
  const errors = [];
  const { context, page } = await openPolls(errors);
  assert.ok(await noHorizontalScroll(page), 'no horizontal scroll at 360 px');
  await shot(page, '01-polls-loaded');

  const steps = {
    1: async (w) => w.getByRole('radio', { name: '同意', exact: true }).check(),
    2: async (w) => w.getByRole('radio', { name: '5 分' }).check(),
    3: async (w) => w.getByRole('radio', { name: '21:30' }).check(),
    4: async (w) => {
      const boxes = w.getByRole('checkbox');
      await boxes.nth(0).check();
      await boxes.nth(2).check();
      assert.ok(await boxes.nth(1).isDisabled(), 'the third choice is disabled at the maximum of 2');
    },
    5: async (w) => {
      const first = await w.locator('.tx-rank-label').first().textContent();
      await w.getByRole('button', { name: /^下移/ }).first().click();
      assert.equal(await w.locator('.tx-rank-label').nth(1).textContent(), first, 'moved down one place');
    },
    6: async (w) => {
      const plus = w.getByRole('button', { name: /^给 健身器材/ });
      for (let i = 0; i < 3; i++) await plus.click();
      await w.getByText('还剩 7 点').waitFor();
    },
  };
  const before = {};
  for (const id of Object.keys(steps)) before[id] = (await api(server.base, `/polls/${id}/count`)).ballots;
  for (const [id, act] of Object.entries(steps)) {
    const w = widget(page, id);
    await act(w);
    await shot(page, `02-poll-${id}-chosen`);
    await w.getByRole('button', { name: '投票', exact: true }).click();
    await w.getByText(voted).waitFor();
    await w.getByText(`${before[id] + 1} 人参与`).waitFor();
    assert.equal((await api(server.base, `/polls/${id}/count`)).ballots, before[id] + 1, `poll ${id} counted on the server`);
    await w.locator('.tx-results').waitFor();
    await w.scrollIntoViewIfNeeded();
    await shot(page, `03-poll-${id}-voted`);
  }
  assert.ok(await noHorizontalScroll(page));
  assert.deepEqual(errors, []);
  await context.close();
});

test('reload keeps "already voted"; a second vote from the same device is refused readably', async () => {
  // One browser profile (one device token), two tabs open before voting.
  const fresh = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const a = await fresh.newPage();
  const b = await fresh.newPage();
  for (const p of [a, b]) {
    await p.goto(`${server.base}/polls.html`);
    await widget(p, 3).locator('.tx-title').waitFor();
  }
  await widget(a, 3).getByRole('radio', { name: '22:00' }).check();
  await widget(a, 3).getByRole('button', { name: '投票', exact: true }).click();
  await widget(a, 3).getByText(voted).waitFor();
  // Tab b still shows the form: its vote is refused with a readable message.
  await widget(b, 3).getByRole('radio', { name: '21:00' }).check();
  await widget(b, 3).getByRole('button', { name: '投票', exact: true }).click();
  await widget(b, 3).getByText('您已经投过票了。').waitFor();
  await shot(b, '04-second-vote-refused');
  await a.reload();
  await widget(a, 3).getByText(voted).waitFor();
  await widget(a, 3).getByText('您的选择：22:00').waitFor();
  await shot(a, '05-reload-keeps-voted');
  await fresh.close();
});

test('a closed poll shows results only', async () => {
  const { context, page } = await openPolls();
  const w = widget(page, 7);
  await w.getByText('已结束').waitFor();
  await w.locator('.tx-results [role="img"]').waitFor();
  assert.equal(await w.getByRole('button', { name: '投票', exact: true }).count(), 0);
  assert.equal(await w.getByRole('radio').count(), 0);
  await w.scrollIntoViewIfNeeded();
  await shot(page, '06-closed-results-only');
  await context.close();
});

test('two widgets on one page work independently', async () => {
  const fresh = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await fresh.newPage();
  await page.goto(`${server.base}/polls.html`);
  const three = widget(page, 3);
  const four = widget(page, 4);
  await three.locator('.tx-title').waitFor();
  await four.locator('.tx-title').waitFor();
  await three.getByRole('radio', { name: '21:00' }).check();
  await three.getByRole('button', { name: '投票', exact: true }).click();
  await three.getByText(voted).waitFor();
  assert.equal(await four.getByText(voted).count(), 0, 'poll 4 is untouched');
  assert.equal(await four.getByRole('button', { name: '投票', exact: true }).count(), 1);
  await fresh.close();
});

test('hostile host CSS cannot break the widget', async () => {
  const { context, page } = await phone(browser);
  // A host page of its own (the server's pages carry a CSP that would
  // block the hostile inline style).
  await embedPage(page, server.base, `
    <style>* { all: unset !important; } button { display: none !important; } div { font-size: 2px !important; color: transparent !important; }</style>
    <div data-tongxin="poll" data-id="3" data-api="${server.base}/api" data-lang="en"></div>`);
  const w = widget(page, 3);
  const vote = w.getByRole('button', { name: 'Vote', exact: true });
  await vote.waitFor();
  assert.ok(await vote.isVisible(), 'the vote button is visible despite button { display: none }');
  const box = await vote.boundingBox();
  assert.ok(box.height >= 44, `touch target ${box.height}px high`);
  await w.getByRole('radio', { name: '21:00' }).check();
  await vote.click();
  await w.getByText('You have voted. Thank you!').waitFor();
  await shot(page, '07-hostile-css');
  await context.close();
});

test('mount → unmount → mount leaves one widget and no duplicate listeners', async () => {
  const { context, page } = await phone(browser);
  await page.goto(`${server.base}/examples/js-api/`);
  await page.evaluate(() => {
    window.__events = [];
    document.getElementById('slot').addEventListener('tongxin:ready', () => window.__events.push('ready'));
  });
  const toggle = page.locator('#toggle');
  await toggle.click();
  // The title appears once the poll has loaded (after `tongxin:ready`); the
  // skeleton card would be there before.
  await page.locator('#slot .tx-title').waitFor();
  await toggle.click(); // unmount
  await page.waitForFunction(() => document.getElementById('slot').shadowRoot.childNodes.length === 0);
  assert.equal(await page.locator('#slot').getAttribute('data-tongxin-mounted'), null);
  await toggle.click(); // mount again
  await page.locator('#slot .tx-title').waitFor();
  assert.equal(await page.locator('#slot .tx-card').count(), 1, 'exactly one widget');
  assert.equal(await page.locator('#slot .tx-root').count(), 1, 'exactly one root');
  await page.locator('#slot').getByRole('radio', { name: '22:00' }).check();
  await page.locator('#slot').getByRole('button', { name: 'Vote', exact: true }).click();
  await page.locator('#log').getByText('voted: poll 3').waitFor();
  assert.deepEqual(await page.evaluate(() => window.__events), ['ready', 'ready'], 'one ready per mount');
  await shot(page, '08-remounted');
  await context.close();
});

test('keyboard-only voting and ranking', async () => {
  const fresh = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await fresh.newPage();
  await page.goto(`${server.base}/polls.html`);
  const w = widget(page, 3);
  await w.locator('.tx-title').waitFor();
  // Tab from the page into the widget until a radio button has focus.
  await page.locator('body').click({ position: { x: 1, y: 1 } });
  let focused = '';
  for (let i = 0; i < 40 && focused !== 'radio'; i++) {
    await page.keyboard.press('Tab');
    focused = await page.evaluate(() => {
      const host = document.querySelector('[data-tongxin="poll"][data-id="3"]');
      const el = host.shadowRoot.activeElement;
      return el ? el.type : '';
    });
  }
  assert.equal(focused, 'radio', 'Tab reaches the options');
  await page.keyboard.press('ArrowDown'); // selects the next option
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await w.getByText(voted).waitFor();
  // Ranking with arrow keys.
  const r = widget(page, 5);
  const rows = r.locator('.tx-rank-row');
  const first = await rows.nth(0).locator('.tx-rank-label').textContent();
  await rows.nth(0).focus();
  await page.keyboard.press('ArrowDown');
  await page.waitForTimeout(50);
  assert.equal(await rows.nth(1).locator('.tx-rank-label').textContent(), first);
  await shot(page, '09-keyboard');
  await fresh.close();
});

test('custom element and the English toggle', async () => {
  const { context, page } = await phone(browser);
  await page.goto(`${server.base}/examples/custom-element/`);
  await page.locator('tongxin-poll[poll-id="4"] .tx-title').waitFor();
  await page.locator('tongxin-poll[poll-id="6"]').getByText('points left').waitFor();
  await shot(page, '10-custom-element');
  await page.goto(`${server.base}/polls.html`);
  await page.locator('.lang-toggle').click();
  await widget(page, 3).getByRole('button', { name: 'Vote', exact: true }).waitFor();
  await shot(page, '11-english');
  await page.locator('.lang-toggle').click();
  await context.close();
});

test('XSS in poll text renders as text', async () => {
  const { admin } = await import('./lib.mjs');
  const payload = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>';
  const scope = (await api(server.base, '/scopes'))[0].id;
  const poll = await admin(server.base, 'POST', '/polls', { scope_id: scope, title: payload, description: payload, kind: { type: 'single' }, options: [payload, 'b'] });
  const { context, page } = await phone(browser);
  await embedPage(page, server.base, `<div data-tongxin="poll" data-id="${poll.id}" data-api="${server.base}/api"></div>`);
  const w = widget(page, poll.id);
  await w.locator('.tx-title').waitFor();
  assert.equal(await w.locator('.tx-title').textContent(), payload);
  assert.equal(await page.evaluate(() => window.__pwned), undefined, 'no script ran');
  assert.equal(await w.locator('img').count(), 0);
  await context.close();
});

test('offline: a ballot is kept on the phone and counted exactly once back online, also after a reload', async () => {
  const errors = [];
  const { context, page } = await phone(browser, errors);
  await page.goto(`${server.base}/polls.html`);
  const count = async (id) => (await api(server.base, `/polls/${id}/count`)).ballots;
  const outbox = () => page.evaluate(() => JSON.parse(localStorage.getItem('tongxin:outbox.v2') || '[]').length);

  // Back online while the page is open: the `online` event sends it.
  const w3 = widget(page, 3);
  await w3.locator('.tx-title').waitFor();
  const before3 = await count(3);
  await context.setOffline(true);
  await w3.getByRole('radio', { name: '21:30' }).check();
  await w3.getByRole('button', { name: '投票', exact: true }).click();
  await w3.getByText('已保存在本机，联网后会自动提交。').waitFor();
  assert.equal(await outbox(), 1, 'kept in the outbox');
  assert.equal(await count(3), before3, 'not counted while offline');
  await shot(page, '12-offline-saved');
  await context.setOffline(false);
  await w3.getByText(voted).waitFor();
  assert.equal(await count(3), before3 + 1, 'counted once');
  assert.equal(await outbox(), 0);

  // Kept across a reload: the next load sends it.
  const w4 = widget(page, 4);
  const before4 = await count(4);
  await context.setOffline(true);
  const boxes = w4.getByRole('checkbox');
  await boxes.nth(0).check();
  await w4.getByRole('button', { name: '投票', exact: true }).click();
  await w4.getByText('已保存在本机，联网后会自动提交。').waitFor();
  await page.close();
  await context.setOffline(false);
  const again = await context.newPage();
  await again.goto(`${server.base}/polls.html`);
  await widget(again, 4).getByText(voted).waitFor();
  assert.equal(await count(4), before4 + 1, 'counted once after the reload');
  await again.reload();
  await widget(again, 4).getByText(voted).waitFor();
  assert.equal(await count(4), before4 + 1, 'still once');
  assert.equal(await count(3), before3 + 1, 'still once');
  await shot(again, '13-offline-delivered');

  // Closed while the ballot waited: the resident is told, nothing counted.
  const { admin: staff, embedPage } = await import('./lib.mjs');
  const scope = (await api(server.base, '/scopes'))[0].id;
  const p = await staff(server.base, 'POST', '/polls', { scope_id: scope, title: '临时投票', kind: { type: 'single' }, options: ['甲', '乙'] });
  await embedPage(again, server.base, `<div data-tongxin="poll" data-id="${p.id}" data-api="${server.base}/api" data-lang="zh-CN"></div>`);
  const w = widget(again, p.id);
  await w.locator('.tx-title').waitFor();
  await context.setOffline(true);
  await w.getByRole('radio', { name: '甲' }).check();
  await w.getByRole('button', { name: '投票', exact: true }).click();
  await w.getByText('已保存在本机，联网后会自动提交。').waitFor();
  await staff(server.base, 'PATCH', `/polls/${p.id}`, { close_now: true });
  await context.setOffline(false);
  await w.getByText('您离线时保存的内容未能提交：投票已结束。').waitFor();
  assert.equal((await api(server.base, `/polls/${p.id}/count`)).ballots, 0);
  await shot(again, '14-offline-refused');
  await context.close();
});

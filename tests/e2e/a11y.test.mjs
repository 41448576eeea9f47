// Accessibility, as a tester with axe-core, a keyboard and a phone would
// check it, in Debian's Chromium against the real server:
// - axe-core (WCAG 2.1 A/AA + best practice) inside every widget's shadow
//   root, in each state (polls of every kind before and after voting,
//   hidden results, closed; the convention with errors, signed, withdrawn;
//   the board, each step's proposal, the pledge form with errors, the
//   ledger), in light, dark, high-contrast and forced colours, at 360×740
//   and 1280×800: no violations;
// - keyboard only: every flow, where the focus is after each step, and that
//   the focus ring reads at ≥ 3:1 against what is behind it;
// - 200 % text and 200 % zoom at 360 px: nothing outside its card, no
//   horizontal scroll, every control reachable;
// - host accents (yellow, light blue, near-black) stay readable: axe again.
// Screenshots of each theme and of large text: test-output/e2e/a11y-*.png
// (the README's come from a11y-poll-*.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launch, shot, noHorizontalScroll, widget, embedPage, audit, OUT } from './lib.mjs';

const THEMES = ['light', 'dark', 'high-contrast', 'forced'];
const SIZES = [{ width: 360, height: 740 }, { width: 1280, height: 800 }];

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

/** A page in `theme` at `size` (the demo site's CSP allows no injected script; Playwright bypasses it for axe). */
async function open(theme, size = SIZES[0], extra = {}) {
  const context = await browser.newContext({
    viewport: size, locale: 'zh-CN', bypassCSP: true,
    colorScheme: theme === 'dark' ? 'dark' : 'light',
    forcedColors: theme === 'forced' ? 'active' : 'none',
    ...extra,
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  if (theme === 'high-contrast') {
    await page.addInitScript(() => {
      new MutationObserver(() => {
        for (const el of document.querySelectorAll('[data-tongxin]:not([data-theme])')) el.dataset.theme = 'high-contrast';
      }).observe(document, { childList: true, subtree: true });
    });
  }
  return { context, page, errors };
}

/** The element with the focus, through shadow roots, described for asserts. */
async function focused(page) {
  return page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    if (!el) return null;
    return { tag: el.tagName.toLowerCase(), id: el.id, text: (el.textContent || '').trim().slice(0, 40), label: el.getAttribute('aria-label') || '' };
  });
}

/** Waits until the element with the focus (through shadow roots) matches `selector` (and contains `text`). */
async function waitForFocus(page, selector, text = '', options = {}) {
  await page.waitForFunction(([sel, t]) => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return !!el?.matches(sel) && el.textContent.includes(t);
  }, [selector, text], options);
}

/**
 * The focus ring of the focused control: its width and its contrast with
 * the background behind it (the segment's ring is drawn on its label).
 */
async function ring(page) {
  return page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    const target = el.closest('.tx-segment') ? el.nextElementSibling : el;
    const style = getComputedStyle(target);
    const ctx = document.createElement('canvas').getContext('2d');
    const rgb = (c) => {
      ctx.clearRect(0, 0, 1, 1);
      ctx.fillStyle = '#000';
      ctx.fillStyle = c;
      ctx.fillRect(0, 0, 1, 1);
      const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
      return { r, g, b, a };
    };
    // What is behind the ring: the first opaque background outside the control.
    let bg = null;
    for (let n = target.parentElement || target.getRootNode().host; n; n = n.parentElement || n.getRootNode().host) {
      const c = rgb(getComputedStyle(n).backgroundColor);
      if (c.a > 200) { bg = c; break; }
    }
    bg = bg || { r: 255, g: 255, b: 255 };
    const lum = ({ r, g, b }) => [r, g, b].map((v) => v / 255).map((v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
      .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
    const [a, b] = [lum(rgb(style.outlineColor)), lum(bg)];
    return { style: style.outlineStyle, width: parseFloat(style.outlineWidth), contrast: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) };
  });
}

async function assertRing(page, what) {
  const r = await ring(page);
  assert.notEqual(r.style, 'none', `${what}: a focus ring is drawn`);
  assert.ok(r.width >= 2, `${what}: the ring is ${r.width}px`);
  assert.ok(r.contrast >= 3, `${what}: the ring's contrast is ${r.contrast.toFixed(2)}:1`);
}

async function press(page, ...keys) {
  for (const k of keys) await page.keyboard.press(k);
}

/** Tabs until the focus is on something matching `pred` (at most `max` presses). */
async function tabTo(page, pred, max = 40, key = 'Tab') {
  for (let i = 0; i < max; i++) {
    const f = await focused(page);
    if (f && pred(f)) return f;
    await page.keyboard.press(key);
  }
  throw new Error(`never reached: ${pred}; last focus ${JSON.stringify(await focused(page))}`);
}

const VOTE = (f) => f.tag === 'button' && f.text === '投票';

/** Votes in polls 1–6 with the keyboard only, checking the focus after each step. */
async function voteByKeyboard(page) {
  const start = async (id, selector) => {
    await widget(page, id).locator(selector).first().focus();
  };
  // 1 approval: segmented radios per option.
  await start(1, 'input[type=radio]');
  await assertRing(page, 'approval segment');
  await press(page, 'Space');
  // 2 score: arrows move within the group.
  await start(2, 'input[type=radio]');
  await press(page, 'ArrowRight');
  await assertRing(page, 'score segment');
  // 3 single: arrows pick the next time.
  await start(3, 'input[type=radio]');
  await press(page, 'ArrowDown');
  await assertRing(page, 'single radio');
  // 4 multiple: Space ticks.
  await start(4, 'input[type=checkbox]');
  await press(page, 'Space', 'Tab', 'Tab', 'Space');
  await assertRing(page, 'checkbox');
  // 5 ranked: a row moves with the arrow keys and keeps the focus.
  await start(5, '.tx-rank-row');
  await assertRing(page, 'ranking row');
  const first = await widget(page, 5).locator('.tx-rank-label').first().textContent();
  await press(page, 'ArrowDown');
  assert.equal(await widget(page, 5).locator('.tx-rank-label').nth(1).textContent(), first);
  // The row is drawn anew in its place; the focus follows it once drawn.
  await waitForFocus(page, '[id^="tx-rank-5-"]', '', { timeout: 5000 }).catch(() => {});
  assert.match((await focused(page)).id, /^tx-rank-5-/, 'the moved row keeps the focus');
  // 6 dot vote: + buttons.
  await start(6, 'button[aria-label^="给"]');
  await assertRing(page, 'dot + button');
  await press(page, 'Enter', 'Enter');
  for (const id of [1, 2, 3, 4, 5, 6]) {
    const w = widget(page, id);
    await w.locator('button[type=submit]').focus();
    assert.ok(VOTE(await focused(page)), `poll ${id}: the vote button has the focus`);
    await assertRing(page, `poll ${id} vote button`);
    await press(page, 'Enter');
    await w.getByText('您已投票，谢谢参与！').waitFor();
    await waitForFocus(page, `#tx-voted-${id}`, '', { timeout: 5000 }).catch(() => {});
    assert.equal((await focused(page)).id, `tx-voted-${id}`, `poll ${id}: after voting the focus is on "voted"`);
  }
}

test('polls: axe finds nothing in any theme or size, before and after voting, hidden and closed', async () => {
  for (const theme of THEMES) {
    for (const size of SIZES) {
      const { context, page, errors } = await open(theme, size);
      await page.goto(`${server.base}/polls.html`);
      for (const id of [1, 2, 3, 4, 5, 6, 7]) await widget(page, id).locator('.tx-title').waitFor();
      const label = `polls ${theme} ${size.width}px`;
      await audit(page, `${label}, before voting (poll 7 closed; hidden results)`);
      if (size.width === 360) await widget(page, 4).screenshot({ path: join(OUT, `a11y-poll-${theme}.png`) });
      // Voting changes device: a fresh context is a fresh device.
      await voteByKeyboard(page);
      for (const id of [1, 2, 3, 4, 5, 6]) await widget(page, id).locator('.tx-results, .tx-hidden-results').first().waitFor();
      await audit(page, `${label}, after voting`);
      assert.deepEqual(errors, []);
      await context.close();
    }
  }
});

test('polls: names tell the regions and bars apart; English halves are marked lang="en"', async () => {
  const { context, page } = await open('light');
  await page.goto(`${server.base}/polls.html`);
  await widget(page, 7).locator('.tx-results').waitFor();
  const names = await page.evaluate(() => [...document.querySelectorAll('[data-tongxin]')]
    .flatMap((h) => [...h.shadowRoot.querySelectorAll('section.tx-results')].map((s) => s.getAttribute('aria-label'))));
  assert.ok(names.length > 0 && new Set(names).size === names.length, `unique results names: ${names}`);
  assert.ok(names.every((n) => n.startsWith('结果：')), names.join(' | '));
  // Every run of Latin words inside these Chinese widgets carries lang="en".
  const unmarked = await page.evaluate(() => {
    const out = [];
    for (const h of document.querySelectorAll('[data-tongxin]')) {
      const walk = document.createTreeWalker(h.shadowRoot, NodeFilter.SHOW_TEXT);
      for (let n = walk.nextNode(); n; n = walk.nextNode()) {
        const lang = n.parentElement.closest('[lang]')?.getAttribute('lang');
        const style = getComputedStyle(n.parentElement);
        if (/[A-Za-z]{3,}/.test(n.data) && lang !== 'en' && style.display !== 'none') out.push(n.data.trim());
      }
    }
    return out;
  });
  assert.deepEqual(unmarked, [], 'English text without lang="en"');
  await context.close();
});

test('in English: axe finds nothing in light or dark at 360 px, and Chinese runs carry lang="zh-CN"', async () => {
  for (const theme of ['light', 'dark']) {
    const { context, page, errors } = await open(theme, SIZES[0], { locale: 'en' });
    const polls = [1, 2, 3, 4, 5, 6, 7].map((i) => `<div data-tongxin="poll" data-id="${i}" data-lang="en"></div>`).join('');
    await embedPage(page, server.base, `${polls}<div data-tongxin="convention" data-id="1" data-lang="en"></div>
      <div data-tongxin="proposals" data-lang="en"></div>`);
    for (const id of [1, 2, 3, 4, 5, 6, 7]) await widget(page, id).locator('.tx-title').waitFor();
    await page.locator('[data-tongxin="convention"] .tx-sig').first().waitFor();
    await page.locator('[data-tongxin="proposals"] .tx-proposal-card').first().waitFor();
    await audit(page, `English, ${theme}`, { bare: true });
    const unmarked = await page.evaluate(() => {
      const out = [];
      for (const h of document.querySelectorAll('[data-tongxin]')) {
        const walk = document.createTreeWalker(h.shadowRoot, NodeFilter.SHOW_TEXT);
        for (let n = walk.nextNode(); n; n = walk.nextNode()) {
          if (/[\u4e00-\u9fff]/.test(n.data) && n.parentElement.closest('[lang]')?.getAttribute('lang') !== 'zh-CN') out.push(n.data.trim());
        }
      }
      return out;
    });
    assert.deepEqual(unmarked, [], 'Chinese text without lang="zh-CN" in English widgets');
    assert.ok(await noHorizontalScroll(page));
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('any host accent stays readable: yellow, light blue and near-black accents pass axe in light, dark and high contrast', async () => {
  for (const accent of ['#f5d000', '#8ab4f8', '#1b1b1b']) {
    for (const theme of ['light', 'dark', 'high-contrast']) {
      const { context, page, errors } = await open(theme);
      const attr = theme === 'high-contrast' ? ' data-theme="high-contrast"' : '';
      await embedPage(page, server.base, `<div data-tongxin="poll" data-id="4"${attr} style="--tongxin-accent: ${accent}"></div>
        <div data-tongxin="proposals"${attr} style="--tongxin-accent: ${accent}"></div>`);
      await widget(page, 4).locator('.tx-title').waitFor();
      await page.locator('[data-tongxin="proposals"] .tx-proposal-card').first().waitFor();
      await widget(page, 4).getByRole('checkbox').first().check();
      await audit(page, `accent ${accent}, ${theme}`, { bare: true });
      assert.deepEqual(errors, []);
      await context.close();
    }
  }
});

test('convention: errors, signing and withdrawal by keyboard; axe in every theme and size', async () => {
  for (const theme of THEMES) {
    for (const size of SIZES) {
      const { context, page, errors } = await open(theme, size);
      const label = `convention ${theme} ${size.width}px`;
      await page.goto(`${server.base}/square.html`);
      const w = widget(page, 1, 'convention');
      const sign = w.getByRole('button', { name: '签署', exact: true });
      await sign.waitFor();
      await audit(page, `${label}, unsigned`);
      // Submitting empty: the focus lands on the first field to fix, marked invalid.
      await sign.focus();
      await press(page, 'Enter');
      await waitForFocus(page, '#tx-display_name');
      assert.equal(await w.locator('#tx-display_name').getAttribute('aria-invalid'), 'true');
      assert.equal(await w.locator('input[name="tx-unit"]').first().getAttribute('aria-invalid'), 'true');
      await audit(page, `${label}, with errors`);
      if (size.width === 360) await shot(page, `a11y-convention-errors-${theme}`);
      await assertRing(page, 'name field');
      await page.keyboard.type('张桂芳');
      assert.equal(await w.locator('#tx-display_name').getAttribute('aria-invalid'), 'true', 'still invalid until sent again');
      await w.locator('input[name="tx-unit"]').first().focus();
      await press(page, 'Space');
      await assertRing(page, 'unit radio');
      await w.locator('#tx-agreed input').focus();
      await press(page, 'Space');
      await assertRing(page, 'agreement checkbox');
      await sign.focus();
      await press(page, 'Enter');
      await w.locator('#tx-signed').waitFor();
      await waitForFocus(page, '#tx-signed');
      await audit(page, `${label}, signed`);
      // Withdraw, confirm: the focus goes to "withdrawn".
      await w.getByRole('button', { name: '撤回签名' }).focus();
      await press(page, 'Enter');
      await w.getByRole('button', { name: '确定撤回' }).focus();
      await press(page, 'Enter');
      await w.locator('#tx-withdrawn').waitFor();
      await waitForFocus(page, '#tx-withdrawn');
      await audit(page, `${label}, withdrawn`);
      assert.deepEqual(errors, []);
      await context.close();
    }
  }
});

/** The board's card whose title contains `text`, opened by keyboard; returns the detail. */
async function openCard(page, text) {
  const b = page.locator('[data-tongxin="proposals"]');
  const open = b.locator('.tx-card-open', { hasText: text });
  await open.focus();
  await assertRing(page, `card "${text}"`);
  await press(page, 'Enter');
  const detail = b.locator('.tx-proposal');
  await detail.locator('.tx-timeline-box').waitFor();
  await waitForFocus(page, 'h2');
  assert.match((await focused(page)).text, new RegExp(text), 'the detail\'s title has the focus');
  return detail;
}

/** Back to the list by keyboard: the focus returns to the card. */
async function backToList(page, text) {
  // Right after opening, the back button is one Shift+Tab from the title;
  // from deeper in the page it is focused directly.
  const back = page.locator('[data-tongxin="proposals"]').getByRole('button', { name: '← 返回列表' });
  const f = await focused(page);
  if (f?.tag === 'h2') await press(page, 'Shift+Tab');
  else await back.focus();
  assert.ok((await focused(page)).text.startsWith('← 返回列表'));
  await press(page, 'Enter');
  await waitForFocus(page, '.tx-card-open', text);
}

test('proposals: board and every step by keyboard, focus in and back; axe in every theme and size', async () => {
  const steps = ['南强街巷背街路灯', '电动车充电棚', '广场增设休息座椅', '老年活动室添置桌椅', '明通巷47号院公厕改造'];
  for (const theme of THEMES) {
    for (const size of SIZES) {
      const { context, page, errors } = await open(theme, size);
      const label = `proposals ${theme} ${size.width}px`;
      // The board is not a widget with an id: match it by its kind.
      await page.goto(`${server.base}/proposals.html`);
      const b = page.locator('[data-tongxin="proposals"]');
      await b.locator('.tx-proposal-card').first().waitFor();
      await audit(page, `${label}, board`);
      if (size.width === 360) await shot(page, `a11y-board-${theme}`);
      for (const text of steps) {
        const detail = await openCard(page, text);
        await audit(page, `${label}, ${text}`);
        await detail.evaluate((d) => d.scrollIntoView());
        await backToList(page, text);
      }
      // The pledge form with errors, and the ledger, on the evaluated project.
      const detail = await openCard(page, '明通巷47号院公厕改造');
      const amount = detail.getByLabel('认捐金额（元）');
      if (await amount.count()) {
        await amount.focus();
        await page.keyboard.type('abc');
        await tabTo(page, (f) => f.tag === 'button' && f.text === '认捐', 10);
        await press(page, 'Enter');
        await detail.locator('#tx-amount_fen[aria-invalid="true"]').waitFor();
        await audit(page, `${label}, pledge form with errors`);
      }
      await detail.locator('.tx-table-wrap').focus();
      await assertRing(page, 'ledger scroller');
      if (size.width === 360) await shot(page, `a11y-proposal-${theme}`);
      assert.deepEqual(errors, []);
      await context.close();
    }
  }
});

/**
 * The board in light, with its first card opened; the board's reloads from
 * now on are held until `release()` lets them through and waits until the
 * answer is drawn and its focus move (a zero timer) has run.
 */
async function boardWithHeldReload() {
  const opened = await open('light');
  const { page } = opened;
  await page.goto(`${server.base}/proposals.html`);
  await page.locator('[data-tongxin="proposals"] .tx-proposal-card').first().waitFor();
  await openCard(page, '南强街巷背街路灯');
  let letThrough;
  const held = new Promise((r) => { letThrough = r; });
  let seen = false;
  await page.route(/\/api\/v1\/proposals\?/, async (route) => {
    seen = true;
    await held;
    await route.continue();
  });
  const release = async () => {
    const reloaded = page.waitForResponse(/\/api\/v1\/proposals\?/);
    letThrough();
    await reloaded;
    for (let i = 0; i < 2; i++) {
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
    }
  };
  return { ...opened, seen: () => seen, release };
}

test('proposals: a list reloaded behind the resident leaves the focus on the card they moved to', async () => {
  const { context, page, errors, seen, release } = await boardWithHeldReload();
  // The reload is held until the resident has moved on to another card.
  await backToList(page, '南强街巷背街路灯');
  const other = page.locator('[data-tongxin="proposals"] .tx-card-open', { hasText: '电动车充电棚' });
  await other.focus();
  await waitForFocus(page, '.tx-card-open', '电动车充电棚');
  assert.ok(seen(), 'the board reloads when the resident comes back');
  await release();
  const f = await focused(page);
  assert.match(f.text, /电动车充电棚/, `the focus stays on the card the resident moved to (it is on "${f.text}")`);
  // And Enter opens that one.
  await press(page, 'Enter');
  await page.locator('[data-tongxin="proposals"] .tx-proposal h2', { hasText: '电动车充电棚' }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('proposals: a slow reload that lands while another proposal is open still lets the focus come back to that card', async () => {
  const { context, page, errors, release } = await boardWithHeldReload();
  // The reload coming back starts is held until the next proposal is open.
  await backToList(page, '南强街巷背街路灯');
  await openCard(page, '电动车充电棚');
  await release();
  // Back from the second proposal, the focus is on its card.
  await backToList(page, '电动车充电棚');
  assert.deepEqual(errors, []);
  await context.close();
});

test('proposals by keyboard: support, comment, pledge and rate; the focus lands on each answer', async () => {
  const { context, page, errors } = await open('light');
  await page.goto(`${server.base}/proposals.html`);
  await page.locator('[data-tongxin="proposals"] .tx-proposal-card').first().waitFor();
  // 提议: support.
  let detail = await openCard(page, '南强街巷背街路灯');
  const before = (await focused(page)).text;
  await detail.locator('.tx-support').focus();
  await press(page, 'Enter');
  await detail.getByText('您已支持').waitFor();
  const after = await focused(page);
  assert.ok(after && after.tag !== 'body', `focus stays in the proposal after supporting (was "${before}")`);
  await backToList(page, '南强街巷背街路灯');
  // 群议: comment.
  detail = await openCard(page, '广场增设休息座椅');
  await detail.locator('#tx-author_name').focus();
  await page.keyboard.type('李*');
  await press(page, 'Tab');
  await page.keyboard.type('东侧树荫下更好。');
  await tabTo(page, (f) => f.tag === 'button' && f.text === '发表', 6);
  await press(page, 'Enter');
  await detail.locator('#tx-comment-sent').waitFor();
  await waitForFocus(page, '#tx-comment-sent');
  await backToList(page, '广场增设休息座椅');
  // 评议: pledge and rate.
  detail = await openCard(page, '明通巷47号院公厕改造');
  const amount = detail.getByLabel('认捐金额（元）');
  if (await amount.count()) {
    await amount.focus();
    await page.keyboard.type('50');
    await tabTo(page, (f) => f.tag === 'button' && f.text === '认捐', 10);
    await press(page, 'Enter');
    await waitForFocus(page, '#tx-pledged');
  }
  const rate = detail.locator('#tx-evaluate input[type=radio]').first();
  await rate.focus();
  await press(page, 'ArrowRight');
  await assertRing(page, 'rating segment');
  await tabTo(page, (f) => f.tag === 'button' && f.text === '提交评价', 10);
  await press(page, 'Enter');
  await waitForFocus(page, '#tx-evaluated');
  // The timeline speaks words, never action codes.
  const timeline = await detail.locator('.tx-timeline').textContent();
  assert.doesNotMatch(timeline, /advance|decide|record_delivery|withdraw|reject|merge/);
  assert.deepEqual(errors, []);
  await context.close();
});

/** Whether anything inside a widget sticks out of its card or is cut off. */
async function overflow(page) {
  return page.evaluate(() => {
    const out = [];
    for (const h of document.querySelectorAll('[data-tongxin]')) {
      const card = h.getBoundingClientRect();
      for (const el of h.shadowRoot.querySelectorAll('button, input, select, textarea, label, .tx-rank-label, .tx-dot-label, .tx-title')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;
        if (el.closest('.tx-sr-only') || getComputedStyle(el).opacity === '0') continue;
        if (r.left < card.left - 1 || r.right > card.right + 1) out.push(`${el.tagName} "${(el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 20)}" ${Math.round(r.left)}–${Math.round(r.right)} outside ${Math.round(card.left)}–${Math.round(card.right)}`);
        // One character per line: a label narrower than two characters.
        if (el.matches('.tx-rank-label, .tx-dot-label, label') && el.textContent.trim().length > 3 && r.width < 2.2 * parseFloat(getComputedStyle(el).fontSize)) out.push(`"${el.textContent.trim().slice(0, 20)}" squeezed to ${Math.round(r.width)}px`);
      }
    }
    return out;
  });
}

test('200 % text and 200 % zoom at 360 px: nothing outside its card, no sideways scroll; data-size="large" targets ≥ 48 px', async () => {
  for (const [name, size, setup] of [
    ['text-200', { width: 360, height: 740 }, () => { document.documentElement.style.fontSize = '200%'; }],
    // 200 % browser zoom on a 360 px phone lays out a 180 CSS px viewport.
    ['zoom-200', { width: 180, height: 370 }, () => {}],
  ]) {
    for (const path of ['polls.html', 'square.html', 'proposals.html']) {
      const { context, page } = await open('light', size, { deviceScaleFactor: name === 'zoom-200' ? 2 : 1 });
      await page.goto(`${server.base}/${path}`);
      await page.locator('[data-tongxin]').first().locator('.tx-title').first().waitFor();
      await page.evaluate(setup);
      await page.waitForTimeout(300);
      assert.ok(await noHorizontalScroll(page), `${name} ${path}: no horizontal scroll`);
      assert.deepEqual(await overflow(page), [], `${name} ${path}`);
      if (path === 'polls.html') {
        // Text people act on grows with the page's text size.
        const px = await widget(page, 3).locator('.tx-option span').first().evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
        assert.ok(px >= (name === 'text-200' ? 32 : 16), `${name}: option labels are ${px}px`);
        await shot(page, `a11y-${name}`);
      }
      await context.close();
    }
  }
  // The large-text option, on a bare host page.
  const { context, page } = await open('light');
  await page.goto(`${server.base}/polls.html`);
  await page.evaluate(() => { for (const h of document.querySelectorAll('[data-tongxin]')) h.dataset.size = 'large'; });
  const w = widget(page, 3);
  await w.locator('.tx-option').first().waitFor();
  const targets = await page.evaluate(() => [...document.querySelectorAll('[data-tongxin]')].flatMap((h) => [...h.shadowRoot.querySelectorAll('button, .tx-option, .tx-segment span, .tx-input')]
    .map((e) => e.getBoundingClientRect()).filter((r) => r.width > 0).map((r) => Math.min(r.width, r.height))));
  assert.ok(targets.length > 10 && targets.every((t) => t >= 48), `large targets: ${Math.min(...targets)}px smallest`);
  assert.deepEqual(await overflow(page), []);
  assert.ok(await noHorizontalScroll(page));
  await widget(page, 4).screenshot({ path: join(OUT, 'a11y-poll-large.png') });
  await context.close();
  // Touch targets at the normal size: ≥ 44 × 44 everywhere.
  const normal = await open('light');
  await normal.page.goto(`${server.base}/proposals.html`);
  const b = normal.page.locator('[data-tongxin="proposals"]');
  await b.locator('.tx-card-open').first().click();
  await b.locator('.tx-comments').waitFor();
  const small = await normal.page.evaluate(() => [...document.querySelector('[data-tongxin="proposals"]').shadowRoot.querySelectorAll('button, .tx-option, .tx-segment span, .tx-input')]
    .map((e) => [e.textContent.trim().slice(0, 12), e.getBoundingClientRect()]).filter(([, r]) => r.width > 0 && (r.width < 44 || r.height < 44)).map(([t, r]) => `${t} ${Math.round(r.width)}×${Math.round(r.height)}`));
  assert.deepEqual(small, [], 'targets under 44×44');
  await normal.context.close();
});

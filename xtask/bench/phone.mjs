// The phone benchmark (`cargo xtask phone`, also run by `cargo xtask bench`):
// each demo page family in Debian's headless Chromium under a mid-range
// phone on weak 4G — CPU 4× slower (CDP Emulation.setCPUThrottlingRate),
// 1.6 Mbps down / 750 kbps up, 150 ms round trip
// (Network.emulateNetworkConditions), 360×740, cache disabled — RUNS times
// each (default 5), median. Reports bytes transferred and the time from
// navigation to the first usable control, next to a floor page measured in
// the same run (a plain page fetching the same poll JSON and drawing
// radios), and a repeat visit with the cache on. Prints figures; never fails on them.
import { chromium } from 'playwright-core';

const base = process.argv[2];
const RUNS = Number(process.env.RUNS || 5);
const PROFILE = { latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8, offline: false };

/** Page → how to find its first usable control (inside the widget's shadow root, or the page). */
const PAGES = [
  { name: 'floor: plain page, same poll JSON', path: '/floor.html', host: null, control: 'input[type=radio]' },
  { name: 'one poll', path: '/poll.html', host: '[data-tongxin]', control: 'input:not([disabled])' },
  // The same poll with the <head> hints of the console's snippet (modulepreload, preload).
  { name: 'one poll, with the snippet\'s hints', path: '/poll-hints.html', host: '[data-tongxin]', control: 'input:not([disabled])' },
  { name: 'a poll beside a convention', path: '/poll-convention.html', host: '[data-tongxin="poll"]', control: 'input:not([disabled])' },
  { name: 'one convention', path: '/convention.html', host: '[data-tongxin]', control: 'input:not([disabled])' },
  { name: 'proposal board', path: '/board.html', host: '[data-tongxin]', control: '.tx-card-open' },
  { name: 'one proposal', path: '/proposal.html', host: '[data-tongxin]', control: 'button:not([disabled])' },
  { name: 'one poll through a mapping', path: '/poll-mapped.html', host: '[data-tongxin]', control: 'input:not([disabled])' },
  // Read-only: the first headline tile with its figure, and the period picker.
  { name: 'indicators board', path: '/indicators.html', host: '[data-tongxin]', control: '.tx-tile-value' },
  { name: 'budget round', path: '/budget.html', host: '[data-tongxin]', control: 'input[type=checkbox]' },
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function visit(page, cdp, p) {
  let bytes = 0;
  const onDone = (e) => { bytes += e.encodedDataLength; };
  cdp.on('Network.loadingFinished', onDone);
  await page.goto(`${base}${p.path}`, { waitUntil: 'commit' });
  const ms = await page.waitForFunction(({ host, control }) => {
    const root = host ? document.querySelector(host)?.shadowRoot : document;
    return root?.querySelector(control) ? performance.now() : null;
  }, { host: p.host, control: p.control }, { polling: 16, timeout: 60_000 }).then((h) => h.jsonValue());
  // Let requests the first control does not wait for (CSS, counts) finish.
  await page.waitForLoadState('networkidle').catch(() => {});
  cdp.off('Network.loadingFinished', onDone);
  return { ms, bytes };
}

/** `visit`, or a row of NaN naming the page when it times out (a loaded machine), so the other pages are still measured. */
async function measure(page, cdp, p) {
  try {
    return await visit(page, cdp, p);
  } catch (e) {
    console.error(`${p.name}: ${e.message.split('\n')[0]}`);
    return { ms: NaN, bytes: NaN };
  }
}

async function phoneContext(browser, cache) {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, locale: 'zh-CN', isMobile: true });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', PROFILE);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: !cache });
  return { context, page, cdp };
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const rows = [];
for (const p of PAGES) {
  const cold = [];
  for (let i = 0; i < RUNS; i++) {
    const { context, page, cdp } = await phoneContext(browser, false);
    cold.push(await measure(page, cdp, p));
    await context.close();
  }
  const warm = [];
  for (let i = 0; i < RUNS; i++) {
    const { context, page, cdp } = await phoneContext(browser, true);
    await measure(page, cdp, p);
    warm.push(await measure(page, cdp, p));
    await context.close();
  }
  rows.push({
    name: p.name,
    bytes: median(cold.map((r) => r.bytes)),
    ms: median(cold.map((r) => r.ms)),
    warmBytes: median(warm.map((r) => r.bytes)),
    warmMs: median(warm.map((r) => r.ms)),
  });
}
await browser.close();

const floor = rows[0];
console.log(`\n==== phone profile: CPU 4x slower, 1.6 Mbps / 750 kbps, 150 ms RTT, 360x740; median of ${RUNS} ====`);
console.log(`${'page'.padEnd(36)} ${'bytes'.padStart(9)} ${'first control'.padStart(14)} ${'x floor'.padStart(8)}   ${'repeat bytes'.padStart(12)} ${'repeat'.padStart(8)}`);
for (const r of rows) {
  console.log(`${r.name.padEnd(36)} ${String(r.bytes).padStart(9)} ${(r.ms / 1000).toFixed(2).padStart(12)} s ${(r.ms / floor.ms).toFixed(1).padStart(7)}x   ${String(r.warmBytes).padStart(12)} ${(r.warmMs / 1000).toFixed(2).padStart(6)} s`);
}
console.log('targets: one poll <= 1.5 s and <= 2.5x the floor; proposal board <= 2.0 s');

// The one binary a community copies: `cargo install` of tongxin-server
// (TONGXIN_INSTALLED_BIN, installed by `cargo xtask test`) started from an
// empty directory with only `--demo`, no www/, bundle or examples beside
// it: the demo site, its pages and a working widget all come from inside.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, phone, startServer, widget } from './lib.mjs';

const BIN = process.env.TONGXIN_INSTALLED_BIN;
let server;
let browser;
let empty;

before(async () => {
  assert.ok(BIN, 'TONGXIN_INSTALLED_BIN names the installed binary');
  empty = mkdtempSync(join(tmpdir(), 'tongxin-alone-'));
  server = await startServer({}, { bin: BIN, args: ['--demo'], cwd: empty });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

test('--version names the server and the contract', () => {
  const out = execFileSync(BIN, ['--version'], { encoding: 'utf8' });
  assert.match(out, /^tongxin-server \d+\.\d+\.\d+ \(REST contract \d+\.\d+\.\d+\)\n$/);
});

test('pages, the loader and a wasm bundle come out of the binary', async () => {
  // Only what the server itself wrote (its database) is in the directory.
  assert.deepEqual(readdirSync(empty), ['data']);
  for (const path of ['/', '/polls.html', '/square.html', '/proposals.html', '/examples/plain-html/']) {
    const r = await fetch(`${server.base}${path}`);
    assert.equal(r.status, 200, path);
    assert.match(r.headers.get('content-type'), /^text\/html; charset=utf-8/, path);
    // Built-in files carry an ETag from their hash (a directory would not).
    assert.ok(r.headers.get('etag'), `${path} is the built-in copy`);
  }
  const loader = await fetch(`${server.base}/tongxin/tongxin.js`, { headers: { 'accept-encoding': 'br' } });
  assert.equal(loader.status, 200);
  const manifest = await (await fetch(`${server.base}/tongxin/manifest.json`)).json();
  const wasm = await fetch(`${server.base}/tongxin/${manifest.bundles[0].wasm}`, { headers: { 'accept-encoding': 'br' } });
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  assert.equal(wasm.headers.get('content-encoding'), 'br');
  assert.match(wasm.headers.get('cache-control'), /immutable/);
  const etag = wasm.headers.get('etag');
  const again = await fetch(`${server.base}/tongxin/${manifest.bundles[0].wasm}`, {
    headers: { 'accept-encoding': 'br', 'if-none-match': etag },
  });
  assert.equal(again.status, 304);
  assert.equal((await fetch(`${server.base}/nothing-here.html`)).status, 404);
});

test('a resident votes on the polls page of the lone binary', async () => {
  const errors = [];
  const { context, page } = await phone(browser, errors);
  await page.goto(`${server.base}/polls.html`);
  const w = widget(page, 3);
  await w.getByRole('radio', { name: '21:30' }).check();
  await w.getByRole('button', { name: '投票', exact: true }).click();
  await w.getByText('您已投票，谢谢参与！').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

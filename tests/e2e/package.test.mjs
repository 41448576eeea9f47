// The npm package as an integrator gets it: the tarball `npm pack` made
// (`cargo xtask package`, TONGXIN_NPM_TARBALL) installed into a copy of
// examples/vite, `tsc --noEmit` over the example and over a file that uses
// every declared type, `vite build`, then a resident votes through the
// built site (served by the reference server as a community's own pages);
// the same with webpack 5 and a plain JavaScript entry, and with no build
// at all: a page importing node_modules/tongxin-widgets/index.js directly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { api, launch, phone, shot, startServer } from './lib.mjs';

const TARBALL = process.env.TONGXIN_NPM_TARBALL;
const WEBPACK = ['webpack@5.113.0', 'webpack-cli@7.3.1'];
let project;
let server;
let browser;

/** Runs `cmd` in the project, failing the test with its output. */
function run(cmd, args) {
  try {
    return execFileSync(cmd, args, { cwd: project, encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${e.stdout}\n${e.stderr}`);
  }
}

before(async () => {
  assert.ok(TARBALL, 'TONGXIN_NPM_TARBALL names the packed package (cargo xtask package)');
  project = mkdtempSync(join(tmpdir(), 'tongxin-vite-'));
  cpSync(resolve('examples/vite'), project, {
    recursive: true,
    filter: (src) => !/node_modules|dist/.test(src),
  });
  cpSync(resolve('packages/tongxin-widgets/test/every-type.ts'), join(project, 'src/every-type.ts'));
  const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
  manifest.dependencies['tongxin-widgets'] = `file:${resolve(TARBALL)}`;
  writeFileSync(join(project, 'package.json'), JSON.stringify(manifest, null, 2));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline']);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

test('the packed tarball holds the module, its types and only the files it names', () => {
  const installed = join(project, 'node_modules/tongxin-widgets');
  const files = readdirSync(installed);
  for (const f of ['index.js', 'index.d.ts', 'contract.d.ts', 'strings.d.ts', 'package.json', 'README.md']) {
    assert.ok(files.includes(f), `${f} in the package`);
  }
  const index = readFileSync(join(installed, 'index.js'), 'utf8');
  const named = [...index.matchAll(/new URL\("\.\/([^"]+)",\s*import\.meta\.url\)/g)].map((m) => m[1]);
  assert.ok(named.some((f) => f.endsWith('.wasm')) && named.some((f) => f.endsWith('.css')));
  for (const f of named) assert.ok(files.includes(f), `${f} named by index.js is in the package`);
  assert.ok(!files.some((f) => f.endsWith('.br') || f.endsWith('.gz')), 'no precompressed copies');
  const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  assert.match(pkg.version, /^\d+\.\d+\.\d+/);
  assert.equal(pkg.exports['.'].types, './index.d.ts');
});

test('tsc --noEmit passes on the example and on a file using every declared type', () => {
  run(join(project, 'node_modules/.bin/tsc'), ['--noEmit', '-p', '.']);
  // The checks bite: a wrong detail type is an error.
  writeFileSync(join(project, 'src/wrong.ts'), `import type { VotedDetail } from 'tongxin-widgets';
    export const id: string = ({} as VotedDetail).pollId;\n`);
  assert.throws(() => run(join(project, 'node_modules/.bin/tsc'), ['--noEmit', '-p', '.']), /TS2322/);
  writeFileSync(join(project, 'src/wrong.ts'), 'export {};\n');
});

test('vite build emits the widget files and a resident votes through the built site', async () => {
  run(join(project, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn']);
  const assets = readdirSync(join(project, 'dist/assets'));
  assert.ok(assets.some((f) => f.endsWith('.wasm')), `wasm emitted: ${assets.join(' ')}`);
  server = await startServer({}, { www: join(project, 'dist') });
  await voteThrough(`${server.base}/`, 'npm-vite-voted', async (page) => {
    // The widget files came from the site's own assets, not from /tongxin/.
    const wasm = await page.evaluate(() => performance.getEntriesByType('resource')
      .map((r) => new URL(r.name).pathname).filter((p) => p.endsWith('.wasm')));
    assert.ok(wasm.length > 0 && wasm.every((p) => p.startsWith('/assets/')), wasm.join(' '));
  });
});

/**
 * Votes on poll 3 on the page at `url`, waits for the page's own note from
 * its `tongxin:voted` handler, then runs `check(page)`.
 */
async function voteThrough(url, shotName, check = async () => {}) {
  const errors = [];
  const { context, page } = await phone(browser, errors);
  await page.goto(url);
  const poll = page.locator('#poll');
  await poll.getByRole('radio', { name: '21:00' }).check();
  const before = (await api(server.base, '/polls/3')).ballots;
  await poll.getByRole('button', { name: '投票', exact: true }).click();
  await poll.getByText('您已投票，谢谢参与！').waitFor();
  await page.getByRole('status').filter({ hasText: 'Poll 3: ballot counted' }).waitFor();
  assert.equal((await api(server.base, '/polls/3')).ballots, before + 1);
  await check(page);
  await shot(page, shotName);
  assert.deepEqual(errors, []);
  await context.close();
}

test('webpack 5 emits the widget files too and a resident votes through its build', async () => {
  run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefer-offline', ...WEBPACK]);
  writeFileSync(join(project, 'webpack-entry.js'), `import { mount } from 'tongxin-widgets';
const host = document.getElementById('poll');
const note = document.getElementById('note');
host.addEventListener('tongxin:voted', (e) => { note.textContent = 'Poll ' + e.detail.pollId + ': ballot counted'; });
mount(host, { widget: 'poll', id: 3, api: '/api', lang: 'zh-CN' });
`);
  writeFileSync(join(project, 'webpack.config.cjs'), `module.exports = {
  mode: 'production',
  entry: './webpack-entry.js',
  output: { path: __dirname + '/dist-webpack/app', filename: 'main.js', clean: true },
  performance: { hints: false },
};
`);
  run(join(project, 'node_modules/.bin/webpack'), ['--config', 'webpack.config.cjs']);
  const emitted = readdirSync(join(project, 'dist-webpack/app'));
  assert.ok(emitted.some((f) => f.endsWith('.wasm')), `wasm emitted: ${emitted.join(' ')}`);
  writeFileSync(join(project, 'dist-webpack/index.html'), `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>webpack</title></head>
<body><div id="poll"></div><p id="note" role="status"></p><script src="/app/main.js"></script></body></html>`);
  server?.stop();
  server = await startServer({}, { www: join(project, 'dist-webpack') });
  await voteThrough(`${server.base}/`, 'npm-webpack-voted');
});

test('no build step: a plain module script imports the installed package and a resident votes', async () => {
  writeFileSync(join(project, 'plain.js'), `import { mount } from './node_modules/tongxin-widgets/index.js';
const host = document.getElementById('poll');
host.addEventListener('tongxin:voted', (e) => { document.getElementById('note').textContent = 'Poll ' + e.detail.pollId + ': ballot counted'; });
mount(host, { widget: 'poll', id: 3, api: '/api', lang: 'zh-CN' });
`);
  writeFileSync(join(project, 'plain.html'), `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>plain</title></head>
<body><div id="poll"></div><p id="note" role="status"></p><script type="module" src="plain.js"></script></body></html>`);
  server?.stop();
  server = await startServer({}, { www: project });
  await voteThrough(`${server.base}/plain.html`, 'npm-plain-voted', async (page) => {
    const wasm = await page.evaluate(() => performance.getEntriesByType('resource')
      .map((r) => new URL(r.name).pathname).filter((p) => p.endsWith('.wasm')));
    assert.ok(wasm.length > 0 && wasm.every((p) => p.startsWith('/node_modules/tongxin-widgets/')), wasm.join(' '));
  });
});

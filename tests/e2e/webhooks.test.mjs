// Webhooks as a community's web developer sets them up, in Debian's
// Chromium at 360×740: staff register the site's endpoint in the console
// (网站通知), copy the secret shown once, and the worked example
// (examples/webhooks/receiver.mjs, a real Node process) verifies each
// delivery and prints the message for the residents' group; the console's
// delivery log shows it delivered.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startServer, launch, phone, shot, consoleSignIn, pick, freePort, admin, auditIn } from './lib.mjs';

let server;
let browser;
before(async () => {
  server = await startServer({ TONGXIN_SUPPORT_THRESHOLD: '2' });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  server?.stop();
});

test('staff register the site in the console; the example receiver verifies and prints', async () => {
  const errors = [];
  const { context, page } = await phone(browser, errors);
  await consoleSignIn(page, server.base, 'bijie.staff', 'demo-staff-password');
  errors.length = 0; // the console asks for a session before signing in (401)
  await page.getByRole('link', { name: '网站通知' }).click();
  await page.getByRole('heading', { name: '网站通知（Webhook）' }).waitFor();

  const port = await freePort();
  const url = `http://127.0.0.1:${port}/tongxin`;
  await pick(page, '哪个辖区的事情', '碧鸡社区');
  await page.getByLabel('接收地址（https://…）').fill(url);
  await page.getByRole('checkbox', { name: /提议获得足够附议/ }).check();
  await page.getByRole('button', { name: '登记' }).click();
  const secret = (await page.locator('.cx-secret-box code').textContent()).trim();
  assert.match(secret, /^whsec_[A-Za-z0-9+/=]+$/);
  await page.getByText(url).waitFor();
  await shot(page, 'webhooks-01-registered');
  await auditIn(browser, context, page, { width: 360, height: 740 }, 'console webhooks');

  // The site's endpoint: the worked example, as a developer would run it.
  const receiver = spawn(process.execPath, ['examples/webhooks/receiver.mjs', String(port)], {
    env: { ...process.env, TONGXIN_WEBHOOK_SECRET: secret },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  receiver.stdout.on('data', (d) => { printed += d; });
  await new Promise((resolve) => receiver.stderr.once('data', resolve)); // "listening on …"
  try {
    const scopes = await (await fetch(`${server.base}/api/v1/scopes`)).json();
    const bijie = scopes.find((s) => s.name === '碧鸡社区');
    const p = await admin(server.base, 'POST', '/proposals', {
      scope_id: bijie.id, title: '广场<b>加装</b>座椅', problem: '老人没有地方坐', plan: '加装十张座椅',
      estimated_cost_fen: 500000, proposer_name: '孙雨萌',
    });
    for (const device of ['webhook-e2e-resident-01', 'webhook-e2e-resident-02']) {
      const r = await fetch(`${server.base}/api/v1/proposals/${p.id}/supports`, { method: 'POST', headers: { 'x-tongxin-device': device } });
      assert.equal(r.status, 201);
    }
    for (let i = 0; i < 200 && !printed.includes('【百姓点菜】'); i++) await new Promise((r) => setTimeout(r, 50));
    assert.match(printed, /【百姓点菜】「广场<b>加装<\/b>座椅」已获 2 位居民附议/);

    // The delivery log says delivered.
    await page.getByRole('button', { name: '投递记录' }).first().click();
    await page.getByRole('cell', { name: '已送达' }).waitFor();
    await shot(page, 'webhooks-02-delivered');
  } finally {
    receiver.kill();
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('a forged or replayed delivery is refused by the example receiver', async () => {
  const port = await freePort();
  const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
  const receiver = spawn(process.execPath, ['examples/webhooks/receiver.mjs', String(port)], {
    env: { ...process.env, TONGXIN_WEBHOOK_SECRET: secret },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise((resolve) => receiver.stderr.once('data', resolve));
  try {
    const body = JSON.stringify({ type: 'poll.closed', timestamp: '2026-12-07T00:00:00Z', data: { title: 'x', ballots: 1 } });
    const now = Math.floor(Date.now() / 1000);
    const post = (headers) => fetch(`http://127.0.0.1:${port}/tongxin`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    assert.equal((await post({ 'webhook-id': 'msg_1', 'webhook-timestamp': String(now), 'webhook-signature': 'v1,AAAA' })).status, 401);
    const { createHmac } = await import('node:crypto');
    const sign = (ts) => `v1,${createHmac('sha256', Buffer.from(secret.slice(6), 'base64')).update(`msg_1.${ts}.${body}`).digest('base64')}`;
    assert.equal((await post({ 'webhook-id': 'msg_1', 'webhook-timestamp': String(now - 3600), 'webhook-signature': sign(now - 3600) })).status, 400, 'stale');
    assert.equal((await post({ 'webhook-id': 'msg_1', 'webhook-timestamp': String(now), 'webhook-signature': sign(now) })).status, 204);
  } finally {
    receiver.kill();
  }
});

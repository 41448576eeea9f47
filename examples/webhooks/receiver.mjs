// A community site's webhook endpoint, in plain Node (no packages): it
// checks each delivery's Standard Webhooks signature with the secret the
// console showed once, drops replays and stale deliveries, and prints a
// message the community could forward to its residents' group chat.
//
//   TONGXIN_WEBHOOK_SECRET=whsec_… node examples/webhooks/receiver.mjs [port]
//
// Register http://<this host>:<port>/tongxin in the console (网站通知) or
// with POST /api/v1/admin/webhooks. A server refuses private and loopback
// addresses unless started with --webhook-allow-private (--demo on
// loopback allows loopback).
import { createServer } from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';

const secret = process.env.TONGXIN_WEBHOOK_SECRET ?? '';
if (!secret.startsWith('whsec_')) {
  console.error('set TONGXIN_WEBHOOK_SECRET to the whsec_… secret shown when the endpoint was registered');
  process.exit(2);
}
const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
const port = Number(process.argv[2] ?? 8787);

/** Whether `signatures` (space-separated `v1,<base64>`) holds the HMAC of `id.timestamp.body`. */
function verify(id, timestamp, body, signatures) {
  const want = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return String(signatures).split(' ').some((s) => {
    const [v, sig] = s.split(',');
    const got = Buffer.from(sig ?? '', 'base64');
    return v === 'v1' && got.length === want.length && timingSafeEqual(got, want);
  });
}

const fen = (n) => `${(n / 100).toFixed(2)} 元`;
const when = (ms) => new Date(ms).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });

/** The message for the residents' group, or null for events the group does not need. */
function message({ type, data }) {
  switch (type) {
    case 'poll.opened': return `【投票开始】${data.title}${data.closes_at ? `，${when(data.closes_at)} 截止` : ''}。请大家参与！`;
    case 'poll.closing_soon': return `【明天截止】${data.title} 将于 ${when(data.closes_at)} 截止，还没投票的居民请抓紧。`;
    case 'poll.closed': {
      const top = data.results?.options?.slice().sort((a, b) => b.count - a.count)[0];
      return `【投票结束】${data.title}：共 ${data.ballots} 份。${top ? `得票最多：${top.label}（${top.count} 票）。` : '结果稍后公布。'}`;
    }
    case 'budget.decided': return `【社区资金】${data.title} 已有结果：共 ${data.ballots} 份选票${data.spent_fen != null ? `，安排 ${fen(data.spent_fen)}` : ''}。`;
    case 'convention.goal_reached': return `【公约】${data.title} 签署已达 ${data.count} 人，达到目标！`;
    case 'proposal.threshold_reached': return `【百姓点菜】「${data.title}」已获 ${data.supports} 位居民附议，进入合议。`;
    case 'proposal.step_changed': return `【百姓点菜】「${data.title}」进入下一步（${data.to}）。`;
    default: return null; // comment.reported and the like are for staff
  }
}

const seen = new Set(); // webhook-id: a retry of what was handled is acknowledged, not repeated

const server = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c) => { body += c; if (body.length > 1_000_000) req.destroy(); });
  req.on('end', () => {
    const id = req.headers['webhook-id'];
    const ts = Number(req.headers['webhook-timestamp']);
    if (req.method !== 'POST' || !id || !verify(id, ts, body, req.headers['webhook-signature'])) {
      res.writeHead(401).end();
      return;
    }
    if (Math.abs(Date.now() / 1000 - ts) > 300) { // older than 5 minutes: a replay
      res.writeHead(400).end();
      return;
    }
    res.writeHead(204).end();
    if (seen.has(id)) return;
    seen.add(id);
    const text = message(JSON.parse(body));
    if (text) console.log(text);
  });
});
server.listen(port, '127.0.0.1', () => console.error(`listening on http://127.0.0.1:${port}/tongxin`));

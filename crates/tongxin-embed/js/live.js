// ---- Tongxin live figures (appended to the bundles of widgets that follow
// their items: poll, convention, proposals; see `cargo xtask bundle`) ----
{
// __tongxinLive(url, key, everyMs, news) → stop(): the widgets of
// every bundle on the page share one EventSource per stream URL (browsers
// keep at most six connections per origin over HTTP/1.1). `key` names the
// topic on the reference server's page stream (`poll:7`; the events carry
// the figures: news(json)); an empty key follows a mapped backend's own
// stream (any message: news(null), "read again"); no URL: news(null) every
// `everyMs` while the page is shown. A stream the server refuses (503,
// 404, not an event stream) falls back to news(null) on a timer that
// doubles up to 4 min, trying the stream again each time. A hidden page
// holds no stream; shown again, it reconnects with the last event id and
// hears only what changed meanwhile.
const streams = new Map();
const shown = () => document.visibilityState !== 'hidden';
// News reaches a widget at most every CALM ms, the latest of what came
// meanwhile: a count in a polite live region is then read out at most
// that often, and a meeting's stream of ballots does not talk over
// whatever a screen-reader user is reading.
const CALM = 5000;
function tell(s, k, data) {
  const c = s.calm.get(k) ?? { at: 0 };
  s.calm.set(k, c);
  c.data = data;
  if (c.soon) return;
  const go = () => {
    c.soon = 0;
    c.at = Date.now();
    for (const f of s.subs.get(k) ?? []) f(c.data);
  };
  const wait = c.at + CALM - Date.now();
  if (wait > 0) c.soon = setTimeout(go, wait);
  else go();
}
function shut(s) {
  s.es?.close();
  s.es = null;
  clearTimeout(s.timer);
}
function open(s) {
  shut(s);
  if (!shown() || !s.subs.size) return;
  const keys = [...s.subs.keys()].filter(Boolean);
  const q = [];
  if (keys.length) q.push(`topics=${encodeURIComponent(keys.join(','))}`);
  if (s.last) q.push(`last_event_id=${encodeURIComponent(s.last)}`);
  const es = s.es = new EventSource(q.length ? `${s.url}${s.url.includes('?') ? '&' : '?'}${q.join('&')}` : s.url);
  const heard = (k, data) => (e) => {
    s.last = e.lastEventId;
    tell(s, k, data ? e.data : null);
  };
  for (const k of keys) es.addEventListener(k, heard(k, true));
  es.onmessage = heard('', false);
  es.onopen = () => { s.wait = s.every; };
  es.onerror = () => {
    if (es.readyState !== EventSource.CLOSED) return; // reconnecting by itself
    shut(s);
    s.timer = setTimeout(() => {
      for (const k of s.subs.keys()) tell(s, k, null);
      open(s);
    }, s.wait);
    s.wait = Math.min(s.wait * 2, 240000);
  };
}
function follow(url, key, every, news) {
  if (!url) {
    const t = setInterval(() => shown() && news(null), every);
    return () => clearInterval(t);
  }
  let s = streams.get(url);
  if (!s) streams.set(url, s = { url, subs: new Map(), calm: new Map(), every, wait: every });
  s.every = s.wait = Math.min(s.every, every);
  if (!s.subs.has(key)) s.subs.set(key, new Set());
  s.subs.get(key).add(news);
  // Widgets drawn together share one request: open on the next turn.
  clearTimeout(s.soon);
  s.soon = setTimeout(() => open(s));
  return () => {
    const set = s.subs.get(key);
    set?.delete(news);
    if (set && !set.size) s.subs.delete(key);
    if (s.subs.size) return;
    shut(s);
    streams.delete(url);
  };
}
if (!Object.getOwnPropertyDescriptor(globalThis, '__tongxinLive')) {
  Object.defineProperty(globalThis, '__tongxinLive', { value: follow });
  document.addEventListener('visibilitychange', () => {
    for (const s of streams.values()) {
      s.wait = s.every;
      if (shown()) open(s);
      else shut(s);
    }
  });
}
}

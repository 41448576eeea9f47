// A Tongxin backend with no server at all: polls and ballots kept in this
// browser's localStorage. The widgets call these async functions (the
// JavaScript adapter) instead of HTTP; each returns plain objects in the
// contract's shapes (docs/backends.md lists them). Good for a kiosk, a
// classroom demo, or a page that counts hands at one meeting.
//
// Arguments: (id, body?, ctx) — ctx has key (idempotency), device, cursor, …
// To refuse, throw { status, code, message }.

const STORE = 'tongxin-local-only';
const SEED = {
  polls: {
    1: {
      id: 1, scope_id: 1, title: '今晚的居民议事会在哪里开？ Where shall we meet tonight?',
      description: '只在这台设备上计票。 Counted on this device only.',
      kind: { type: 'single' },
      options: [{ id: 1, label: '社区活动室 / Community room' }, { id: 2, label: '广场凉亭 / Square pavilion' }],
      opens_at: null, closes_at: null, visibility: 'always', anonymous: false, allow_change: true,
      eligibility: 'open', created_at: Date.UTC(2026, 10, 30),
    },
  },
  ballots: {}, // poll id → { device: { ballot, at } }
};

function load() {
  try {
    return JSON.parse(localStorage.getItem(STORE)) || structuredClone(SEED);
  } catch {
    return structuredClone(SEED);
  }
}
function save(db) { localStorage.setItem(STORE, JSON.stringify(db)); }

function poll(db, id) {
  const p = db.polls[id];
  if (!p) throw { status: 404, code: 'not-found', message: `no poll ${id} on this device` };
  return p;
}

export const localBackend = {
  async getPoll(id) {
    const db = load();
    const p = poll(db, id);
    return { ...p, status: 'open', ballots: Object.keys(db.ballots[id] || {}).length };
  },
  // No getResults: the widget counts these ballots itself.
  async listBallots(id) {
    return Object.values(load().ballots[id] || {}).map((b) => b.ballot);
  },
  async getMyBallot(id, ctx) {
    const mine = (load().ballots[id] || {})[ctx.device];
    return mine ? { poll_id: id, ballot: mine.ballot, cast_at: mine.at, updated_at: mine.at } : null;
  },
  async castBallot(id, ballot, ctx) {
    const db = load();
    poll(db, id);
    const box = (db.ballots[id] ||= {});
    if (box[ctx.device]) throw { status: 409, code: 'already-voted', message: 'already voted on this device' };
    box[ctx.device] = { ballot, at: Date.now() };
    save(db);
    return { poll_id: id, ballot, ballots: Object.keys(box).length, at: box[ctx.device].at };
  },
  async changeBallot(id, ballot, ctx) {
    const db = load();
    const box = (db.ballots[id] ||= {});
    box[ctx.device] = { ballot, at: Date.now() };
    save(db);
    return { poll_id: id, ballot, ballots: Object.keys(box).length, at: box[ctx.device].at };
  },
};

window.localBackend = localBackend;

// A Directus 12 instance set up the way a community site would set it up:
// its own collections (created through Directus's schema API), its own ids
// (a UUID for the survey, a slug for the charter, word keys for the options),
// its own permissions (the public role may read and may create votes and
// signatures, nothing else) — and nothing shaped for Tongxin. mapping.json
// is what makes the widgets work against it.
//
//   node examples/directus/setup.mjs [port]     # a throwaway instance, default :8055
//
// The browser tests call `startDirectus()` the same way.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The survey of the example (a UUID, as Directus makes them). */
export const SURVEY = 'b7e1c0de-8a3f-4c1e-9d2b-0123456789ab';
/** A survey that has ended. */
export const CLOSED_SURVEY = '5a1d0c3e-2f4b-4e6a-8c9d-abcdef012345';
/** The charter (its primary key is a slug). */
export const CHARTER = 'bijie-square';
const ADMIN = { email: 'admin@example.org', password: 'tongxin-directus-admin' };

/**
 * Bootstraps Directus on SQLite in a fresh folder, starts it on loopback and
 * creates the collections, permissions and example items.
 * Returns `{ url, stop() }`.
 */
export async function startDirectus({ port = 8055, quiet = true } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tongxin-directus-'));
  const env = {
    ...process.env,
    DB_CLIENT: 'sqlite3',
    DB_FILENAME: join(dir, 'data.db'),
    KEY: 'tongxin-example-key',
    SECRET: 'tongxin-example-secret-0123456789abcdef',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    CORS_ENABLED: 'true',
    CORS_ORIGIN: 'true',
    TELEMETRY: 'false',
    LOG_LEVEL: quiet ? 'warn' : 'info',
    STORAGE_LOCAL_ROOT: join(dir, 'uploads'),
    EXTENSIONS_PATH: join(dir, 'extensions'),
    RATE_LIMITER_ENABLED: 'false',
  };
  // Installed beside this file (npm ci --prefix examples/directus), or where
  // `cargo xtask test` keeps it (TONGXIN_DIRECTUS_DIR).
  const from = process.env.TONGXIN_DIRECTUS_DIR || here;
  const pkg = createRequire(join(from, 'package.json')).resolve('directus/package.json');
  const cli = join(dirname(pkg), 'cli.js');
  const run = (args, stdio) => spawn(process.execPath, [cli, ...args], { env, cwd: dir, stdio });
  await new Promise((ok, fail) => {
    const p = run(['bootstrap'], quiet ? 'ignore' : 'inherit');
    p.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`directus bootstrap exited with ${code}`))));
  });
  const server = run(['start'], quiet ? 'ignore' : 'inherit');
  const url = `http://127.0.0.1:${port}`;
  const stop = () => {
    server.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(`${url}/server/ping`);
    const token = await login(url);
    await createSchema(url, token);
    await seed(url, token);
  } catch (e) {
    stop();
    throw e;
  }
  return { url, stop };
}

async function waitFor(url) {
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Directus did not answer at ${url}`);
}

async function login(url) {
  const r = await fetch(`${url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  return (await r.json()).data.access_token;
}

/** A call to Directus's own REST API as the administrator. */
async function api(url, token, method, path, body) {
  const r = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text).data : null;
}

const uuidKey = { field: 'id', type: 'uuid', meta: { special: ['uuid'], hidden: true }, schema: { is_primary_key: true, length: 36 } };
const intKey = { field: 'id', type: 'integer', meta: { hidden: true }, schema: { is_primary_key: true, has_auto_increment: true } };
const slugKey = { field: 'id', type: 'string', schema: { is_primary_key: true, length: 64 } };
const f = (field, type, schema = {}) => ({ field, type, schema });

/** The site's content model: what a community would build for itself. */
const COLLECTIONS = {
  places: [intKey, f('parent', 'integer'), f('kind', 'string'), f('title', 'string'), f('title_en', 'string')],
  surveys: [
    uuidKey, f('title', 'string'), f('intro', 'text'), f('format', 'string'), f('choices', 'json'),
    f('reveal', 'string'), f('state', 'string'), f('place', 'integer'), f('ends', 'timestamp'), f('created', 'timestamp'),
  ],
  // One vote a device and survey: Directus refuses a second `ballot_key`.
  votes: [uuidKey, f('survey', 'uuid'), f('choice', 'string'), f('device', 'string'), f('ballot_key', 'string', { is_unique: true }), f('cast', 'bigInteger')],
  charters: [
    slugKey, f('title', 'string'), f('preamble', 'text'), f('clauses', 'json'), f('edition', 'integer'),
    f('target', 'integer'), f('place', 'integer'), f('state', 'string'), f('created', 'timestamp'),
  ],
  signatures: [
    intKey, f('charter', 'string'), f('full_name', 'string'), f('building', 'integer'), f('team', 'string'),
    f('device', 'string'), f('sign_key', 'string', { is_unique: true }), f('edition', 'integer'), f('signed', 'bigInteger'),
  ],
  projects: [
    uuidKey, f('title', 'string'), f('problem', 'text'), f('plan', 'text'), f('budget_yuan', 'integer'),
    f('author', 'string'), f('stage', 'string'), f('backers', 'integer'), f('backers_needed', 'integer'),
    f('place', 'integer'), f('created', 'timestamp'),
  ],
};

/** What anyone on the site may do without signing in. */
const PUBLIC = {
  places: ['read'],
  surveys: ['read'],
  votes: ['read', 'create'],
  charters: ['read'],
  signatures: ['read', 'create'],
  projects: ['read'],
};

async function createSchema(url, token) {
  for (const [collection, fields] of Object.entries(COLLECTIONS)) {
    const [key, ...rest] = fields;
    await api(url, token, 'POST', '/collections', { collection, meta: {}, schema: {}, fields: [key] });
    for (const field of rest) await api(url, token, 'POST', `/fields/${collection}`, field);
  }
  // A charter lists its signatures (Directus's one-to-many), so one request
  // gives the goal, the edition and every signature's building.
  await api(url, token, 'POST', '/fields/charters', { field: 'signatures', type: 'alias', meta: { special: ['o2m'] } });
  await api(url, token, 'POST', '/relations', {
    collection: 'signatures', field: 'charter', related_collection: 'charters', meta: { one_field: 'signatures' },
  });
  const policies = await api(url, token, 'GET', '/policies?filter[name][_eq]=$t:public_label');
  const policy = policies[0].id;
  for (const [collection, actions] of Object.entries(PUBLIC)) {
    for (const action of actions) {
      await api(url, token, 'POST', '/permissions', { policy, collection, action, fields: ['*'], permissions: {}, validation: {} });
    }
  }
}

async function seed(url, token) {
  const post = (c, items) => api(url, token, 'POST', `/items/${c}`, items);
  await post('places', [
    { id: 3, kind: 'community', title: '毕节社区', title_en: 'Bijie community' },
    { id: 4, parent: 3, kind: 'group', title: '第一居民小组', title_en: 'Group 1' },
    { id: 5, parent: 4, kind: 'building', title: '1栋', title_en: 'Building 1' },
    { id: 6, parent: 4, kind: 'building', title: '2栋', title_en: 'Building 2' },
  ]);
  await post('surveys', [
    {
      id: SURVEY, title: '毕节广场晚间广场舞音量是否限制在60分贝？', intro: '居民议事会提议。',
      format: 'pick-one', choices: [{ key: 'yes', text: '赞成' }, { key: 'no', text: '反对' }, { key: 'abstain', text: '弃权' }],
      reveal: 'always', state: 'live', place: 3, ends: '2030-01-01T00:00:00Z', created: '2026-11-01T08:00:00Z',
    },
    {
      id: CLOSED_SURVEY, title: '上月的健身器材选址', intro: '',
      format: 'pick-one', choices: [{ key: 'east', text: '东门' }, { key: 'west', text: '西门' }],
      reveal: 'always', state: 'done', place: 3, ends: '2026-10-01T00:00:00Z', created: '2026-09-01T08:00:00Z',
    },
  ]);
  await post('votes', [
    { survey: SURVEY, choice: 'yes', device: 'seed-1', ballot_key: `seed-1-${SURVEY}`, cast: 1793000000000 },
    { survey: SURVEY, choice: 'yes', device: 'seed-2', ballot_key: `seed-2-${SURVEY}`, cast: 1793000000000 },
    { survey: SURVEY, choice: 'no', device: 'seed-3', ballot_key: `seed-3-${SURVEY}`, cast: 1793000000000 },
    { survey: CLOSED_SURVEY, choice: 'east', device: 'seed-1', ballot_key: `seed-1-${CLOSED_SURVEY}`, cast: 1790000000000 },
  ]);
  await post('charters', [{
    id: CHARTER, title: '毕节广场文明公约', preamble: '为了广场的安宁与整洁，我们约定：',
    clauses: [{ n: 1, text: '晚上九点后音响音量不超过60分贝。' }, { n: 2, text: '宠物粪便随手清理。' }],
    edition: 1, target: 50, place: 3, state: 'open', created: '2026-11-01T08:00:00Z',
  }]);
  await post('signatures', [
    { charter: CHARTER, full_name: '孙雨萌', building: 5, team: '', device: 'seed-1', sign_key: `seed-1-${CHARTER}`, edition: 1, signed: 1793000000000 },
    { charter: CHARTER, full_name: '李建国', building: 5, team: '', device: 'seed-2', sign_key: `seed-2-${CHARTER}`, edition: 1, signed: 1793000100000 },
    { charter: CHARTER, full_name: '王芳', building: 6, team: '', device: 'seed-3', sign_key: `seed-3-${CHARTER}`, edition: 1, signed: 1793000200000 },
  ]);
  const projects = [];
  for (let i = 1; i <= 12; i++) {
    projects.push({
      title: `小项目 ${i}：${['修补楼道灯', '加装扶手', '种一排桂花', '晾衣架'][i % 4]}`,
      problem: '居民反映的问题。', plan: '居民提出的办法。', budget_yuan: 800 + i * 100,
      author: '张秀英', stage: i % 3 === 0 ? 'committee' : 'idea', backers: i, backers_needed: 20, place: 3,
      created: `2026-11-${String(i).padStart(2, '0')}T08:00:00Z`,
    });
  }
  await post('projects', projects);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.argv[2] || process.env.PORT || 8055);
  const d = await startDirectus({ port, quiet: false });
  console.log(`Directus on ${d.url} (admin: ${ADMIN.email} / ${ADMIN.password}); Ctrl-C stops it and deletes its data.`);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { d.stop(); process.exit(0); });
}

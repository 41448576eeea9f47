// Starts json-server (npm package, v0.17) on a copy of db.json, so votes and
// signatures written while you try the example never change the file in
// the repository. Usage: node examples/json-server/start.mjs [port]
// (default 3000). The browser tests start it the same way.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const port = process.argv[2] || process.env.PORT || '3000';
const db = join(mkdtempSync(join(tmpdir(), 'tongxin-json-server-')), 'db.json');
copyFileSync(join(here, 'db.json'), db);
const bin = createRequire(import.meta.url).resolve('json-server/lib/cli/bin.js');
const child = spawn(process.execPath, [bin, db, '--port', port, '--host', '127.0.0.1', '--quiet'], { stdio: 'inherit' });
console.log(`json-server on http://127.0.0.1:${port} with ${db}`);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { child.kill(sig); process.exit(0); });
child.on('exit', (code) => process.exit(code ?? 0));

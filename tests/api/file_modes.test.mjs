// The data directory is the owner's alone: every file the server finds or
// makes there (database, WAL and SHM, keys, photos) ends up 0600 or stricter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readdirSync, lstatSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DB, makeDataDir, startServer } from './lib/harness.mjs';
import { png } from './lib/images.mjs';

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = lstatSync(p);
    out.push({ p, st });
    if (st.isDirectory()) walk(p, out);
  }
  return out;
}

test('every file in the data directory is 0600 after startup, stricter ones kept', async () => {
  const data = makeDataDir();
  // as an older version left them: readable by everyone
  for (const { p, st } of walk(data.dir)) if (st.isFile()) chmodSync(p, 0o644);
  chmodSync(data.dir, 0o755);
  writeFileSync(join(data.dir, 'notes.txt'), 'x');
  chmodSync(join(data.dir, 'notes.txt'), 0o400);
  const srv = await startServer({ data });
  try {
    // a write (the sign-in throttle) and a photo, so the WAL and attachments exist
    const login = await srv.post('/api/v1/auth/login', { username: 'nobody', password: 'Wrong-Passw0rd-1' });
    assert.equal(login.status, 401);
    const photo = await srv.fetch('/api/v1/attachments', { method: 'POST', headers: { 'content-type': 'image/png' }, body: png(8, 8) });
    assert.equal(photo.status, 201);
    const files = walk(data.dir);
    if (DB === 'sqlite') assert.ok(files.some(({ p }) => p.endsWith('shuniu.db-wal')), 'a WAL file');
    assert.ok(files.some(({ p }) => p.includes('attachments')), 'a stored photo');
    for (const { p, st } of files) {
      const mode = st.mode & 0o777;
      if (p.endsWith('notes.txt')) assert.equal(mode, 0o400, 'a stricter file is left alone');
      else if (st.isDirectory()) assert.equal(mode & 0o077, 0, `${p} is ${mode.toString(8)}`);
      else assert.equal(mode, 0o600, `${p} is ${mode.toString(8)}`);
    }
    assert.equal(lstatSync(data.dir).mode & 0o077, 0, 'the directory itself');
  } finally {
    await srv.stop();
    data.cleanup();
  }
});

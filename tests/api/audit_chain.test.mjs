// The audit chain is keyed and anchored (issue 11, section 3): whoever can
// write the database but not read secret.key cannot rewrite a row, delete one
// inside, or cut rows off the end without `shuniu verify audit` naming it —
// and the anchor file outside the database cannot be edited either. Each test
// tampers with a stopped server's data directory the way an attacker with the
// database (sqlite3 or psql) would, recomputing the unkeyed BLAKE2b chain the
// log used to carry, and reads the verdict: its exit status and the word
// after BROKEN are stable (3 rewritten, 4 deleted, 5 truncated, 6 anchors).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { cli, makeDataDir, startServer, DB } from './lib/harness.mjs';

// ---- talking to the database behind the server's back ----

function sql(data, stmt) {
  if (DB === 'postgres') return data.psql(stmt);
  const r = spawnSync('sqlite3', [join(data.dir, 'shuniu.db'), stmt], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

const lit = (v) => (v === null || v === undefined ? 'NULL' : `'${String(v).replace(/'/g, "''")}'`);

function rows(data) {
  const q = 'SELECT id, at, actor_id, actor_name, ip, action, object_type, object_id, outcome, details, prev_hash, hash FROM audit_log';
  const text = DB === 'postgres'
    ? sql(data, `SELECT COALESCE(json_agg(t ORDER BY id), '[]') FROM (${q}) t`)
    : spawnSync('sqlite3', ['-json', join(data.dir, 'shuniu.db'), q + ' ORDER BY id'], { encoding: 'utf8' }).stdout.trim();
  return text ? JSON.parse(text).map((r) => ({ ...r, id: Number(r.id), at: Number(r.at) })) : [];
}

function head(data) {
  const [seq, h, baseSeq, baseHead, keyed] = sql(data, "SELECT seq, head, base_seq, base_head, keyed FROM chain_heads WHERE name = 'audit'").split('|');
  return { seq: Number(seq), head: h, baseSeq: Number(baseSeq), baseHead, keyed: Number(keyed) };
}

// BLAKE2b-256 (RFC 7693), unkeyed: what the chain was before it was keyed,
// and what an attacker with the database can always compute.
const M64 = (1n << 64n) - 1n;
const IV = [0x6a09e667f3bcc908n, 0xbb67ae8584caa73bn, 0x3c6ef372fe94f82bn, 0xa54ff53a5f1d36f1n,
  0x510e527fade682d1n, 0x9b05688c2b3e6c1fn, 0x1f83d9abfb41bd6bn, 0x5be0cd19137e2179n];
const SIGMA = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
  [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4], [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
  [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13], [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
  [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11], [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
  [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5], [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0]];
const rotr = (x, n) => ((x >> BigInt(n)) | (x << BigInt(64 - n))) & M64;

function blake2b256(data) {
  const buf = Buffer.from(data);
  const h = IV.slice();
  h[0] ^= 0x01010000n ^ 32n;
  const blocks = Math.max(1, Math.ceil(buf.length / 128));
  for (let b = 0; b < blocks; b++) {
    const block = Buffer.alloc(128);
    buf.copy(block, 0, b * 128, Math.min(buf.length, (b + 1) * 128));
    const last = b === blocks - 1;
    const m = [];
    for (let i = 0; i < 16; i++) m.push(block.readBigUInt64LE(i * 8));
    const v = [...h, ...IV];
    v[12] ^= BigInt(last ? buf.length : (b + 1) * 128);
    if (last) v[14] ^= M64;
    const G = (a, bb, c, d, x, y) => {
      v[a] = (v[a] + v[bb] + x) & M64; v[d] = rotr(v[d] ^ v[a], 32);
      v[c] = (v[c] + v[d]) & M64; v[bb] = rotr(v[bb] ^ v[c], 24);
      v[a] = (v[a] + v[bb] + y) & M64; v[d] = rotr(v[d] ^ v[a], 16);
      v[c] = (v[c] + v[d]) & M64; v[bb] = rotr(v[bb] ^ v[c], 63);
    };
    for (let r = 0; r < 12; r++) {
      const s = SIGMA[r % 10];
      G(0, 4, 8, 12, m[s[0]], m[s[1]]); G(1, 5, 9, 13, m[s[2]], m[s[3]]);
      G(2, 6, 10, 14, m[s[4]], m[s[5]]); G(3, 7, 11, 15, m[s[6]], m[s[7]]);
      G(0, 5, 10, 15, m[s[8]], m[s[9]]); G(1, 6, 11, 12, m[s[10]], m[s[11]]);
      G(2, 7, 8, 13, m[s[12]], m[s[13]]); G(3, 4, 9, 14, m[s[14]], m[s[15]]);
    }
    for (let i = 0; i < 8; i++) h[i] ^= v[i] ^ v[i + 8];
  }
  const out = Buffer.alloc(64);
  h.forEach((x, i) => out.writeBigUInt64LE(x, i * 8));
  return out.subarray(0, 32).toString('hex');
}

// The unkeyed row hash the log carried before it was keyed.
function unkeyedHash(r, prev) {
  const parts = [r.id, r.at, r.actor_id ?? 0, r.actor_name, r.ip, r.action, r.object_type, r.object_id, r.outcome, r.details, prev];
  return blake2b256(parts.map((p) => String(p ?? '') + '\x1f').join(''));
}

// Recompute the unkeyed chain from row `from` on, store it and move the head:
// before the chain was keyed, this passed `shuniu verify audit`.
function rechainUnkeyed(data, from, { keyed } = {}) {
  const all = rows(data);
  const h = head(data);
  let prev = h.baseHead;
  for (const r of all) {
    if (r.id >= from) {
      const hash = unkeyedHash(r, prev);
      sql(data, `UPDATE audit_log SET prev_hash = ${lit(prev)}, hash = ${lit(hash)} WHERE id = ${r.id}`);
      r.hash = hash;
    }
    prev = r.hash;
  }
  const last = all[all.length - 1];
  sql(data, `UPDATE chain_heads SET seq = ${last.id}, head = ${lit(last.hash)}${keyed === 0 ? ', keyed = 0' : ''} WHERE name = 'audit'`);
}

// ---- a server that wrote some audit rows ----

async function failedLogins(srv, n) {
  for (let i = 0; i < n; i++) {
    const r = await srv.post('/api/v1/auth/login', { username: `nobody.${i}`, password: 'Wrong-Passw0rd!' });
    assert.equal(r.status, 401);
  }
}

// Serve, write n audit rows, stop cleanly; the data dir stays for tampering.
async function loggedData(n = 6, config = '') {
  const data = makeDataDir();
  const srv = await startServer({ data, config });
  await failedLogins(srv, n);
  assert.equal((await srv.stop()).code, 0);
  return { data, log: srv.log() };
}

function verify(data) {
  return cli(['verify', 'audit', '--data', data.dir]);
}

function assertBroken(r, status, word, re) {
  assert.equal(r.status, status, `exit ${r.status}: ${r.stdout}${r.stderr}`);
  assert.match(r.stderr, new RegExp(`audit log BROKEN \\(${word}\\)`));
  if (re) assert.match(r.stderr, re);
}

const anchorsPath = (data) => join(data.dir, 'audit.anchors');
const anchorLines = (data) => readFileSync(anchorsPath(data), 'utf8').trim().split('\n');

// ---- the tests ----

test('an untouched log verifies, and its head is anchored in the log and the anchor file', async () => {
  const { data, log } = await loggedData(4);
  try {
    const r = verify(data);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /audit log intact: 4 rows verified/);
    const last = anchorLines(data).at(-1).split(' ');
    assert.equal(last[0], 'A');
    assert.equal(Number(last[1]), 4, 'the shutdown anchor names the newest row');
    assert.equal(last[2], head(data).head);
    assert.match(log, new RegExp(`audit anchor: seq 4 head ${last[2]} time \\d+ mac ${last[4]}`));
    const mode = spawnSync('stat', ['-c', '%a', anchorsPath(data)], { encoding: 'utf8' }).stdout.trim();
    assert.equal(mode, '600');
  } finally {
    data.cleanup();
  }
});

test('a rewritten row is named even when the unkeyed chain is recomputed after it', async () => {
  const { data } = await loggedData(6);
  try {
    sql(data, "UPDATE audit_log SET outcome = 'ok' WHERE id = 3");
    rechainUnkeyed(data, 3);
    assertBroken(verify(data), 3, 'rewritten', /row 3 was altered/);
  } finally {
    data.cleanup();
  }
});

test('a row deleted inside the log is named', async () => {
  const { data } = await loggedData(6);
  try {
    sql(data, 'DELETE FROM audit_log WHERE id = 3');
    rechainUnkeyed(data, 4);
    assertBroken(verify(data), 4, 'deleted', /rows 3 to 3 are missing/);
  } finally {
    data.cleanup();
  }
});

test('newest rows deleted with the head moved back are named as a truncation by the anchor', async () => {
  const { data } = await loggedData(6);
  try {
    const keep = rows(data).find((r) => r.id === 4);
    sql(data, 'DELETE FROM audit_log WHERE id > 4');
    sql(data, `UPDATE chain_heads SET seq = 4, head = ${lit(keep.hash)} WHERE name = 'audit'`);
    assertBroken(verify(data), 5, 'truncated', /cut off the end: the newest anchor \(line \d+, time \d+\) names row 6 but the chain ends at row 4/);
  } finally {
    data.cleanup();
  }
});

test('the anchor schedule catches a truncation even when the server never shut down cleanly', async () => {
  const data = makeDataDir();
  const srv = await startServer({ data, config: 'audit_anchor_seconds = 1' });
  try {
    await failedLogins(srv, 5);
    let last = null;
    for (let i = 0; i < 50 && !(last && Number(last[1]) === 5); i++) {
      await sleep(100);
      if (existsSync(anchorsPath(data))) last = anchorLines(data).at(-1).split(' ');
    }
    assert.equal(Number(last[1]), 5, 'a scheduled anchor names the newest row');
    await srv.stop('SIGKILL');
    const keep = rows(data).find((r) => r.id === 3);
    sql(data, 'DELETE FROM audit_log WHERE id > 3');
    sql(data, `UPDATE chain_heads SET seq = 3, head = ${lit(keep.hash)} WHERE name = 'audit'`);
    assertBroken(verify(data), 5, 'truncated', /names row 5 but the chain ends at row 3/);
  } finally {
    await srv.stop('SIGKILL');
    data.cleanup();
  }
});

test('an edited anchor line is named', async () => {
  const { data } = await loggedData(6);
  try {
    // Hide a truncation by editing the newest anchor back to row 4.
    const lines = anchorLines(data);
    const keep = rows(data).find((r) => r.id === 4);
    const f = lines.at(-1).split(' ');
    lines[lines.length - 1] = [f[0], '4', keep.hash, f[3], f[4]].join(' ');
    writeFileSync(anchorsPath(data), lines.join('\n') + '\n');
    sql(data, 'DELETE FROM audit_log WHERE id > 4');
    sql(data, `UPDATE chain_heads SET seq = 4, head = ${lit(keep.hash)} WHERE name = 'audit'`);
    assertBroken(verify(data), 6, 'anchors', new RegExp(`line ${lines.length} does not verify`));
  } finally {
    data.cleanup();
  }
});

test('an anchor line removed from the middle of the file is named', async () => {
  const { data } = await loggedData(2);
  const srv = await startServer({ data });
  await failedLogins(srv, 2);
  assert.equal((await srv.stop()).code, 0);
  try {
    const lines = anchorLines(data);
    assert.ok(lines.length >= 3, lines.join('\n'));
    lines.splice(1, 1);
    writeFileSync(anchorsPath(data), lines.join('\n') + '\n');
    assertBroken(verify(data), 6, 'anchors', /line 2 does not verify/);
  } finally {
    data.cleanup();
  }
});

test('a deleted anchor file is named, and the server does not quietly start a new one', async () => {
  const { data } = await loggedData(3);
  try {
    unlinkSync(anchorsPath(data));
    assertBroken(verify(data), 6, 'anchors', /anchor file .* is missing/);
    // rows cut off the end, then a restart: a fresh file from the cut head would hide it
    const keep = rows(data).find((r) => r.id === 2);
    sql(data, 'DELETE FROM audit_log WHERE id > 2');
    sql(data, `UPDATE chain_heads SET seq = 2, head = ${lit(keep.hash)} WHERE name = 'audit'`);
    const srv = await startServer({ data });
    await failedLogins(srv, 1);
    assert.equal((await srv.stop()).code, 0);
    assert.match(srv.log(), /audit anchor failed: the anchor file .* is missing: not starting a new one/);
    assert.equal(existsSync(anchorsPath(data)), false);
    assertBroken(verify(data), 6, 'anchors', /anchor file .* is missing/);
  } finally {
    data.cleanup();
  }
});

test('a deliberate re-anchoring is recorded in the log and verifies', async () => {
  const { data } = await loggedData(6);
  try {
    // e.g. an older backup was restored: the last two rows are gone for good
    const keep = rows(data).find((r) => r.id === 4);
    sql(data, 'DELETE FROM audit_log WHERE id > 4');
    sql(data, `UPDATE chain_heads SET seq = 4, head = ${lit(keep.hash)} WHERE name = 'audit'`);
    assert.equal(verify(data).status, 5);
    const r = cli(['audit', 'reanchor', '--data', data.dir]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /re-anchored/);
    const v = verify(data);
    assert.equal(v.status, 0, v.stderr);
    const row = rows(data).at(-1);
    assert.equal(row.action, 'audit.reanchor');
    assert.deepEqual(JSON.parse(row.details), { replaced_line: anchorLines(data).length - 1, replaced_seq: 6, replaced_head: JSON.parse(row.details).replaced_head });
    assert.equal(anchorLines(data).at(-1).split(' ')[0], 'R');
  } finally {
    data.cleanup();
  }
});

test('a purge keeps the chain verifiable, and rows cut from its start without one are named', async () => {
  const data = makeDataDir();
  const srv = await startServer({ data });
  try {
    await failedLogins(srv, 3);
    await srv.post('/api/v1/_test/clock', { advance_seconds: 400 * 86400 });
    await failedLogins(srv, 2);
    const now = Date.parse((await srv.json('/api/v1/_test/clock')).body.now);
    assert.equal((await srv.stop()).code, 0);
    const before = new Date(now - 200 * 86400e3).toISOString().slice(0, 10);
    const at = new Date(now).toISOString().replace('T', ' ').slice(0, 19);
    const env = { ASAN_OPTIONS: 'verify_asan_link_order=0' };
    const p = spawnSync('faketime', [at, process.env.SHUNIU_BIN || 'build/asan/shuniu', 'audit', 'purge', '--before', before, '--data', data.dir], { encoding: 'utf8', env: { ...process.env, ...env } });
    assert.equal(p.status, 0, p.stderr);
    assert.match(p.stdout, /purged 3 audit rows/);
    const h = head(data);
    assert.equal(h.baseSeq, 3);
    const purge = rows(data).at(-1);
    assert.equal(purge.action, 'audit.purge');
    assert.equal(JSON.parse(purge.details).base_seq, 3);
    let v = verify(data);
    assert.equal(v.status, 0, v.stderr);
    assert.match(v.stdout, /intact: 3 rows/);
    // a forged "purge": the oldest rows removed and the start moved without an audit.purge naming it
    const first = rows(data)[0];
    sql(data, `DELETE FROM audit_log WHERE id = ${first.id}`);
    sql(data, `UPDATE chain_heads SET base_seq = ${first.id}, base_head = ${lit(first.hash)} WHERE name = 'audit'`);
    v = verify(data);
    assertBroken(v, 4, 'deleted', /rows 1 to 4 are missing \(deleted\): no purge names the chain's start/);
  } finally {
    await srv.stop();
    data.cleanup();
  }
});

test('rows from before the chain was keyed are re-chained once, and the re-chaining is logged', async () => {
  const { data } = await loggedData(4);
  try {
    // What migration 0012 leaves behind: the old unkeyed chain, not yet keyed, no anchors.
    rechainUnkeyed(data, 1, { keyed: 0 });
    unlinkSync(anchorsPath(data));
    const r = verify(data);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /intact: 5 rows/);
    assert.match(r.stderr, /re-chained 4 existing rows with the key/);
    const row = rows(data).at(-1);
    assert.equal(row.action, 'audit.rechain');
    assert.equal(JSON.parse(row.details).rows, 4);
    assert.equal(head(data).keyed, 1);
    assert.equal(anchorLines(data).length, 1);
  } finally {
    data.cleanup();
  }
});

test('re-chaining refuses an unkeyed chain that is already broken', async () => {
  const { data } = await loggedData(4);
  try {
    rechainUnkeyed(data, 1, { keyed: 0 });
    unlinkSync(anchorsPath(data));
    sql(data, "UPDATE audit_log SET outcome = 'ok' WHERE id = 2");
    const r = verify(data);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /the unkeyed audit chain is already broken at row 2; refusing to re-chain/);
    assert.equal(head(data).keyed, 0);
  } finally {
    data.cleanup();
  }
});

test('resetting the keyed flag to launder a rewrite is refused while anchors exist', async () => {
  const { data } = await loggedData(4);
  try {
    sql(data, "UPDATE audit_log SET outcome = 'ok' WHERE id = 2");
    rechainUnkeyed(data, 1, { keyed: 0 });
    const r = verify(data);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /marks the audit chain unkeyed, but .* holds anchors.*refusing to re-chain/);
    const s = cli(['serve', '--data', data.dir, '--listen', '127.0.0.1:0']);
    assert.equal(s.status, 1, 'the server does not start either');
  } finally {
    data.cleanup();
  }
});

test('anchoring cannot be turned off: audit_anchor_seconds is 1 to 86400', () => {
  const data = makeDataDir();
  try {
    for (const v of ['0', '86401', '-5']) {
      const r = cli(['serve', '--data', data.dir, '--listen', '127.0.0.1:0', '--audit-anchor-seconds', v]);
      assert.equal(r.status, 2, v);
      assert.match(r.stderr, /'audit_anchor_seconds': expected an integer from 1 to 86400/);
    }
  } finally {
    data.cleanup();
  }
});

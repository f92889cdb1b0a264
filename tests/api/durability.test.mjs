// Durability: kill the server with SIGKILL while hundreds of submissions are
// in flight, restart it, and check that every submission that got a 201 is
// there exactly once, that retries with the same Idempotency-Key create no
// duplicates, and that the database is intact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cli, DB, startServer } from './lib/harness.mjs';
import { startDistrict, login } from './lib/district.mjs';

const N = 600;

function submission(i) {
  return {
    category: 'environment',
    title: `dur-${i}-x`,
    description: '耐久性测试',
    address: '吴中区 耐久性测试路 1 号',
    contact: { phone: '13900001111' },
  };
}

async function submit(srv, i) {
  try {
    const r = await fetch(srv.url('/api/v1/appeals'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `dur-${i}` },
      body: JSON.stringify(submission(i)),
    });
    const body = await r.json().catch(() => null);
    return { i, status: r.status, body };
  } catch {
    return { i, status: 0 }; // connection cut by the kill
  }
}

test('SIGKILL with submissions in flight loses no acknowledged appeal and duplicates none', { timeout: 300000 }, async () => {
  // The demo district gives the address-only appeals a district to land in.
  const first = await startDistrict();
  const data = first.data;
  const results = [];
  let killed = false;
  // 200 clients, each sending its share one after another (the server allows
  // 256 connections per address).
  let next = 0;
  const client = async () => {
    while (next < N) {
      const i = next++;
      const r = killed ? { i, status: 0 } : await submit(first, i);
      results.push(r);
      // Kill once a third have been answered: the rest are in flight.
      if (!killed && results.filter((x) => x.status === 201).length >= N / 3) {
        killed = true;
        first.proc.kill('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: 200 }, client));
  const exit = await first.exited;
  assert.equal(exit.signal, 'SIGKILL', 'the server was killed, not stopped');
  const acked = results.filter((r) => r.status === 201);
  const lost = results.filter((r) => r.status !== 201);
  assert.ok(acked.length >= N / 3, `acknowledged ${acked.length}`);
  assert.ok(lost.length > 0, 'some submissions were cut off by the kill');

  if (DB === 'sqlite') {
    const r = spawnSync('sqlite3', [join(data.dir, 'shuniu.db'), 'PRAGMA integrity_check;'], { encoding: 'utf8' });
    assert.equal(r.stdout.trim(), 'ok', 'SQLite integrity_check after the kill');
  }

  // Restart on the same data dir.
  const srv = await startServer({ data });
  try {
    const staff = await login(srv, 'district', first.passwords.district);
    // Every acknowledged case is there, exactly once, with what was sent.
    for (const a of acked) {
      const d = await staff.get(`/api/v1/appeals/${a.body.id}`);
      assert.equal(d.status, 200, `case ${a.body.case_no} after restart`);
      assert.equal(d.body.case_no, a.body.case_no);
      assert.equal(d.body.title, `dur-${a.i}-x`);
      const l = await staff.get(`/api/v1/appeals?q=${encodeURIComponent(`dur-${a.i}-x`)}`);
      assert.equal(l.body.items.length, 1, `dur-${a.i}-x stored once`);
    }
    // Retrying every submission with its key: the acknowledged ones are
    // replayed, the lost ones are created (or replayed, if they committed
    // but their answer was lost) — one case per key in the end.
    const retries = [];
    for (let i = 0; i < N; i += 50) {
      const batch = await Promise.all(Array.from({ length: Math.min(50, N - i) }, (_, k) => submit(srv, i + k)));
      retries.push(...batch);
    }
    assert.ok(retries.every((r) => r.status === 201), 'every retry answered 201');
    for (const a of acked) {
      const again = retries.find((r) => r.i === a.i);
      assert.equal(again.body.id, a.body.id, 'a retry of an acknowledged case is replayed');
    }
    const ids = new Set(retries.map((r) => r.body.id));
    assert.equal(ids.size, N, 'one case per Idempotency-Key');
    const all = await staff.get('/api/v1/appeals?q=dur-&limit=500');
    let count = all.body.items.length;
    let cursor = all.body.next_cursor;
    while (cursor) {
      const more = await staff.get(`/api/v1/appeals?q=dur-&limit=500&cursor=${cursor}`);
      count += more.body.items.length;
      cursor = more.body.next_cursor;
    }
    assert.equal(count, N, 'no duplicates in the database');
    // Case numbers are unique.
    assert.equal(new Set(retries.map((r) => r.body.case_no)).size, N);
  } finally {
    const r = await srv.stop();
    assert.equal(r.code, 0, 'clean exit after the restart');
    const v = cli(['verify', 'audit', '--data', data.dir]);
    assert.equal(v.status, 0, 'audit chain intact: ' + v.stderr);
    data.cleanup();
  }
});

test('one failing submission in a group commit fails alone', { timeout: 120000 }, async () => {
  const srv = await startDistrict();
  try {
    const staff = await login(srv, 'district', srv.passwords.district);
    for (const after of [3, 8, 15, 25]) {
      const armed = await srv.post('/api/v1/_test/db-fail', { after });
      assert.equal(armed.status, 200);
      const tag = `batch-${after}-`;
      const rs = await Promise.all(Array.from({ length: 30 }, (_, i) => submit(srv, `${tag}${i}`)));
      const ok = rs.filter((r) => r.status === 201);
      const failed = rs.filter((r) => r.status !== 201);
      assert.ok(failed.length <= 1, `one injected failure costs at most one submission (${failed.length})`);
      for (const f of failed) assert.equal(f.status, 503);
      for (const r of ok) {
        const d = await staff.get(`/api/v1/appeals/${r.body.id}`);
        assert.equal(d.status, 200, 'an acknowledged case is stored');
        assert.equal(d.body.title, `dur-${r.i}-x`);
      }
      const l = await staff.get(`/api/v1/appeals?q=${encodeURIComponent(`dur-${tag}`)}&limit=500`);
      assert.equal(l.body.items.length, ok.length, 'exactly the acknowledged ones are stored');
    }
  } finally {
    await srv.post('/api/v1/_test/db-fail', { after: 0 });
    const r = await srv.stop();
    assert.equal(r.code, 0);
  }
});

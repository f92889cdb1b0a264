// Process lifecycle: graceful SIGTERM with a request in flight, the test clock
// only under --test-clock, and 503 from /healthz when the database is gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer, makeDataDir, pgAdmin, DB } from './lib/harness.mjs';

test('SIGTERM lets a request in flight finish, then exits 0', async () => {
  const srv = await startServer();
  const body = '{"advance_seconds":0}';
  const sock = net.connect(srv.port, '127.0.0.1');
  let got = '';
  sock.on('data', (d) => { got += d; });
  await new Promise((r) => sock.on('connect', r));
  // Headers and half the body: the request is in flight.
  sock.write('POST /api/v1/_test/clock HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
    `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n` + body.slice(0, 10));
  await new Promise((r) => setTimeout(r, 300));
  const stopping = srv.stop('SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  // New connections are refused while it drains.
  await assert.rejects(fetch(srv.url('/healthz')));
  sock.write(body.slice(10));
  await new Promise((r) => sock.on('close', r));
  assert.match(got, /^HTTP\/1\.1 200 /);
  assert.match(got, /offset_seconds/);
  const { code, signal } = await stopping;
  assert.equal(signal, null);
  assert.equal(code, 0, srv.log().slice(-2000));
  assert.match(srv.log(), /received SIGTERM/);
});

test('SIGINT also stops cleanly with exit 0', async () => {
  const srv = await startServer();
  await srv.json('/healthz');
  const { code } = await srv.stop('SIGINT');
  assert.equal(code, 0, srv.log().slice(-2000));
});

test('without --test-clock the test clock route does not exist', async () => {
  const srv = await startServer({ testClock: false });
  try {
    const r = await srv.post('/api/v1/_test/clock', { advance_seconds: 60 });
    assert.equal(r.status, 404);
    assert.equal(r.body.error.code, 'route.not_found');
    const meta = await srv.json('/api/v1/meta');
    assert.equal(meta.body.test_clock, false);
  } finally {
    await srv.stop();
  }
});

test('healthz answers 503 when the database fails', async () => {
  const srv = await startServer({ config: 'threads = 1' });
  try {
    assert.equal((await srv.json('/healthz')).status, 200);
    // Make the next database call fail (test-mode fault injection).
    assert.equal((await srv.post('/api/v1/_test/db-fail', { after: 1 })).status, 200);
    const r = await srv.json('/healthz');
    assert.equal(r.status, 503, JSON.stringify(r.body));
    assert.equal(r.body.status, 'unavailable');
    assert.equal(r.body.error.code, 'server.db_unavailable');
    assert.equal((await srv.json('/healthz')).status, 200, 'recovers once the fault is spent');
  } finally {
    await srv.stop();
  }
});

test('healthz answers 503 when PostgreSQL goes away', { skip: DB !== 'postgres' && 'PostgreSQL only' }, async () => {
  const data = makeDataDir();
  const srv = await startServer({ data, config: 'threads = 1' });
  try {
    assert.equal((await srv.json('/healthz')).status, 200);
    const name = new URL(data.dbUrl).pathname.slice(1);
    // Block reconnection, then cut the server's connections: a terminated
    // connection alone would be repaired by the ping's reconnect.
    pgAdmin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
    pgAdmin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`);
    const r = await srv.json('/healthz');
    assert.equal(r.status, 503, JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'server.db_unavailable');
    pgAdmin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
    assert.equal((await srv.json('/healthz')).status, 200, 'reconnects when the database is back');
  } finally {
    await srv.stop();
    data.cleanup();
  }
});

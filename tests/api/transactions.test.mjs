// Transactions: a write that meets a busy lock (or a PostgreSQL serialization
// failure or deadlock) is run again instead of answering 503; after the retry
// limit it answers 503 with nothing stored; a handler that leaves a
// transaction open is caught at the end of the request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { startDistrict } from './lib/district.mjs';

function retries(text) {
  const m = /^shuniu_db_tx_retries_total (\d+)$/m.exec(text);
  assert.ok(m, 'shuniu_db_tx_retries_total in /metrics');
  return Number(m[1]);
}

async function metrics(srv) {
  return (await srv.fetch('/metrics')).text();
}

test('a write that meets a busy lock is run again and succeeds; past the limit it answers 503', async () => {
  const srv = await startDistrict({ config: 'threads = 1' });
  try {
    const admin = await srv.login('district');
    const before = retries(await metrics(srv));

    assert.equal((await srv.post('/api/v1/_test/db-busy', { begins: 2 })).status, 200);
    let r = await admin.put('/api/v1/holidays/2026-12-28', { kind: 'holiday', name: 'retried' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(retries(await metrics(srv)) - before, 2);

    assert.equal((await srv.post('/api/v1/_test/db-busy', { begins: 100 })).status, 200);
    r = await admin.put('/api/v1/holidays/2026-12-29', { kind: 'holiday', name: 'given up' });
    assert.equal(r.status, 503, JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'server.db_unavailable');
    assert.equal(retries(await metrics(srv)) - before, 2 + 4, 'four retries, then it gives up');
    assert.equal((await srv.post('/api/v1/_test/db-busy', { begins: 0 })).status, 200);

    const list = await admin.get('/api/v1/holidays?year=2026');
    assert.equal(list.status, 200, JSON.stringify(list.body));
    const days = JSON.stringify(list.body);
    assert.match(days, /2026-12-28/, 'the retried write is stored');
    assert.doesNotMatch(days, /2026-12-29/, 'the abandoned one is not');
  } finally {
    await srv.stop();
  }
});

test('a transaction left open by a handler is caught when the request ends', async () => {
  const srv = await startServer({ config: 'threads = 1' });
  let r;
  try {
    r = await srv.post('/api/v1/_test/tx-leak', '');
  } catch {
    r = null; // the test build aborted before answering
  }
  if (r === null || r.status !== 200) {
    // the test build (SHUNIU_STRICT): abort() naming the route
    const { signal } = await srv.exited;
    assert.equal(signal, 'SIGABRT', srv.log().slice(-2000));
    assert.match(srv.log(), /POST \/api\/v1\/_test\/tx-leak left a transaction open/);
    srv.data.cleanup();
    return;
  }
  try {
    // the release build: rolled back, logged, and the worker serves on
    await new Promise((res) => setTimeout(res, 200)); // let stderr arrive
    assert.match(srv.log(), /POST \/api\/v1\/_test\/tx-leak left a transaction open; rolled back/);
    assert.equal((await srv.json('/healthz')).status, 200);
  } finally {
    await srv.stop();
  }
});

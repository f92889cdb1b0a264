// HTTP behaviour of the foundation: routing answers, error envelope, body
// limits, framing guard, security headers, health, meta, metrics, test clock.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, countResponses, DB, TEST_CLOCK_START } from './lib/harness.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

test('healthz answers ok with version and database kind', async () => {
  const r = await srv.json('/healthz');
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'ok');
  assert.match(r.body.version, /^\d+\.\d+\.\d+/);
  assert.equal(r.body.db, DB);
});

test('meta gives version, database and Asia/Shanghai server time', async () => {
  const r = await srv.json('/api/v1/meta');
  assert.equal(r.status, 200);
  assert.equal(r.body.db, DB);
  assert.match(r.body.server_time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
  // the server started at the pinned instant, whatever the machine's clock says
  const since = Date.parse(r.body.server_time) - Date.parse(TEST_CLOCK_START);
  assert.ok(since >= 0 && since < 600e3, `server time ${r.body.server_time} is not just after ${TEST_CLOCK_START}`);
  assert.equal(r.body.timezone, 'Asia/Shanghai');
});

test('unknown API route answers 404 route.not_found in the error envelope', async () => {
  const r = await srv.json('/api/v1/no-such-thing');
  assert.equal(r.status, 404);
  assert.deepEqual(Object.keys(r.body), ['error']);
  assert.equal(r.body.error.code, 'route.not_found');
  assert.equal(typeof r.body.error.message, 'string');
});

test('wrong method answers 405 with Allow', async () => {
  const r = await srv.json('/healthz', { method: 'DELETE' });
  assert.equal(r.status, 405);
  assert.equal(r.body.error.code, 'route.method_not_allowed');
  assert.match(r.headers.get('allow'), /GET/);
  assert.match(r.headers.get('allow'), /HEAD/);
});

test('malformed JSON answers 400 request.bad_json', async () => {
  const r = await srv.post('/api/v1/_test/clock', '{"advance_seconds": ');
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, 'request.bad_json');
});

test('duplicate keys in a JSON body are refused', async () => {
  const r = await srv.post('/api/v1/_test/clock', '{"advance_seconds": 1, "advance_seconds": 2}');
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, 'request.bad_json');
});

test('wrong content type on a JSON route answers 415', async () => {
  const r = await srv.json('/api/v1/_test/clock', {
    method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"advance_seconds":0}',
  });
  assert.equal(r.status, 415);
  assert.equal(r.body.error.code, 'request.unsupported_media_type');
});

test('a missing or mistyped field answers 400 request.invalid naming it', async () => {
  let r = await srv.post('/api/v1/_test/clock', {});
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, 'request.invalid');
  assert.equal(r.body.error.details.field, 'advance_seconds');
  r = await srv.post('/api/v1/_test/clock', { advance_seconds: 'soon' });
  assert.equal(r.status, 400);
  r = await srv.post('/api/v1/_test/clock', { advance_seconds: -5 });
  assert.equal(r.status, 400);
});

test('a 10 MiB body answers 413 before the body is read', async () => {
  const size = 10 * 1024 * 1024;
  const head = `POST /api/v1/_test/clock HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\n\r\n`;
  // Send only the head and 64 KiB: the answer must come without the rest.
  const r = await srv.raw(Buffer.concat([Buffer.from(head), Buffer.alloc(65536, 0x20)]), 5000);
  assert.match(r.text, /^HTTP\/1\.1 413 /);
  assert.match(r.text, /request\.too_large/);
  assert.ok(r.closed, 'connection should be closed after an early 413');
});

test('a body just under the limit is accepted', async () => {
  const pad = ' '.repeat(1024 * 1024 - 40);
  const r = await srv.post('/api/v1/_test/clock', `{"advance_seconds":0}${pad}`);
  assert.equal(r.status, 200);
});

test('security headers are on every answer and there is no version banner', async () => {
  for (const p of ['/healthz', '/api/v1/nothing', '/metrics']) {
    const r = await srv.fetch(p);
    await r.arrayBuffer();
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', p);
    assert.equal(r.headers.get('x-frame-options'), 'DENY', p);
    assert.ok(r.headers.get('referrer-policy'), p);
    assert.equal(r.headers.get('server'), null, p);
    assert.equal(r.headers.get('x-powered-by'), null, p);
  }
  const api = await srv.fetch('/api/v1/meta');
  await api.arrayBuffer();
  assert.equal(api.headers.get('cache-control'), 'no-store');
});

test('metrics are Prometheus text with requests by route and status and a histogram', async () => {
  await srv.json('/healthz');
  await srv.json('/api/v1/nowhere');
  const r = await srv.fetch('/metrics');
  const text = await r.text();
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  assert.match(text, /^# TYPE shuniu_http_requests_total counter$/m);
  assert.match(text, /^shuniu_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+$/m);
  assert.match(text, /^shuniu_http_requests_total\{method="GET",route="-",status="404"\} \d+$/m);
  assert.match(text, /^shuniu_http_request_duration_seconds_bucket\{method="GET",route="\/healthz",le="\+Inf"\} \d+$/m);
  assert.match(text, /^shuniu_http_request_duration_seconds_count\{method="GET",route="\/healthz"\} \d+$/m);
});

test('the access log has method, route, status, bytes and microseconds but no query string', async () => {
  await srv.json('/api/v1/meta?token=SECRET123');
  await new Promise((r) => setTimeout(r, 200));
  const lines = srv.log().split('\n').filter((l) => l.includes(' access ') && l.includes('/api/v1/meta'));
  assert.ok(lines.length >= 1, 'no access line for /api/v1/meta');
  assert.match(lines.at(-1), / access GET \/api\/v1\/meta \/api\/v1\/meta 200 \d+ \d+us /);
  assert.ok(!srv.log().includes('SECRET123'), 'query string leaked into the log');
});

test('the test clock moves the server time forward', async () => {
  const before = (await srv.json('/api/v1/meta')).body.server_time;
  const offset = (await srv.json('/api/v1/_test/clock')).body.offset_seconds;
  const r = await srv.post('/api/v1/_test/clock', { advance_seconds: 86400 * 3 });
  assert.equal(r.status, 200);
  assert.equal(r.body.offset_seconds, offset + 86400 * 3);
  const now = (await srv.json('/api/v1/meta')).body.server_time;
  const moved = Date.parse(now) - Date.parse(before);
  assert.ok(moved >= 86400 * 3 * 1000 && moved < (86400 * 3 + 60) * 1000, `moved ${moved} ms`);
});

// ---- framing guard: each ambiguous request gets 400 and a closed connection,
// and the request pipelined behind it is never executed. -----------------------

const smuggled = 'GET /api/v1/meta?smuggled=1 HTTP/1.1\r\nHost: x\r\n\r\n';

async function assertRefused(head, body = '') {
  const r = await srv.raw(head + body + smuggled, 3000);
  assert.match(r.text, /^HTTP\/1\.1 400 /, r.text.slice(0, 200));
  assert.equal(countResponses(r.text), 1, 'the pipelined request must not be answered');
  assert.ok(r.closed, 'connection must be closed');
}

test('framing: Content-Length together with Transfer-Encoding is refused', async () => {
  await assertRefused(
    'POST /api/v1/_test/clock HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
      'Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n', '0\r\n\r\n');
});

test('framing: two Content-Length headers are refused', async () => {
  await assertRefused(
    'POST /api/v1/_test/clock HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
      'Content-Length: 2\r\nContent-Length: 2\r\n\r\n', '{}');
});

test('framing: a transfer coding other than chunked is refused', async () => {
  await assertRefused(
    'POST /api/v1/_test/clock HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
      'Transfer-Encoding: gzip, chunked\r\n\r\n', '0\r\n\r\n');
});

test('framing: HTTP/1.1 without Host is refused', async () => {
  await assertRefused('GET /healthz HTTP/1.1\r\n\r\n');
});

test('framing: a control character in a header is refused', async () => {
  await assertRefused('GET /healthz HTTP/1.1\r\nHost: x\r\nX-Note: a\x01b\r\n\r\n');
});

test('framing: a well-formed pipelined pair is answered twice', async () => {
  const r = await srv.raw('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n' +
    'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 3000);
  assert.equal(countResponses(r.text), 2, r.text);
});

test('a chunked body within the limit is accepted', async () => {
  const body = '{"advance_seconds":0}';
  const r = await srv.raw('POST /api/v1/_test/clock HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
    `Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`);
  assert.match(r.text, /^HTTP\/1\.1 200 /);
});

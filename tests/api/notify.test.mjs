// The webhook notifier: signed JSON for every appeal event, retried after a
// failure, delivered once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDistrict } from './lib/district.mjs';

let srv, hook, port;
const received = [];
let failNext = 0;

before(async () => {
  hook = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      if (failNext > 0) {
        failNext--;
        res.writeHead(500).end('no');
        return;
      }
      received.push({ headers: req.headers, body, url: req.url });
      res.writeHead(204).end();
    });
  });
  await new Promise((r) => hook.listen(0, '127.0.0.1', r));
  port = hook.address().port;
  srv = await startDistrict({ config: `notifier = webhook\nwebhook_url = http://127.0.0.1:${port}/hook\nsla_sweep_seconds = 3600` });
});

after(async () => {
  const r = await srv.stop();
  hook.close();
  assert.equal(r.code, 0, 'clean exit:\n' + srv.log().slice(-3000));
});

const deliver = () => srv.post('/api/v1/_test/notify', {});

test('every event is POSTed as signed JSON', async () => {
  const gw = await srv.login('gridworker');
  const r = await gw.post('/api/v1/appeals', { category: 'noise', title: '通知测试', unit_id: gw.user.unit.id, channel: 'patrol' });
  assert.equal(r.status, 201);
  await gw.post(`/api/v1/appeals/${r.body.id}/actions`, { action: 'accept' });
  await deliver();
  for (let i = 0; i < 50 && received.filter((x) => JSON.parse(x.body).id === r.body.id).length < 2; i++) await new Promise((ok) => setTimeout(ok, 100));
  const mine = received.filter((x) => JSON.parse(x.body).id === r.body.id);
  assert.deepEqual(mine.map((x) => JSON.parse(x.body).event), ['appeal.submitted', 'accept']);
  const key = readFileSync(join(srv.data.dir, 'webhook.key'), 'utf8').trim();
  for (const m of mine) {
    assert.equal(m.url, '/hook');
    assert.equal(m.headers['content-type'], 'application/json');
    const ts = m.headers['x-shuniu-timestamp'];
    const want = 'sha256=' + createHmac('sha256', key).update(`${ts}.${m.body}`).digest('hex');
    assert.equal(m.headers['x-shuniu-signature'], want, 'HMAC over timestamp.body');
    assert.equal(m.headers['x-shuniu-event'], JSON.parse(m.body).event);
    const p = JSON.parse(m.body);
    assert.equal(p.case_no, r.body.case_no);
    for (const k of Object.keys(p)) assert.ok(['action', 'at', 'case_no', 'channel', 'event', 'id', 'status'].includes(k), k);
    assert.ok(!('contact' in p) && !('phone' in p), 'no personal data in the payload');
  }
});

test('a failed delivery is retried later and delivered once', async () => {
  const gw = await srv.login('gridworker');
  await deliver(); // flush anything pending
  failNext = 1;
  const before = received.length;
  const r = await gw.post('/api/v1/appeals', { category: 'noise', title: '重试测试', unit_id: gw.user.unit.id, channel: 'patrol' });
  await deliver();
  await new Promise((ok) => setTimeout(ok, 300));
  assert.equal(received.filter((x) => JSON.parse(x.body).id === r.body.id).length, 0, 'first try failed');
  await deliver();
  assert.equal(received.filter((x) => JSON.parse(x.body).id === r.body.id).length, 0, 'not retried before its time');
  await srv.post('/api/v1/_test/clock', { advance_seconds: 31 });
  await deliver();
  for (let i = 0; i < 30 && received.filter((x) => JSON.parse(x.body).id === r.body.id).length < 1; i++) await new Promise((ok) => setTimeout(ok, 100));
  assert.equal(received.filter((x) => JSON.parse(x.body).id === r.body.id).length, 1, 'delivered once after the back-off');
  await deliver();
  assert.equal(received.filter((x) => JSON.parse(x.body).id === r.body.id).length, 1, 'not twice');
  assert.ok(received.length > before);
});

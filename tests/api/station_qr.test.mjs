// Station QR codes: an SVG whose code holds the station's public link.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDistrict } from './lib/district.mjs';

let srv, staff, station;

before(async () => {
  srv = await startDistrict({ config: 'public_url = https://hub.example.gov.cn' });
  staff = await srv.login('longqiao');
  const grid = (await srv.login('gridworker')).user.unit;
  station = (await staff.get(`/api/v1/stations?unit=${grid.id}&limit=1`)).body.items[0];
  assert.ok(station, 'a station in the grid');
});

after(async () => {
  const r = await srv.stop();
  assert.equal(r.code, 0);
});

test('the SVG holds the public link and is drawn as modules with a quiet zone', async () => {
  const r = await srv.fetch(`/api/v1/stations/${station.id}/qr.svg`, { headers: { cookie: `shuniu_session=${staff.cookie}` } });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^image\/svg\+xml/);
  const svg = await r.text();
  assert.ok(svg.startsWith('<?xml'));
  assert.ok(svg.includes(`<desc>https://hub.example.gov.cn/s/${station.public_code}</desc>`));
  assert.ok(svg.includes(`https://hub.example.gov.cn/s/${station.public_code}</text>`), 'the link is printed under the code');
  // the three finder patterns: their corner modules are dark, four modules in
  const d = /<path d="([^"]+)"/.exec(svg)[1];
  const dark = new Set(d.split('z').filter(Boolean).map((m) => /^M(\d+) (\d+)/.exec(m).slice(1).join(',')));
  const width = Number(/viewBox="0 0 (\d+)/.exec(svg)[1]) - 8;
  assert.ok(width >= 21 && (width - 17) % 4 === 0, `a QR code size (${width})`);
  for (const [x, y] of [[0, 0], [6, 0], [0, 6], [6, 6], [width - 1, 0], [width - 7, 6], [0, width - 1], [6, width - 7]]) {
    assert.ok(dark.has(`${x + 4},${y + 4}`), `finder module ${x},${y}`);
  }
  assert.ok(!dark.has('3,3') && !dark.has(`${width + 4},4`), 'the quiet zone is empty');
});

test('a station outside the scope is 404; signing in is required', async () => {
  const gw = await srv.login('gridworker');
  const far = (await staff.get('/api/v1/stations?limit=500')).body.items.find((s) => s.grid_id !== gw.user.unit.id);
  assert.ok(far);
  const r = await srv.fetch(`/api/v1/stations/${far.id}/qr.svg`, { headers: { cookie: `shuniu_session=${gw.cookie}` } });
  assert.equal(r.status, 404);
  assert.equal((await srv.fetch(`/api/v1/stations/${station.id}/qr.svg`)).status, 401);
});

// The console's grid map draws the scope's grid polygons and the open
// appeals, from the server alone (no tile server), and a marker opens its case.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { startDistrict } from '../api/lib/district.mjs';
import { openBrowser, watch, shot, DESKTOP } from './lib.mjs';

let srv, browser;

before(async () => {
  srv = await startDistrict({ args: ['--web-root', resolve('web/dist')] });
  browser = await openBrowser(srv);
});

after(async () => {
  await browser?.close();
  const r = await srv.stop();
  assert.equal(r.code, 0);
});

test('the grid map shows the community grids and an open appeal, and the marker opens the case', async () => {
  const staff = await srv.login('longqiao');
  const gw = await srv.login('gridworker');
  const geo = (await staff.get('/api/v1/map/units?kind=grid')).body;
  const grid = geo.features.find((f) => f.id === gw.user.unit.id);
  const [lng, lat] = grid.geometry.coordinates[0][0];
  const a = (await gw.post('/api/v1/appeals', { category: 'noise', title: '地图上的诉求', unit_id: grid.id, channel: 'patrol', lng: lng + 0.001, lat: lat + 0.001 })).body;

  const ctx = await browser.newContext(DESKTOP);
  await ctx.addCookies([{ name: 'shuniu_session', value: staff.cookie, url: srv.url('/') }]);
  const page = await ctx.newPage();
  const problems = watch(page);
  await page.goto(srv.url('/console/map'));
  await page.waitForSelector('path.leaflet-interactive');
  const polygons = await page.locator('.leaflet-overlay-pane path.leaflet-interactive').count();
  assert.ok(polygons >= geo.features.length, `all ${geo.features.length} grid polygons and the markers are drawn (${polygons})`);
  await shot(page, 'console-map');
  // each open appeal is a marker; ours opens its case
  assert.ok(await page.locator('path.appeal-marker').count() >= 1);
  await page.locator(`path.appeal-${a.id}`).click({ force: true });
  await page.waitForURL(`**/console/appeal/${a.id}`);
  await page.waitForSelector('text=地图上的诉求');
  assert.deepEqual(problems, []);
  await ctx.close();
});

test("the QR sheet shows every station of the community with a code that loads", async () => {
  const staff = await srv.login('longqiao');
  const stations = (await staff.get('/api/v1/stations?limit=500')).body.items;
  assert.ok(stations.length >= 1);
  const ctx = await browser.newContext(DESKTOP);
  await ctx.addCookies([{ name: 'shuniu_session', value: staff.cookie, url: srv.url('/') }]);
  const page = await ctx.newPage();
  const problems = watch(page);
  await page.goto(srv.url('/console/qr'));
  await page.waitForSelector('figure.card img');
  await page.waitForFunction((n) => {
    const imgs = [...document.querySelectorAll('figure.card img')];
    return imgs.length === n && imgs.every((i) => i.complete && i.naturalWidth > 0);
  }, stations.length);
  const alts = await page.locator('figure.card img').evaluateAll((imgs) => imgs.map((i) => i.alt));
  for (const s of stations) assert.ok(alts.some((a) => a.includes(s.name)), s.name);
  await shot(page, 'console-qr-sheet');
  assert.deepEqual(problems, []);
  await ctx.close();
});

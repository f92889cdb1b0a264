// The grid map's data: unit polygons as GeoJSON with open-appeal counts, and
// the open appeals with their points — both scoped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDistrict, addUser } from './lib/district.mjs';

let srv, community, gw, gw2, grid;

before(async () => {
  srv = await startDistrict();
  addUser(srv.data.dir, 'gw2', 'grid_worker', '320506001001002');
  community = await srv.login('longqiao');
  gw = await srv.login('gridworker');
  gw2 = await srv.login('gw2');
  grid = gw.user.unit;
});

after(async () => {
  const r = await srv.stop();
  assert.equal(r.code, 0);
});

test('grid polygons of the scope come as a FeatureCollection with open-appeal counts', async () => {
  const before = (await community.get('/api/v1/map/units?kind=grid')).body;
  assert.equal(before.type, 'FeatureCollection');
  assert.ok(before.features.length >= 2, 'the community has several grids');
  const f = before.features.find((x) => x.id === grid.id);
  assert.equal(f.type, 'Feature');
  assert.equal(f.properties.name, grid.name);
  assert.equal(f.geometry.type, 'Polygon');
  const open0 = f.properties.open_appeals;
  const r = await gw.post('/api/v1/appeals', { category: 'noise', title: '地图测试', unit_id: grid.id, channel: 'patrol', lng: f.geometry.coordinates[0][0][0] + 0.001, lat: f.geometry.coordinates[0][0][1] + 0.001 });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const after = (await community.get('/api/v1/map/units?kind=grid')).body;
  assert.equal(after.features.find((x) => x.id === grid.id).properties.open_appeals, open0 + 1);
  // a grid worker sees only their own grid
  const mine = (await gw.get('/api/v1/map/units?kind=grid')).body;
  assert.deepEqual(mine.features.map((x) => x.id), [grid.id]);
  assert.equal((await community.get('/api/v1/map/units?kind=street')).status, 400);
  assert.equal((await community.get('/api/v1/map/units?kind=community')).body.features.length, 1);
});

test('open appeals come with their points, scoped; closed ones are not drawn', async () => {
  const r = await gw.post('/api/v1/appeals', { category: 'environment', title: '地图点位', unit_id: grid.id, channel: 'patrol', lng: 120.6, lat: 31.27 });
  const list = (await community.get('/api/v1/map/appeals')).body.items;
  const it = list.find((x) => x.id === r.body.id);
  assert.ok(it, 'the new appeal is on the map');
  assert.equal(it.lng, 120.6);
  assert.equal(it.lat, 31.27);
  assert.equal(it.unit_id, grid.id);
  assert.equal(it.status, 'submitted');
  assert.ok(list.every((x) => ['submitted', 'accepted', 'dispatched', 'handling', 'resolved'].includes(x.status)));
  assert.ok(!(await gw2.get('/api/v1/map/appeals')).body.items.some((x) => x.id === r.body.id), "another grid's worker does not see it");
  await gw.post(`/api/v1/appeals/${r.body.id}/actions`, { action: 'reject', note: '测试' });
  assert.ok(!(await community.get('/api/v1/map/appeals')).body.items.some((x) => x.id === r.body.id), 'a rejected appeal leaves the map');
  assert.equal((await (await srv.login('resident')).get('/api/v1/map/appeals')).status, 403);
});

// The organisation tree: the demo district's counts, codes, moves, deletes,
// stations, boundaries.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDistrict } from './lib/district.mjs';

let srv, admin;
before(async () => {
  srv = await startDistrict();
  admin = await srv.login('district');
});
after(async () => { await srv.stop(); });

test('the demo district has the report\'s counts exactly', async () => {
  const r = await admin.get('/api/v1/stats/org');
  assert.equal(r.status, 200);
  assert.equal(r.body.unit_name, '吴中区');
  assert.equal(r.body.communities, 115);
  assert.equal(r.body.grids, 826);
  assert.equal(r.body.stations, 698);
  assert.equal(r.body.streets, 16);
  assert.ok(r.body.residents > 10000);
  assert.ok(r.body.households > 1000);
  assert.ok(r.body.party_members > 100);
  const grids = await admin.get('/api/v1/units?kind=grid&limit=5');
  assert.match(grids.body.items[0].code, /^320506\d{9}$/);
  assert.ok(grids.body.items[0].has_boundary);
});

test('the communities the report names are there', async () => {
  for (const name of ['龙桥社区', '融湾社区', '颐湾社区', '舟山花园社区', '泾峰社区', '家天下社区', '南亭社区', '尹东社区']) {
    const r = await admin.get(`/api/v1/units?kind=community&q=${encodeURIComponent(name)}`);
    assert.equal(r.body.items.length, 1, name);
  }
});

test('units answer id, code, kind, name and parent_id; a unit carries its boundary', async () => {
  const grid = (await admin.get('/api/v1/units?kind=grid&limit=1')).body.items[0];
  const r = await admin.get(`/api/v1/units/${grid.id}`);
  assert.equal(r.status, 200);
  for (const k of ['id', 'code', 'kind', 'name', 'parent_id']) assert.ok(k in r.body, k);
  assert.equal(r.body.boundary.type, 'Polygon');
  const children = await admin.get(`/api/v1/units?parent=${grid.id}`);
  assert.ok(children.body.items.every((u) => u.parent_id === grid.id && u.kind === 'building'));
});

test('new units get the next code under their parent; bad input is refused', async () => {
  const street = (await admin.get('/api/v1/units?kind=street&limit=1')).body.items[0];
  const c = await admin.post('/api/v1/units', { parent_id: street.id, name: '新建社区', party_org_name: '新建社区党委' });
  assert.equal(c.status, 201);
  assert.equal(c.body.kind, 'community');
  assert.match(c.body.code, new RegExp(`^${street.code}\\d{3}$`));
  const g = await admin.post('/api/v1/units', {
    parent_id: c.body.id, name: '新建网格',
    boundary: { type: 'Polygon', coordinates: [[[120.6, 31.2], [120.61, 31.2], [120.61, 31.21], [120.6, 31.2]]] },
  });
  assert.equal(g.status, 201);
  assert.equal(g.body.code, c.body.code + '001');
  let r = await admin.post('/api/v1/units', { parent_id: c.body.id, name: '坏边界', boundary: { type: 'Point', coordinates: [1, 2] } });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.details.field, 'boundary');
  r = await admin.post('/api/v1/units', { parent_id: c.body.id, name: '坏编码', code: '123' });
  assert.equal(r.status, 400);
  r = await admin.post('/api/v1/units', { parent_id: c.body.id });
  assert.equal(r.body.error.details.field, 'name');
});

test('moving a community rewrites the codes and paths of its whole subtree', async () => {
  const streets = (await admin.get('/api/v1/units?kind=street&limit=2')).body.items;
  const comm = (await admin.get(`/api/v1/units?parent=${streets[0].id}&limit=1`)).body.items[0];
  const before = (await admin.get(`/api/v1/stats/org?unit=${comm.id}`)).body;
  const r = await admin.post(`/api/v1/units/${comm.id}/move`, { parent_id: streets[1].id });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.match(r.body.code, new RegExp(`^${streets[1].code}\\d{3}$`));
  const grids = (await admin.get(`/api/v1/units?parent=${comm.id}&limit=500`)).body.items;
  assert.ok(grids.length > 0);
  for (const g of grids) assert.ok(g.code.startsWith(r.body.code), g.code);
  // everything under it moved along, and the scope follows the new place
  const after = (await admin.get(`/api/v1/stats/org?unit=${comm.id}`)).body;
  assert.deepEqual({ ...after, unit_name: 0 }, { ...before, unit_name: 0 });
  const street2 = (await admin.get(`/api/v1/stats/org?unit=${streets[1].id}`)).body;
  assert.ok(street2.residents >= after.residents);
  const officer = await srv.login('changqiao'); // 长桥街道, the old parent
  assert.equal((await officer.get(`/api/v1/units/${comm.id}`)).status, 404);
  // a community cannot go under a grid, nor into itself
  const grid = grids[0];
  const bad = await admin.post(`/api/v1/units/${comm.id}/move`, { parent_id: grid.id });
  assert.equal(bad.status, 409);
  assert.equal(bad.body.error.code, 'unit.bad_move');
});

test('a unit with children or data cannot be deleted; an empty one can', async () => {
  const comm = (await admin.get('/api/v1/units?kind=community&limit=1')).body.items[0];
  const r = await admin.del(`/api/v1/units/${comm.id}`);
  assert.equal(r.status, 409);
  assert.equal(r.body.error.code, 'unit.not_empty');
  const street = (await admin.get('/api/v1/units?kind=street&limit=1')).body.items[0];
  const empty = await admin.post('/api/v1/units', { parent_id: street.id, name: '空社区' });
  assert.equal((await admin.del(`/api/v1/units/${empty.body.id}`)).status, 200);
  assert.equal((await admin.get(`/api/v1/units/${empty.body.id}`)).status, 404);
});

test('stations get a random public code; hub leaders must hold the role', async () => {
  const grid = (await admin.get('/api/v1/units?kind=grid&limit=1')).body.items[0];
  const r = await admin.post('/api/v1/stations', { grid_id: grid.id, name: '测试驿站', address: '测试路1号', lng: 120.6, lat: 31.2, opening_hours: '9:00-17:00', phone: '0512-12345678' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.match(r.body.public_code, /^[2-9A-HJ-NP-Z]{10}$/);
  const s = await admin.get(`/api/v1/stations/${r.body.id}`);
  assert.equal(s.body.name, '测试驿站');
  assert.equal(s.body.grid_id, grid.id);
  const me = (await admin.get('/api/v1/auth/me')).body.user.id;
  const bad = await admin.patch(`/api/v1/stations/${r.body.id}`, { hub_leader_id: me });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.details.field, 'hub_leader_id');
  const notGrid = await admin.post('/api/v1/stations', { grid_id: grid.parent_id, name: 'x' });
  assert.equal(notGrid.status, 400);
  // A point is both coordinates or neither; null clears it.
  const half = await admin.patch(`/api/v1/stations/${r.body.id}`, { lng: 120.7 });
  assert.equal(half.status, 400);
  assert.equal(half.body.error.details.field, 'lat');
  const halfNew = await admin.post('/api/v1/stations', { grid_id: grid.id, name: 'y', lat: 31.2 });
  assert.equal(halfNew.status, 400);
  assert.equal((await admin.get(`/api/v1/stations/${r.body.id}`)).body.lng, 120.6, 'a refused change leaves the point');
  assert.equal((await admin.patch(`/api/v1/stations/${r.body.id}`, { lng: 120.61, lat: 31.21 })).status, 200);
  assert.equal((await admin.get(`/api/v1/stations/${r.body.id}`)).body.lat, 31.21);
  assert.equal((await admin.patch(`/api/v1/stations/${r.body.id}`, { lng: null, lat: null })).status, 200);
  const cleared = (await admin.get(`/api/v1/stations/${r.body.id}`)).body;
  assert.equal(cleared.lng, null);
  assert.equal(cleared.lat, null);
  assert.equal(cleared.name, '测试驿站', 'other fields untouched');
  const list = await admin.get('/api/v1/stations?limit=500');
  assert.equal(list.body.items.length, 500);
  assert.ok(list.body.next_cursor);
  const hub = list.body.items.find((x) => x.hub_leader_id);
  assert.ok(hub, 'demo stations have hub leaders');
});

// Hotspots list at most 20 appeal ids per (grid, category) pair — the first
// 20 by id — while `count` counts them all (docs/API.md, "Measures").
// The first appeals are placed on a building of the grid and the later ones
// on the grid itself: rows are read in order of place, so the grid's (higher)
// ids come before the building's (lower) ones, and the cap must still keep
// the lowest.
//
// The clock first moves 40 days past the demo's history, so the default
// 30-day window holds only the appeals reported here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDistrict } from './lib/district.mjs';

const GRID2 = '320506001001002';
const N = 23;
let srv, grid2;
const ids = [];

before(async () => {
  srv = await startDistrict();
  const r = await srv.post('/api/v1/_test/clock', { advance_seconds: 40 * 86400 });
  assert.equal(r.status, 200);
  const district = await srv.login('district');
  for (let cursor = ''; !grid2;) {
    const u = await district.get(`/api/v1/units?kind=grid&limit=500${cursor}`);
    grid2 = u.body.items.find((x) => x.code === GRID2);
    if (!u.body.next_cursor) break;
    cursor = `&cursor=${u.body.next_cursor}`;
  }
  assert.ok(grid2, 'fixture: grid 2');
  const b = await district.get(`/api/v1/units?parent=${grid2.id}&kind=building&limit=1`);
  const building = b.body.items[0];
  assert.ok(building, 'fixture: a building in grid 2');
  const resident = await srv.login('resident');
  for (let i = 0; i < N; i++) {
    const unit_id = i < 10 ? building.id : grid2.id;
    const a = await resident.post('/api/v1/appeals', { category: 'noise', title: `噪音热点 ${i}`, unit_id });
    assert.equal(a.status, 201, JSON.stringify(a.body));
    ids.push(a.body.id);
  }
});
after(async () => { await srv.stop(); });

test('hotspots: count is every appeal, appeal_ids the first 20 by id', async () => {
  const r = await (await srv.login('district')).get(`/api/v1/appeals/hotspots?unit=${grid2.id}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.days, 30);
  assert.equal(r.body.min_count, 3);
  assert.equal(r.body.items.length, 1, JSON.stringify(r.body.items.map((x) => [x.category.code, x.count])));
  const [it] = r.body.items;
  assert.equal(it.category.code, 'noise');
  assert.equal(it.count, N);
  assert.deepEqual(it.appeal_ids, [...ids].sort((a, b) => a - b).slice(0, 20));
});

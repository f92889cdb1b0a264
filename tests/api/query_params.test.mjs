// Empty query parameters: `?unit=&from=` — the way docs/API.md writes its
// examples — is the same request as one without them, on every endpoint,
// because the one query accessor (req_query in src/http/request.c) treats an
// empty value as absent. A value that is given is still checked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDistrict } from './lib/district.mjs';

let srv, district, sysadmin;

before(async () => {
  srv = await startDistrict();
  district = await srv.login('district');
  sysadmin = await srv.login('sysadmin');
});
after(async () => { await srv.stop(); });

// The same answer with every listed parameter empty as with none.
async function sameAsBare(c, path, params) {
  const bare = await c.get(path);
  assert.equal(bare.status, 200, `${path}: ${JSON.stringify(bare.body)}`);
  const empty = await c.get(`${path}?${params.map((p) => `${p}=`).join('&')}`);
  assert.equal(empty.status, 200, `${path} with empty ${params}: ${JSON.stringify(empty.body)}`);
  return { bare: bare.body, empty: empty.body };
}

test('appeal measures: ?unit=&from=&to= is the default window of the own unit', async () => {
  const { bare, empty } = await sameAsBare(district, '/api/v1/stats/appeals', ['unit', 'from', 'to']);
  assert.equal(empty.unit.id, bare.unit.id);
  // "to" is now: the two requests may fall in different seconds on a loaded machine
  assert.ok(Math.abs(Date.parse(empty.to) - Date.parse(bare.to)) <= 5000, `${empty.to} vs ${bare.to}`);
  assert.deepEqual(empty.totals, bare.totals);
});

test('hotspots: ?unit=&days=&min_count=&category= takes the documented defaults', async () => {
  const { bare, empty } = await sameAsBare(district, '/api/v1/appeals/hotspots', ['unit', 'days', 'min_count', 'category']);
  assert.equal(empty.days, 30);
  assert.equal(empty.min_count, 3);
  assert.deepEqual(empty, bare);
});

test('lists: appeals, venues, activities, residents and accounts with empty filters', async () => {
  const cases = [
    [district, '/api/v1/appeals', ['status', 'unit', 'category', 'channel', 'overdue', 'from', 'to', 'q', 'assigned', 'mine', 'limit', 'cursor']],
    [district, '/api/v1/venues', ['unit', 'limit', 'cursor']],
    [district, '/api/v1/activities', ['unit', 'from', 'to', 'status', 'mine', 'limit', 'cursor']],
    [district, '/api/v1/residents', ['unit', 'q', 'phone', 'tag', 'limit', 'cursor']],
    [district, '/api/v1/meal-points', ['unit', 'limit', 'cursor']],
    [sysadmin, '/api/v1/accounts', ['q', 'role', 'unit', 'disabled', 'limit', 'cursor']],
  ];
  for (const [c, path, params] of cases) {
    const { bare, empty } = await sameAsBare(c, path, params);
    assert.deepEqual(empty.items.map((x) => x.id), bare.items.map((x) => x.id), path);
  }
});

test('a value that is given is still checked', async () => {
  for (const q of ['unit=abc', 'from=yesterday']) {
    const r = await district.get(`/api/v1/stats/appeals?${q}`);
    assert.equal(r.status, 400, q);
    assert.equal(r.body.error.code, 'request.invalid');
    assert.equal(r.body.error.details.field, q.split('=')[0]);
  }
  assert.equal((await district.get('/api/v1/venues?unit=0')).status, 400);
  assert.equal((await district.get('/api/v1/appeals/hotspots?days=0')).status, 400);
});

// The scope matrix: two sibling grids, two sibling communities, every scoped
// endpoint, every role. An object outside an account's subtree must answer
// 404 with no data, and no list may carry it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDistrict, addUser } from './lib/district.mjs';

const GRID1 = '320506001001001', GRID2 = '320506001001002';
const COMM1 = '320506001001', COMM2 = '320506001002';

let srv, admin;
const objects = {}; // kind → { grid1: id, grid2: id, comm2: id }
let units = {};

async function unitByCode(code) {
  for (const kind of ['street', 'community', 'grid']) {
    let cursor = '';
    for (;;) {
      const r = await admin.get(`/api/v1/units?kind=${kind}&limit=500${cursor}`);
      const u = r.body.items.find((x) => x.code === code);
      if (u) return u;
      if (!r.body.next_cursor) break;
      cursor = `&cursor=${r.body.next_cursor}`;
    }
  }
  throw new Error('no unit ' + code);
}

async function firstIn(path, unitId) {
  const r = await admin.get(`${path}?unit=${unitId}&limit=1`);
  assert.equal(r.status, 200, path);
  assert.ok(r.body.items.length, `${path} has something in unit ${unitId}`);
  return r.body.items[0].id;
}

before(async () => {
  srv = await startDistrict();
  addUser(srv.data.dir, 'gw2', 'grid_worker', GRID2);
  addUser(srv.data.dir, 'cs2', 'community_staff', COMM2);
  admin = await srv.login('district');
  units = { grid1: await unitByCode(GRID1), grid2: await unitByCode(GRID2), comm1: await unitByCode(COMM1), comm2: await unitByCode(COMM2) };
  for (const [kind, path] of Object.entries({ households: '/api/v1/households', residents: '/api/v1/residents', 'party-members': '/api/v1/party-members', stations: '/api/v1/stations' })) {
    objects[kind] = {};
    for (const where of ['grid1', 'grid2', 'comm2']) {
      const r = await admin.get(`${path}?unit=${units[where].id}&limit=1`);
      objects[kind][where] = r.body.items[0]?.id;
    }
  }
  for (const kind of ['households', 'residents', 'party-members']) {
    for (const where of ['grid1', 'grid2', 'comm2']) assert.ok(objects[kind][where], `fixture: ${kind} in ${where}`);
  }
  assert.ok(objects.stations.grid1, 'fixture: a station in grid 1');
  // a central household in grid 1 and one in grid 2
  objects['central-households'] = {};
  for (const where of ['grid1', 'grid2']) {
    const pm = (await admin.get(`/api/v1/party-members?unit=${units[where].id}&limit=1`)).body.items[0];
    const hh = (await admin.get(`/api/v1/households?unit=${units[where].id}&limit=1`)).body.items[0];
    const r = await admin.post('/api/v1/central-households', { household_id: hh.id, party_member_id: pm.id });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    objects['central-households'][where] = r.body.id;
  }
});
after(async () => { await srv.stop(); });

// who → which of grid1, grid2, comm2 objects it may see (by unit scope)
const matrix = {
  gridworker: { grid1: true, grid2: false, comm2: false },
  hubleader: { grid1: true, grid2: false, comm2: false },
  gw2: { grid1: false, grid2: true, comm2: false },
  longqiao: { grid1: true, grid2: true, comm2: false },
  cs2: { grid1: false, grid2: false, comm2: true },
  changqiao: { grid1: true, grid2: true, comm2: true },
  district: { grid1: true, grid2: true, comm2: true },
};

const readable = {
  households: '/api/v1/households/', residents: '/api/v1/residents/', stations: '/api/v1/stations/',
};

test('objects are visible inside the subtree and 404 outside it, for every role', async () => {
  for (const [who, sees] of Object.entries(matrix)) {
    const c = await srv.login(who);
    for (const [kind, path] of Object.entries(readable)) {
      for (const where of ['grid1', 'grid2', 'comm2']) {
        const id = objects[kind][where];
        if (!id) continue;
        const r = await c.get(path + id);
        if (sees[where]) {
          assert.equal(r.status, 200, `${who} should see ${kind} ${id} in ${where}`);
        } else {
          assert.equal(r.status, 404, `${who} must not see ${kind} ${id} in ${where}: ${r.status}`);
          assert.deepEqual(Object.keys(r.body), ['error'], 'a 404 carries no data');
        }
      }
    }
    for (const where of ['grid1', 'grid2', 'comm2']) {
      const r = await c.get(`/api/v1/units/${units[where].id}`);
      assert.equal(r.status, sees[where] ? 200 : 404, `${who} unit ${where}`);
    }
  }
});

test('lists never carry objects from outside the subtree', async () => {
  for (const [who, sees] of Object.entries(matrix)) {
    const c = await srv.login(who);
    for (const kind of ['households', 'residents', 'party-members', 'central-households', 'stations']) {
      const ids = new Set();
      let cursor = '';
      for (let page = 0; page < 200; page++) {
        const r = await c.get(`/api/v1/${kind}?limit=500${cursor}`);
        assert.equal(r.status, 200, `${who} ${kind}`);
        for (const it of r.body.items) ids.add(it.id);
        if (!r.body.next_cursor || who === 'district' || who === 'changqiao') break;
        cursor = `&cursor=${r.body.next_cursor}`;
      }
      for (const where of ['grid1', 'grid2', 'comm2']) {
        const id = objects[kind]?.[where];
        if (!id || sees[where]) continue;
        assert.ok(!ids.has(id), `${who}'s ${kind} list leaks ${id} from ${where}`);
      }
    }
    // naming a unit outside the scope is a 404, not an empty list
    for (const where of ['grid1', 'grid2', 'comm2']) {
      if (sees[where]) continue;
      const r = await c.get(`/api/v1/residents?unit=${units[where].id}`);
      assert.equal(r.status, 404, `${who} ?unit=${where}`);
    }
  }
});

test('counts in stats/org follow the scope', async () => {
  const g = await (await srv.login('gridworker')).get('/api/v1/stats/org');
  assert.equal(g.status, 200);
  assert.equal(g.body.unit_kind, 'grid');
  const d = await admin.get(`/api/v1/stats/org?unit=${units.grid1.id}`);
  assert.deepEqual(g.body, d.body);
  const outside = await (await srv.login('gridworker')).get(`/api/v1/stats/org?unit=${units.grid2.id}`);
  assert.equal(outside.status, 404);
});

test('roles without a permission get 403 from the whole endpoint', async () => {
  const cases = {
    department: ['/api/v1/residents', '/api/v1/households', '/api/v1/party-members'],
    property: ['/api/v1/residents'],
    volunteer: ['/api/v1/residents'],
    sysadmin: ['/api/v1/residents', '/api/v1/audit'],
    secadmin: ['/api/v1/units', '/api/v1/residents'],
    resident: ['/api/v1/residents', '/api/v1/units', '/api/v1/households'],
  };
  for (const [who, paths] of Object.entries(cases)) {
    const c = await srv.login(who);
    for (const p of paths) assert.equal((await c.get(p)).status, 403, `${who} ${p}`);
  }
});

test('a resident sees only their own record', async () => {
  const c = await srv.login('resident');
  const me = c.user.resident_id;
  assert.ok(me);
  const own = await c.get(`/api/v1/residents/${me}`);
  assert.equal(own.status, 200);
  assert.match(own.body.phone, /^\d{3}\*{4}\d{4}$/);
  for (const where of ['grid1', 'grid2', 'comm2']) {
    const id = objects.residents[where];
    if (id === me) continue;
    assert.equal((await c.get(`/api/v1/residents/${id}`)).status, 404);
  }
  assert.equal((await c.post(`/api/v1/residents/${me}/reveal`)).status, 403);
});

test('registrations: seen and decided inside the subtree of their grid, 404 outside it', async () => {
  const grids = { grid1: units.grid1, grid2: units.grid2, comm2: await unitByCode(`${COMM2}001`) };
  const regs = {};
  for (const [where, g] of Object.entries(grids)) {
    const r = await srv.post('/api/v1/registrations', {
      phone: `1990001${String(Object.keys(regs).length + 1).padStart(4, '0')}`, name: `范围 ${where}`,
      password: 'Scope-Passw0rd-1', unit_id: g.id, address: '1幢',
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    regs[where] = r.body.id;
  }
  // resident:write holders; hub leaders and street officers have no such key (403)
  for (const who of ['gridworker', 'gw2', 'longqiao', 'cs2', 'district']) {
    const c = await srv.login(who);
    const list = new Set((await c.get('/api/v1/registrations?limit=500')).body.items.map((x) => x.id));
    for (const where of Object.keys(grids)) {
      const r = await c.get(`/api/v1/registrations/${regs[where]}`);
      if (matrix[who][where]) {
        assert.equal(r.status, 200, `${who} should see the registration in ${where}`);
        assert.ok(list.has(regs[where]), `${who}'s list has ${where}'s`);
      } else {
        assert.equal(r.status, 404, `${who} must not see the registration in ${where}`);
        assert.deepEqual(Object.keys(r.body), ['error']);
        assert.ok(!list.has(regs[where]), `${who}'s list leaks ${where}'s`);
        assert.equal((await c.post(`/api/v1/registrations/${regs[where]}/reject`, { reason: '越界' })).status, 404);
        assert.equal((await c.post(`/api/v1/registrations/${regs[where]}/confirm`, { household_id: objects.households.grid1 })).status, 404);
        assert.equal((await c.get(`/api/v1/registrations?unit=${grids[where].id}`)).status, 404, `${who} ?unit=${where}`);
      }
    }
  }
  for (const who of ['hubleader', 'changqiao']) {
    assert.equal((await (await srv.login(who)).get('/api/v1/registrations')).status, 403, who);
  }
  assert.equal((await admin.get(`/api/v1/registrations/${regs.grid1}`)).body.status, 'pending', 'nothing was decided');
});

test('accounts: read and changed inside the subtree, 404 outside it', async () => {
  // system administrators placed at a grid and at each community
  addUser(srv.data.dir, 'sys.grid1', 'sysadmin', GRID1);
  addUser(srv.data.dir, 'sys.comm1', 'sysadmin', COMM1);
  addUser(srv.data.dir, 'sys.comm2', 'sysadmin', COMM2);
  const accounts = {};
  for (const [where, name] of Object.entries({ grid1: 'gridworker', grid2: 'gw2', comm2: 'cs2' })) {
    accounts[where] = (await srv.login(name)).user.id;
  }
  const sees = {
    'sys.grid1': { grid1: true, grid2: false, comm2: false },
    'sys.comm1': { grid1: true, grid2: true, comm2: false },
    'sys.comm2': { grid1: false, grid2: false, comm2: true },
    sysadmin: { grid1: true, grid2: true, comm2: true },
    secadmin: { grid1: true, grid2: true, comm2: true },
  };
  for (const [who, can] of Object.entries(sees)) {
    const c = await srv.login(who);
    const list = new Set();
    let cursor = '';
    for (let page = 0; page < 50; page++) {
      const r = await c.get(`/api/v1/accounts?limit=500${cursor}`);
      assert.equal(r.status, 200, who);
      for (const a of r.body.items) list.add(a.id);
      if (!r.body.next_cursor) break;
      cursor = `&cursor=${r.body.next_cursor}`;
    }
    for (const where of ['grid1', 'grid2', 'comm2']) {
      const r = await c.get(`/api/v1/accounts/${accounts[where]}`);
      if (can[where]) {
        assert.equal(r.status, 200, `${who} should see the account in ${where}`);
        assert.ok(list.has(accounts[where]), `${who}'s list has ${where}'s`);
        continue;
      }
      assert.equal(r.status, 404, `${who} must not see the account in ${where}`);
      assert.deepEqual(Object.keys(r.body), ['error']);
      assert.ok(!list.has(accounts[where]), `${who}'s list leaks ${where}'s`);
      assert.equal((await c.patch(`/api/v1/accounts/${accounts[where]}`, { display_name: '越界' })).status, 404);
      assert.equal((await c.post(`/api/v1/accounts/${accounts[where]}/password`, { password: 'Over-The-Line-9' })).status, 404);
      assert.equal((await c.get(`/api/v1/accounts?unit=${units[where].id}`)).status, 404, `${who} ?unit=${where}`);
    }
  }
});

test('writes outside the scope are refused like reads', async () => {
  const gw = await srv.login('gridworker');
  const grid2Building = (await admin.get(`/api/v1/units?parent=${units.grid2.id}&limit=1`)).body.items[0];
  let r = await gw.post('/api/v1/households', { building_id: grid2Building.id, room: '999' });
  assert.equal(r.status, 404);
  r = await gw.post('/api/v1/residents', { household_id: objects.households.grid2, name: '越界' });
  assert.equal(r.status, 404);
  r = await gw.patch(`/api/v1/residents/${objects.residents.grid2}`, { name: '越界' });
  assert.equal(r.status, 404);
  r = await gw.patch(`/api/v1/households/${objects.households.grid2}`, { address: '越界' });
  assert.equal(r.status, 404);
  r = await gw.patch(`/api/v1/households/${objects.households.grid1}`, { address: '界内' });
  assert.equal(r.status, 200);
  assert.equal((await gw.get(`/api/v1/households/${objects.households.grid1}`)).body.address, '界内');
  const cs = await srv.login('longqiao');
  r = await cs.post('/api/v1/units', { parent_id: units.comm2.id, name: '越界网格' });
  assert.equal(r.status, 404);
  r = await cs.post(`/api/v1/units/${units.grid1.id}/move`, { parent_id: units.comm2.id });
  assert.equal(r.status, 404, 'moving into a sibling community is outside the scope');
});

// Services: a grid worker reads the venues, meal points and activities of the
// community around their grid (and of the units above it), but a sibling
// community's are 404 — by id, by their slots, and as a ?unit= list — the
// same answer as for an id that does not exist. Staff who manage them see
// their own subtree only.
test('venues, meal points and activities of a sibling community are 404 to a grid worker', async () => {
  const now = Date.parse((await srv.json('/api/v1/_test/clock')).body.now) / 1000;
  const day = new Date((now + 8 * 3600 + 2 * 86400) * 1000).toISOString().slice(0, 10);
  const hours = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['08:00', '20:00']]]));
  const made = { venue: {}, point: {}, activity: {} };
  for (const where of ['comm1', 'comm2']) {
    const unit_id = units[where].id;
    let r = await admin.post('/api/v1/venues', { unit_id, name: `范围场地 ${where}`, capacity: 10, opening_hours: hours });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    made.venue[where] = r.body.id;
    r = await admin.post('/api/v1/meal-points', {
      unit_id, name: `范围助餐点 ${where}`, address: '服务中心', daily_capacity: 10, modes: ['dine_in'],
      price_fen: 1000, subsidy_fen: 500, order_cutoff: '10:00', eligibility: ['aged_80_plus'],
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    made.point[where] = r.body.id;
    const start = new Date((now + 2 * 86400) * 1000).toISOString();
    const end = new Date((now + 2 * 86400 + 3600) * 1000).toISOString();
    r = await admin.post('/api/v1/activities', { unit_id, title: `范围活动 ${where}`, place: '广场', start, end, capacity: 5 });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    made.activity[where] = r.body.id;
  }
  const missing = 987654321;
  const notFound = (r, what) => {
    assert.equal(r.status, 404, `${what}: ${r.status} ${JSON.stringify(r.body)}`);
    assert.deepEqual(Object.keys(r.body), ['error'], `${what}: a 404 carries no data`);
  };
  const paths = {
    venue: (id) => [`/api/v1/venues/${id}`, `/api/v1/venues/${id}/slots?date=${day}`],
    point: (id) => [`/api/v1/meal-points/${id}`],
    activity: (id) => [`/api/v1/activities/${id}`],
  };
  const lists = { venue: '/api/v1/venues', point: '/api/v1/meal-points', activity: '/api/v1/activities' };

  // gridworker (grid 1 of community 1) and cs2 (staff of community 2)
  for (const [who, own, other] of [['gridworker', 'comm1', 'comm2'], ['cs2', 'comm2', 'comm1']]) {
    const c = await srv.login(who);
    for (const kind of Object.keys(made)) {
      for (const p of paths[kind](made[kind][own])) assert.equal((await c.get(p)).status, 200, `${who} ${p}`);
      for (const p of paths[kind](made[kind][other])) notFound(await c.get(p), `${who} ${kind} in ${other}`);
      for (const p of paths[kind](missing)) notFound(await c.get(p), `${who} missing ${kind}`);
      const mine = await c.get(`${lists[kind]}?unit=${units[own].id}&limit=500`);
      assert.equal(mine.status, 200, `${who} ${kind} ?unit=${own}`);
      assert.ok(mine.body.items.some((x) => x.id === made[kind][own]), `${who}'s ${kind} list has its own`);
      notFound(await c.get(`${lists[kind]}?unit=${units[other].id}`), `${who} ${kind} ?unit=${other}`);
      notFound(await c.get(`${lists[kind]}?unit=${missing}`), `${who} ${kind} ?unit=missing`);
    }
    // the check-in QR code: 404 for a venue outside, as for a missing one
    notFound(await c.get(`/api/v1/venues/${made.venue[other]}/qr.svg`), `${who} qr.svg in ${other}`);
    notFound(await c.get(`/api/v1/venues/${missing}/qr.svg`), `${who} qr.svg missing`);
  }
  // a grid worker may see their community's venue but not print its code
  const gw = await srv.login('gridworker');
  assert.equal((await gw.get(`/api/v1/venues/${made.venue.comm1}/qr.svg`)).status, 403);
  // residents book anywhere: any active venue stays readable to them
  const res = await srv.login('resident');
  assert.equal((await res.get(`/api/v1/venues/${made.venue.comm2}`)).status, 200);
  notFound(await res.get(`/api/v1/venues/${missing}/qr.svg`), 'resident qr.svg missing');
});

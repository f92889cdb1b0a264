// Residents' personal data: validation, masking everywhere, reveal with
// permission and audit, exact phone search, nothing in plaintext on disk.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DB } from './lib/harness.mjs';
import { startDistrict, addUser } from './lib/district.mjs';

const PHONE = '13987654321';
const IDN = '11010519491231002X';
let srv, staff, householdId, residentId;

// GB 11643 check character of the first 17 digits (ISO 7064 MOD 11-2).
export function idCheck(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * w[i];
  return '10X98765432'[sum % 11];
}

// How many ID numbers agree with everything a resident record shows: the
// mask's region and check character, the birth month and the gender.
function candidates(r) {
  const m = /^(\d{6})\*{11}([\dX])$/.exec(r.id_number);
  assert.ok(m, `mask ${r.id_number} shows more than region and check`);
  assert.match(r.birth_ym, /^\d{4}-\d{2}$/);
  const [y, mo] = r.birth_ym.split('-').map(Number);
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  let n = 0;
  for (let d = 1; d <= days; d++) {
    for (let seq = 1; seq <= 999; seq++) {
      if (r.gender === 'male' && seq % 2 === 0) continue;
      if (r.gender === 'female' && seq % 2 === 1) continue;
      const s17 = `${m[1]}${r.birth_ym.replace('-', '')}${String(d).padStart(2, '0')}${String(seq).padStart(3, '0')}`;
      if (idCheck(s17) === m[2]) n++;
    }
  }
  return n;
}

before(async () => {
  srv = await startDistrict();
  staff = await srv.login('longqiao');
  const grid = (await staff.get('/api/v1/units?kind=grid&limit=1')).body.items[0];
  const building = (await staff.get(`/api/v1/units?parent=${grid.id}&limit=1`)).body.items[0];
  const h = await staff.post('/api/v1/households', { building_id: building.id, room: '1801', address: '龙桥路8号' });
  assert.equal(h.status, 201, JSON.stringify(h.body));
  householdId = h.body.id;
  const r = await staff.post('/api/v1/residents', {
    household_id: householdId, name: '王秀英', phone: '139-8765-4321', id_number: IDN.toLowerCase(), tags: ['living_alone'],
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  residentId = r.body.id;
});
after(async () => { await srv.stop(); });

test('a new resident is answered masked, with age tags derived from the birth date', async () => {
  const r = await staff.get(`/api/v1/residents/${residentId}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.phone, '139****4321');
  assert.equal(r.body.id_number, '110105***********X');
  assert.equal(r.body.birth_ym, '1949-12');
  assert.equal(r.body.birth_date, undefined);
  assert.equal(r.body.gender, 'female');
  assert.ok(r.body.age >= 76);
  assert.deepEqual(r.body.tags, ['living_alone']);
  await srv.post('/api/v1/_test/clock', { advance_seconds: 5 * 365 * 86400 });
  const later = await (await srv.login('longqiao')).get(`/api/v1/residents/${residentId}`);
  assert.ok(later.body.tags.includes('aged_80_plus'), JSON.stringify(later.body.tags));
  staff = await srv.login('longqiao');
});

test('no answer anywhere carries a whole phone or ID number', async () => {
  const bodies = [
    await staff.get(`/api/v1/residents/${residentId}`),
    await staff.get(`/api/v1/residents?phone=${PHONE}`),
    await staff.get(`/api/v1/residents?q=王秀英`),
    await staff.get(`/api/v1/residents?limit=500`),
    await staff.get(`/api/v1/households/${householdId}`),
  ].map((r) => JSON.stringify(r.body));
  for (const b of bodies) {
    assert.ok(!b.includes(PHONE), 'phone leaked');
    assert.ok(!b.includes(IDN), 'ID number leaked');
  }
  const all = (await staff.get('/api/v1/residents?limit=500')).body.items;
  assert.ok(all.length > 10);
  for (const r of all) {
    assert.match(r.phone, /^\d{3}\*{4}\d{4}$/);
    assert.match(r.id_number, /^\d{6}\*{11}[\dX]$/);
  }
});

test('search by exact phone finds the resident through the blind index', async () => {
  const r = await staff.get(`/api/v1/residents?phone=${encodeURIComponent('+86 139 8765 4321')}`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.items.map((x) => x.id), [residentId]);
  const none = await staff.get('/api/v1/residents?phone=13987654320');
  assert.deepEqual(none.body.items, []);
  assert.equal((await staff.get('/api/v1/residents?phone=12345')).status, 400);
});

test('reveal needs resident:reveal, answers plaintext and is audited', async () => {
  const officer = await srv.login('changqiao');
  const denied = await officer.post(`/api/v1/residents/${residentId}/reveal`);
  assert.equal(denied.status, 403);
  const r = await staff.post(`/api/v1/residents/${residentId}/reveal`);
  assert.equal(r.status, 200);
  assert.equal(r.body.phone, PHONE);
  assert.equal(r.body.id_number, IDN);
  const auditor = await srv.login('auditor');
  const log = await auditor.get('/api/v1/audit?action=resident.reveal');
  const row = log.body.items.find((i) => i.object_id === String(residentId));
  assert.ok(row, 'reveal audited');
  assert.equal(row.actor_name, 'longqiao');
  assert.equal(row.outcome, 'ok');
  assert.ok(!JSON.stringify(log.body).includes(PHONE), 'the audit log holds no personal data');
});

test('bad input is refused with the field named and nothing stored', async () => {
  const before = (await staff.get(`/api/v1/stats/org`)).body.residents;
  const cases = [
    [{ household_id: householdId, name: '甲', id_number: '110105194912310021' }, 'id_number'],
    [{ household_id: householdId, name: '甲', phone: '12345678' }, 'phone'],
    [{ household_id: householdId, name: '甲', birth_date: '1950-02-30' }, 'birth_date'],
    [{ household_id: householdId, name: '甲', id_number: IDN, birth_date: '1950-01-01' }, 'birth_date'],
    [{ household_id: householdId, name: '甲', id_number: IDN, birth_date: '1949-12-30' }, 'birth_date'],
    [{ household_id: householdId, name: '甲', id_number: IDN, birth_ym: '1950-12' }, 'birth_ym'],
    [{ household_id: householdId, name: '甲', birth_ym: '1950-13' }, 'birth_ym'],
    [{ household_id: householdId, name: '甲', tags: ['vip'] }, 'tags'],
    [{ household_id: householdId, name: '' }, 'name'],
    [{ household_id: householdId, name: '甲', gender: 'x' }, 'gender'],
    [{ household_id: householdId, name: '甲', nickname: '小甲' }, 'nickname'],
  ];
  for (const [body, field] of cases) {
    const r = await staff.post('/api/v1/residents', body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.body.error.details.field, field);
  }
  const dup = await staff.post('/api/v1/residents', { household_id: householdId, name: '重复', id_number: IDN });
  assert.equal(dup.status, 409);
  assert.equal(dup.body.error.code, 'resident.duplicate_id_number');
  assert.equal((await staff.get(`/api/v1/stats/org`)).body.residents, before);
});

test('nothing a grid worker without resident:reveal reads completes an ID number', async () => {
  const gw = await srv.login('gridworker');
  assert.ok(!gw.user.roles.includes('resident:reveal'));
  const grid = (await gw.get('/api/v1/units?kind=grid&limit=1')).body.items[0];
  const building = (await gw.get(`/api/v1/units?parent=${grid.id}&limit=1`)).body.items[0];
  const h = await gw.post('/api/v1/households', { building_id: building.id, room: '2702' });
  assert.equal(h.status, 201, JSON.stringify(h.body));
  const s17 = '32050619870315031';
  const idn = s17 + idCheck(s17);
  const c = await gw.post('/api/v1/residents', { household_id: h.body.id, name: '张建国', id_number: idn, phone: '13912340001' });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const answers = [
    await gw.get(`/api/v1/residents/${c.body.id}`),
    await gw.get('/api/v1/residents?limit=500'),
    await gw.get(`/api/v1/residents?q=${encodeURIComponent('张建国')}`),
    await gw.get('/api/v1/residents?phone=13912340001'),
    await gw.get('/api/v1/residents?tag=living_alone&limit=500'),
    await gw.get(`/api/v1/households/${h.body.id}`),
  ];
  for (const a of answers) {
    assert.equal(a.status, 200);
    const text = JSON.stringify(a.body);
    for (const needle of ['19870315', '1987-03-15', '0315031', '031' + idn[17]]) {
      assert.ok(!text.includes(needle), `'${needle}' readable in ${text.slice(0, 200)}`);
    }
  }
  const mine = answers[0].body;
  assert.equal(mine.id_number, '320506***********' + idn[17]);
  assert.equal(mine.birth_ym, '1987-03');
  assert.equal(mine.gender, 'male');
  assert.ok(candidates(mine) >= 100, `only ${candidates(mine)} numbers fit`);
  // and every demo resident the grid worker sees
  const all = answers[1].body.items;
  assert.ok(all.length > 10);
  for (const r of all) {
    assert.equal(r.birth_date, undefined);
    assert.ok(candidates(r) >= 100, `resident ${r.id}: ${candidates(r)} numbers fit`);
  }
});

test('the database keeps no birth date and no mask with birth or sequence digits', async () => {
  let blobs = [];
  if (DB === 'sqlite') {
    spawnSync('sqlite3', [join(srv.data.dir, 'shuniu.db'), 'PRAGMA wal_checkpoint(FULL)']);
    blobs = readdirSync(srv.data.dir).filter((f) => f.startsWith('shuniu.db')).map((f) => readFileSync(join(srv.data.dir, f)));
  } else {
    const r = spawnSync('pg_dump', [srv.data.dbUrl], { maxBuffer: 1 << 30 });
    assert.equal(r.status, 0, String(r.stderr));
    blobs = [r.stdout];
  }
  for (const b of blobs) {
    for (const needle of ['1949-12-31', '19491231', '********002X', '1987-03-15', '********0317']) {
      assert.equal(b.indexOf(Buffer.from(needle)), -1, `'${needle}' found in plaintext`);
    }
  }
  const cols = DB === 'sqlite'
    ? spawnSync('sqlite3', [join(srv.data.dir, 'shuniu.db'), "SELECT name FROM pragma_table_info('residents')"], { encoding: 'utf8' }).stdout
    : srv.data.psql("SELECT column_name FROM information_schema.columns WHERE table_name = 'residents'");
  assert.ok(cols.includes('birth_ym'), cols);
  assert.ok(!cols.includes('birth_date'), 'a birth_date column is left');
});

test('exact phone searches are audited and limited to 30 an hour per account', async () => {
  const gw = await srv.login('gridworker');
  addUser(srv.data.dir, 'gw-search', 'grid_worker', gw.user.unit.code);
  const prober = await srv.login('gw-search');
  for (let i = 0; i < 30; i++) {
    const r = await prober.get(`/api/v1/residents?phone=1391234${String(i).padStart(4, '0')}`);
    assert.equal(r.status, 200, `search ${i + 1}: ${JSON.stringify(r.body)}`);
  }
  const limited = await prober.get('/api/v1/residents?phone=13912349999');
  assert.equal(limited.status, 429);
  assert.equal(limited.body.error.code, 'search.limited');
  assert.ok(Number(limited.headers.get('retry-after')) > 0);
  // another account is not held back, and searches by name are not counted
  assert.equal((await gw.get('/api/v1/residents?phone=13912340001')).status, 200);
  assert.equal((await prober.get(`/api/v1/residents?q=${encodeURIComponent('张')}`)).status, 200);
  const auditor = await srv.login('auditor');
  const log = await auditor.get('/api/v1/audit?action=search.exact&actor=gw-search&limit=500');
  assert.equal(log.status, 200);
  const mine = log.body.items.filter((i) => i.actor_name === 'gw-search');
  assert.equal(mine.length, 31);
  assert.equal(mine.filter((i) => i.outcome === 'denied').length, 1);
  assert.ok(!JSON.stringify(log.body).includes('13912349999'), 'the audit log holds no number');
  // an hour later the account may search again
  await srv.post('/api/v1/_test/clock', { advance_seconds: 3601 });
  const again = await (await srv.login('gw-search')).get('/api/v1/residents?phone=13912349999');
  assert.equal(again.status, 200);
  staff = await srv.login('longqiao');
});

test('demo residents have valid ID numbers of both sexes, sensible ages and adult Party members', async () => {
  const all = (await staff.get('/api/v1/residents?limit=500')).body.items.filter((r) => r.is_demo);
  assert.ok(all.length >= 100, `${all.length} demo residents`);
  const genders = new Set(all.map((r) => r.gender));
  assert.ok(genders.has('male') && genders.has('female'), [...genders].join());
  const old = all.filter((r) => r.age >= 80).length;
  assert.ok(old < all.length * 0.15, `${old} of ${all.length} aged 80 or more`);
  assert.ok(all.some((r) => r.age < 14), 'some children');
  assert.ok(all.some((r) => r.age >= 60), 'some elderly');
  for (const r of all.slice(0, 40)) {
    const v = await staff.post(`/api/v1/residents/${r.id}/reveal`);
    assert.equal(v.status, 200);
    const id = v.body.id_number;
    assert.match(id, /^\d{17}[\dX]$/);
    assert.equal(id[17], idCheck(id.slice(0, 17)), `${id}: check character`);
    assert.equal(Number(id[16]) % 2 === 1 ? 'male' : 'female', r.gender, `${id}: sex digit`);
    assert.equal(`${id.slice(6, 10)}-${id.slice(10, 12)}`, r.birth_ym);
    assert.notEqual(id.slice(14, 17), '000', 'sequence 000 is not issued');
  }
  const members = (await staff.get('/api/v1/party-members?limit=500')).body.items;
  assert.ok(members.length > 0);
  for (const m of members) {
    const r = await staff.get(`/api/v1/residents/${m.resident_id}`);
    assert.ok(r.body.age >= 18, `Party member ${m.resident_id} is ${r.body.age}`);
  }
});

test('writing residents with ID numbers counts as exact look-ups: the duplicate answer is no free oracle', async () => {
  const gw = await srv.login('gridworker');
  addUser(srv.data.dir, 'gw-idprobe', 'grid_worker', gw.user.unit.code);
  const prober = await srv.login('gw-idprobe');
  const grid = (await prober.get('/api/v1/units?kind=grid&limit=1')).body.items[0];
  const building = (await prober.get(`/api/v1/units?parent=${grid.id}&limit=1`)).body.items[0];
  const h = await prober.post('/api/v1/households', { building_id: building.id, room: '3303' });
  assert.equal(h.status, 201);
  const r = await prober.post('/api/v1/residents', { household_id: h.body.id, name: '试探' });
  assert.equal(r.status, 201);
  const answers = [];
  for (let seq = 1; seq <= 31; seq++) {
    const s17 = `32050619870315${String(seq * 2 + 1).padStart(3, '0')}`;
    answers.push((await prober.patch(`/api/v1/residents/${r.body.id}`, { id_number: s17 + idCheck(s17) })).status);
  }
  assert.deepEqual(answers.slice(0, 30).filter((s) => s !== 200 && s !== 409), []);
  assert.equal(answers[30], 429);
  const dup = await prober.post('/api/v1/residents', { household_id: h.body.id, name: '再试', id_number: IDN });
  assert.equal(dup.status, 429);
  assert.equal(dup.body.error.code, 'search.limited');
  // without an ID number the account still writes
  assert.equal((await prober.patch(`/api/v1/residents/${r.body.id}`, { name: '改名' })).status, 200);
  const auditor = await srv.login('auditor');
  const log = await auditor.get('/api/v1/audit?action=search.exact&actor=gw-idprobe&limit=500');
  assert.equal(log.body.items.filter((i) => i.actor_name === 'gw-idprobe').length, 32);
});

test('a known phone number appears nowhere in the database files in plaintext', async () => {
  let blobs = [];
  if (DB === 'sqlite') {
    // checkpoint so the WAL is folded in too, then read every file
    spawnSync('sqlite3', [join(srv.data.dir, 'shuniu.db'), 'PRAGMA wal_checkpoint(FULL)']);
    blobs = readdirSync(srv.data.dir).filter((f) => f.startsWith('shuniu.db')).map((f) => readFileSync(join(srv.data.dir, f)));
  } else {
    const r = spawnSync('pg_dump', ['--data-only', srv.data.dbUrl], { maxBuffer: 1 << 30 });
    assert.equal(r.status, 0, String(r.stderr));
    blobs = [r.stdout];
  }
  assert.ok(blobs.length > 0);
  for (const b of blobs) {
    for (const needle of [PHONE, IDN]) {
      assert.equal(b.indexOf(Buffer.from(needle)), -1, `'${needle}' found in plaintext`);
    }
  }
  // and the demo's residents too: the first generated phone
  for (const b of blobs) assert.equal(b.indexOf(Buffer.from('13000012345')), -1);
});

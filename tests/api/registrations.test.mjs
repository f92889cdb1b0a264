// Residents' self-registration: sign up with a phone number, sign in at once,
// wait for a grid worker of the grid (or community staff) to bind the account
// to a resident record; rejection and applying again; the schema's guarantees
// (one account per resident record, one pending registration, one decision).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDistrict, addUser, login } from './lib/district.mjs';

const GRID1 = '320506001001001', GRID2 = '320506001001002', COMM1 = '320506001001', COMM2 = '320506001002';
const PASSWORD = 'Reg-Passw0rd-7';
const LIMIT = 100;

let srv, admin, gw, gw2, staff, staff2, auditor;
let grid1, grid2, comm1, comm2, household1, household1b;
let phoneSeq = 0;

// A fresh mobile number per registration: 199 0000 xxxx are not demo numbers.
const nextPhone = () => `1990000${String(1000 + ++phoneSeq).slice(-4)}`;

async function unitByCode(code) {
  for (const kind of ['community', 'grid']) {
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

async function register(fields = {}) {
  const phone = fields.phone || nextPhone();
  const r = await srv.post('/api/v1/registrations', {
    phone, name: '注册测试', password: PASSWORD, unit_id: grid1.id, address: '1幢 101室', ...fields,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { id: r.body.id, phone, body: r.body };
}

async function registeredClient(fields) {
  const reg = await register(fields);
  return { ...reg, client: await login(srv, reg.phone, PASSWORD) };
}

async function newResident(householdId, phone, name = '李桂兰') {
  const r = await admin.post('/api/v1/residents', { household_id: householdId, name, phone });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id;
}

before(async () => {
  srv = await startDistrict({ config: `registration_limit = ${LIMIT}` });
  addUser(srv.data.dir, 'gw2', 'grid_worker', GRID2);
  addUser(srv.data.dir, 'cs2', 'community_staff', COMM2);
  admin = await srv.login('district');
  gw = await srv.login('gridworker');
  gw2 = await srv.login('gw2');
  staff = await srv.login('longqiao');
  staff2 = await srv.login('cs2');
  auditor = await srv.login('auditor');
  grid1 = await unitByCode(GRID1);
  grid2 = await unitByCode(GRID2);
  comm1 = await unitByCode(COMM1);
  comm2 = await unitByCode(COMM2);
  const hh = (await admin.get(`/api/v1/households?unit=${grid1.id}&limit=2`)).body.items;
  [household1, household1b] = hh;
  assert.ok(household1 && household1b, 'fixture: two households in grid 1');
});
after(async () => { await srv.stop(); });

test('a resident registers, signs in with the phone number at once and sees the pending state', async () => {
  const { id, phone, client } = await registeredClient({ phone: '199-0000-0001', name: '张建国' });
  assert.equal(client.user.display_name, '张建国');
  assert.deepEqual(client.user.roles, ['resident']);
  assert.equal(client.user.resident_id, null);
  assert.equal(client.user.unit.id, grid1.id);
  assert.equal(client.user.registration.status, 'pending');
  assert.equal(client.user.registration.id, id);
  assert.ok(client.user.username.startsWith('tel-'), client.user.username);
  assert.ok(!JSON.stringify(client.user).includes('19900000001'), 'the user carries no phone number');

  const mine = await client.get('/api/v1/registrations/mine');
  assert.equal(mine.status, 200);
  assert.equal(mine.body.status, 'pending');
  assert.equal(mine.body.phone, '199****0001');
  assert.equal(mine.body.bound, false);
  assert.equal(mine.body.unit.id, grid1.id);

  // not bound yet, but reporting works
  const ap = await client.post('/api/v1/appeals', { category: 'noise', title: '楼上装修噪音', unit_id: grid1.id });
  assert.equal(ap.status, 201, JSON.stringify(ap.body));
  // and the same phone in another spelling signs in too
  assert.equal((await login(srv, '+86 199 0000 0001', PASSWORD)).user.id, client.user.id);
  // staff see the number masked, never whole
  assert.equal(phone, '199-0000-0001');
  const seen = await gw.get(`/api/v1/registrations/${id}`);
  assert.equal(seen.body.phone, '199****0001');
  assert.ok(!JSON.stringify(seen.body).includes('19900000001'), 'no whole phone number for staff');
});

test('a pending registration is seen by the grid worker of its grid and community staff, 404 for a sibling grid', async () => {
  const { id } = await register({ name: '王小明', address: '3幢 502室', note: '刚搬来' });
  for (const who of [gw, staff]) {
    const list = await who.get('/api/v1/registrations?status=pending&limit=500');
    assert.equal(list.status, 200);
    const item = list.body.items.find((x) => x.id === id);
    assert.ok(item, 'listed');
    assert.equal(item.name, '王小明');
    assert.equal(item.address, '3幢 502室');
    assert.equal(item.note, '刚搬来');
    assert.match(item.phone, /^199\*\*\*\*\d{4}$/);
    assert.equal(item.unit.id, grid1.id);
    assert.ok(item.created_at.endsWith('+08:00'));
    assert.ok(Array.isArray(item.candidates));
    assert.equal((await who.get(`/api/v1/registrations/${id}`)).status, 200);
  }
  const other = await gw2.get('/api/v1/registrations?limit=500');
  assert.equal(other.status, 200);
  assert.ok(!other.body.items.some((x) => x.id === id), "not in the sibling grid's list");
  const r = await gw2.get(`/api/v1/registrations/${id}`);
  assert.equal(r.status, 404);
  assert.deepEqual(Object.keys(r.body), ['error']);
  assert.equal((await gw2.post(`/api/v1/registrations/${id}/confirm`, { household_id: household1.id })).status, 404);
  assert.equal((await gw2.post(`/api/v1/registrations/${id}/reject`, { reason: '不在本网格' })).status, 404);
  // narrowing to a unit outside the scope is a 404 too
  assert.equal((await gw.get(`/api/v1/registrations?unit=${grid2.id}`)).status, 404);
});

test('who may review: resident:write only', async () => {
  const { client } = await registeredClient();
  assert.equal((await client.get('/api/v1/registrations')).status, 403);
  const hub = await srv.login('hubleader');
  assert.equal((await hub.get('/api/v1/registrations')).status, 403);
  assert.equal((await srv.json('/api/v1/registrations/mine')).status, 401);
  assert.equal((await gw.get('/api/v1/registrations/mine')).status, 403);
});

test('confirming to an existing resident binds the account; the resident then reads their own record', async () => {
  const phone = nextPhone();
  const rid = await newResident(household1.id, phone, '陈美华');
  const { id, client } = await registeredClient({ phone, name: '陈美华' });

  const detail = await gw.get(`/api/v1/registrations/${id}`);
  assert.equal(detail.status, 200);
  const cand = detail.body.candidates.find((x) => x.id === rid);
  assert.ok(cand, 'the resident with the same phone in the grid is a candidate');
  assert.equal(cand.bound, false);
  assert.equal(cand.household_id, household1.id);
  assert.match(cand.phone, /^199\*\*\*\*\d{4}$/);
  assert.ok(!JSON.stringify(detail.body).includes(phone), 'no whole phone number in the answer');

  assert.equal((await client.get(`/api/v1/residents/${rid}`)).status, 404, 'not before the binding');
  const r = await gw.post(`/api/v1/registrations/${id}/confirm`, { resident_id: rid });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.status, 'confirmed');
  assert.equal(r.body.resident_id, rid);
  assert.equal(r.body.household_id, household1.id);

  const me = (await client.get('/api/v1/auth/me')).body.user;
  assert.equal(me.resident_id, rid);
  assert.equal(me.registration.status, 'confirmed');
  assert.equal(me.registration.household.id, household1.id);
  const own = await client.get(`/api/v1/residents/${rid}`);
  assert.equal(own.status, 200);
  assert.equal(own.body.name, '陈美华');
  const mine = (await client.get('/api/v1/registrations/mine')).body;
  assert.equal(mine.status, 'confirmed');
  assert.equal(mine.bound, true);
  assert.equal(mine.household.id, household1.id);
  assert.ok(mine.decided_at);

  const msgs = (await client.get('/api/v1/messages')).body.items;
  assert.ok(msgs.some((m) => m.kind === 'registration' && m.title.includes('确认')), JSON.stringify(msgs));

  const log = (await auditor.get('/api/v1/audit?action=registration.confirm')).body.items;
  const row = log.find((x) => x.object_id === String(id));
  assert.ok(row, 'confirm audited');
  assert.equal(row.actor_name, 'gridworker');
  assert.ok(!JSON.stringify(log).includes(phone), 'the audit log holds no phone');
  const created = (await auditor.get('/api/v1/audit?action=registration.create')).body.items;
  assert.ok(created.some((x) => x.object_id === String(id)), 'registration audited');

  // a bound account cannot apply again
  const again = await client.post('/api/v1/registrations/mine', { unit_id: grid1.id, address: '2幢' });
  assert.equal(again.status, 409);
  assert.equal(again.body.error.code, 'registration.already_bound');
  // and the decision is final
  const twice = await gw.post(`/api/v1/registrations/${id}/reject`, { reason: '重复' });
  assert.equal(twice.status, 409);
  assert.equal(twice.body.error.code, 'registration.not_pending');
});

test('confirming into a household creates the resident record from the registration', async () => {
  const phone = nextPhone();
  const { id, client } = await registeredClient({ phone, name: '刘晓燕' });
  const r = await staff.post(`/api/v1/registrations/${id}/confirm`, { household_id: household1b.id });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const rid = r.body.resident_id;
  const rec = await staff.get(`/api/v1/residents/${rid}`);
  assert.equal(rec.status, 200);
  assert.equal(rec.body.name, '刘晓燕');
  assert.equal(rec.body.household_id, household1b.id);
  assert.equal(rec.body.phone, `199****${phone.slice(-4)}`);
  const byPhone = (await staff.get(`/api/v1/residents?phone=${phone}`)).body.items;
  assert.deepEqual(byPhone.map((x) => x.id), [rid], 'found through the blind index');
  assert.equal((await client.get('/api/v1/auth/me')).body.user.resident_id, rid);
  assert.equal((await client.get(`/api/v1/residents/${rid}`)).status, 200);
  const log = (await auditor.get('/api/v1/audit?action=resident.create')).body.items;
  assert.ok(log.some((x) => x.object_id === String(rid) && x.actor_name === 'longqiao'));
});

test('a confirmation moves the account to the grid of the household', async () => {
  const hh2 = (await admin.get(`/api/v1/households?unit=${grid2.id}&limit=1`)).body.items[0];
  const { id, client } = await registeredClient(); // claimed grid 1, lives in grid 2
  const r = await staff.post(`/api/v1/registrations/${id}/confirm`, { household_id: hh2.id });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal((await client.get('/api/v1/auth/me')).body.user.unit.id, grid2.id);
  // a grid worker cannot reach a household outside the grid
  const other = await register();
  const denied = await gw.post(`/api/v1/registrations/${other.id}/confirm`, { household_id: hh2.id });
  assert.equal(denied.status, 404);
  assert.equal((await gw.get(`/api/v1/registrations/${other.id}`)).body.status, 'pending', 'still pending');
});

test('a rejection carries its reason to the resident, who applies again', async () => {
  const { id, client } = await registeredClient();
  const bad = await gw.post(`/api/v1/registrations/${id}/reject`, { reason: '  ' });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.details.field, 'reason');
  const r = await gw.post(`/api/v1/registrations/${id}/reject`, { reason: '本网格查无此房号，请核对楼栋' });
  assert.equal(r.status, 200, JSON.stringify(r.body));

  const me = (await client.get('/api/v1/auth/me')).body.user;
  assert.equal(me.registration.status, 'rejected');
  assert.equal(me.registration.reason, '本网格查无此房号，请核对楼栋');
  const msgs = (await client.get('/api/v1/messages')).body.items;
  assert.ok(msgs.some((m) => m.kind === 'registration' && m.body === '本网格查无此房号，请核对楼栋'));
  assert.ok((await auditor.get('/api/v1/audit?action=registration.reject')).body.items.some((x) => x.object_id === String(id)));

  const again = await client.post('/api/v1/registrations/mine', { unit_id: grid1.id, address: '5幢 1201室', note: '门牌已核对' });
  assert.equal(again.status, 201, JSON.stringify(again.body));
  assert.notEqual(again.body.id, id);
  const mine = (await client.get('/api/v1/registrations/mine')).body;
  assert.equal(mine.status, 'pending');
  assert.equal(mine.address, '5幢 1201室');
  assert.equal(mine.reason, '');
  assert.equal(mine.phone.slice(0, 3), '199', 'the phone carries over');

  const dup = await client.post('/api/v1/registrations/mine', { unit_id: grid1.id, address: '5幢 1201室' });
  assert.equal(dup.status, 409);
  assert.equal(dup.body.error.code, 'registration.pending_exists');

  const cancel = await client.post('/api/v1/registrations/mine/cancel');
  assert.equal(cancel.status, 200);
  assert.equal((await client.get('/api/v1/registrations/mine')).body.status, 'cancelled');
  const cancel2 = await client.post('/api/v1/registrations/mine/cancel');
  assert.equal(cancel2.status, 409);
  assert.equal(cancel2.body.error.code, 'registration.not_pending');
  const list = (await gw.get('/api/v1/registrations?status=pending&limit=500')).body.items;
  assert.ok(!list.some((x) => x.id === again.body.id), 'a cancelled one is not pending');
});

test('length limits count characters, not bytes: 300 Chinese characters of reason, 500 of note', async () => {
  const long = await register({ name: '欧阳'.repeat(30), address: '幢'.repeat(200), note: '注'.repeat(500) });
  const mine = (await gw.get(`/api/v1/registrations/${long.id}`)).body;
  assert.equal(mine.note, '注'.repeat(500));
  assert.equal(mine.name.length, 60);
  const tooLong = await srv.post('/api/v1/registrations', {
    phone: nextPhone(), name: '测试', password: PASSWORD, unit_id: grid1.id, address: '幢'.repeat(201),
  });
  assert.equal(tooLong.status, 400);
  assert.equal(tooLong.body.error.details.field, 'address');
  assert.match(tooLong.body.error.details.reason, /200 characters/);
  const over = await gw.post(`/api/v1/registrations/${long.id}/reject`, { reason: '核'.repeat(301) });
  assert.equal(over.status, 400);
  assert.equal(over.body.error.details.field, 'reason');
  const r = await gw.post(`/api/v1/registrations/${long.id}/reject`, { reason: '核'.repeat(300) });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal((await gw.get(`/api/v1/registrations/${long.id}`)).body.reason, '核'.repeat(300));
});

test('a phone number registers one account', async () => {
  const { phone } = await register();
  for (const spelling of [phone, `+86 ${phone.slice(0, 3)}-${phone.slice(3, 7)}-${phone.slice(7)}`]) {
    const r = await srv.post('/api/v1/registrations', { phone: spelling, name: '重复', password: PASSWORD, unit_id: grid1.id, address: '1幢' });
    assert.equal(r.status, 409);
    assert.equal(r.body.error.code, 'registration.phone_taken');
  }
});

test('a phone account cannot make its phone number its password, in any spelling', async () => {
  const { phone, client } = await registeredClient();
  const spellings = [phone, `+86 ${phone}`, `${phone.slice(0, 3)}-${phone.slice(3, 7)}-${phone.slice(7)}`, `+86 ${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`];
  for (const pw of spellings) {
    const r = await client.post('/api/v1/auth/password', { current_password: PASSWORD, new_password: pw });
    assert.equal(r.status, 400, pw);
    assert.equal(r.body.error.code, 'auth.weak_password', pw);
  }
  await login(srv, phone, PASSWORD);
});

test('concurrent registrations of one phone number: exactly one account', async () => {
  const phone = nextPhone();
  const tries = await Promise.all(Array.from({ length: 6 }, (_, i) => srv.post('/api/v1/registrations', {
    phone, name: `并发 ${i}`, password: PASSWORD, unit_id: grid1.id, address: '1幢',
  })));
  const ok = tries.filter((r) => r.status === 201);
  assert.equal(ok.length, 1, JSON.stringify(tries.map((r) => [r.status, r.body])));
  for (const r of tries.filter((x) => x.status !== 201)) {
    assert.equal(r.status, 409, JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'registration.phone_taken');
  }
  const c = await login(srv, phone, PASSWORD);
  assert.equal(c.user.id, ok[0].body.account_id);
  const pending = (await gw.get('/api/v1/registrations?status=pending&limit=500')).body.items;
  assert.equal(pending.filter((x) => x.name.startsWith('并发')).length, 1, 'one registration');
});

test('a confirmation to a resident record outside the grid worker\'s grid is 404', async () => {
  const hh2 = (await admin.get(`/api/v1/households?unit=${grid2.id}&limit=1`)).body.items[0];
  const phone = nextPhone();
  const outside = await newResident(hh2.id, phone, '郑秀英');
  const { id } = await register({ phone });
  const r = await gw.post(`/api/v1/registrations/${id}/confirm`, { resident_id: outside });
  assert.equal(r.status, 404, JSON.stringify(r.body));
  assert.deepEqual(Object.keys(r.body), ['error']);
  assert.ok(!(await gw.get(`/api/v1/registrations/${id}`)).body.candidates.some((x) => x.id === outside), 'not a candidate either');
  assert.equal((await gw.get(`/api/v1/registrations/${id}`)).body.status, 'pending', 'still pending');
  // community staff, whose scope holds both, may
  assert.equal((await staff.post(`/api/v1/registrations/${id}/confirm`, { resident_id: outside })).status, 200);
});

test('bad input is refused with the field named and nothing created', async () => {
  const before = (await gw.get('/api/v1/registrations?limit=500')).body.items.length;
  const base = { phone: nextPhone(), name: '测试', password: PASSWORD, unit_id: grid1.id, address: '1幢' };
  const cases = [
    [{ phone: '12345' }, 'phone'],
    [{ phone: '0512-66881234' }, 'phone'],
    [{ phone: undefined }, 'phone'],
    [{ name: '   ' }, 'name'],
    [{ unit_id: 999999999 }, 'unit_id'],
    [{ unit_id: comm1.id }, 'unit_id'],
    [{ unit_id: undefined }, 'unit_id'],
    [{ station_code: 'NOPE000000' , unit_id: undefined }, 'station_code'],
    [{ station_code: 'NOPE000000' }, 'unit_id'],
    [{ address: '' }, 'address'],
    [{ note: 'x'.repeat(501) }, 'note'],
    [{ email: 'a@example.com' }, 'email'],
  ];
  for (const [patch, field] of cases) {
    const r = await srv.post('/api/v1/registrations', { ...base, ...patch });
    assert.equal(r.status, 400, `${JSON.stringify(patch)} → ${r.status} ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.code, 'request.invalid');
    assert.equal(r.body.error.details.field, field, JSON.stringify(patch));
  }
  for (const pw of ['short1A!', 'alllowercaseletters', base.phone]) {
    const r = await srv.post('/api/v1/registrations', { ...base, password: pw });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'auth.weak_password');
    assert.ok(r.body.error.details.reason);
  }
  assert.equal((await gw.get('/api/v1/registrations?limit=500')).body.items.length, before);
  assert.equal((await srv.post('/api/v1/auth/login', { username: base.phone, password: PASSWORD })).status, 401, 'no account made');
});

test('a resident record is bound to one account at most', async () => {
  const phone = nextPhone();
  const rid = await newResident(household1.id, phone, '周海燕');
  const a = await register({ phone });
  const b = await register();
  assert.equal((await gw.post(`/api/v1/registrations/${a.id}/confirm`, { resident_id: rid })).status, 200);
  const r = await gw.post(`/api/v1/registrations/${b.id}/confirm`, { resident_id: rid });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.code, 'registration.resident_taken');
  const detail = (await gw.get(`/api/v1/registrations/${b.id}`)).body;
  assert.equal(detail.status, 'pending', 'the loser stays pending');
  const cand = (await gw.get(`/api/v1/registrations/${a.id}`)).body.candidates.find((x) => x.id === rid);
  assert.equal(cand.bound, true);
  const bad = await gw.post(`/api/v1/registrations/${b.id}/confirm`, { resident_id: rid, household_id: household1.id });
  assert.equal(bad.status, 400);
});

test('concurrent confirmations of one registration: exactly one wins', async () => {
  const { id, phone } = await register();
  const tries = await Promise.all([gw, staff, gw, staff, gw, staff].map((who) =>
    who.post(`/api/v1/registrations/${id}/confirm`, { household_id: household1.id })));
  const ok = tries.filter((r) => r.status === 200);
  assert.equal(ok.length, 1, JSON.stringify(tries.map((r) => [r.status, r.body])));
  for (const r of tries.filter((x) => x.status !== 200)) {
    assert.equal(r.status, 409);
    assert.equal(r.body.error.code, 'registration.not_pending');
  }
  const made = (await staff.get(`/api/v1/residents?phone=${phone}`)).body.items;
  assert.equal(made.length, 1, 'one resident record made');
});

test('concurrent confirmations of two registrations to one resident: exactly one wins', async () => {
  const phone = nextPhone();
  const rid = await newResident(household1b.id, phone, '吴春梅');
  const regs = [await register({ phone }), await register(), await register()];
  const tries = await Promise.all(regs.map((g, i) => (i % 2 ? staff : gw).post(`/api/v1/registrations/${g.id}/confirm`, { resident_id: rid })));
  assert.equal(tries.filter((r) => r.status === 200).length, 1, JSON.stringify(tries.map((r) => r.body)));
  for (const r of tries.filter((x) => x.status !== 200)) assert.equal(r.body.error.code, 'registration.resident_taken');
});

test('applying again while a confirmation commits never leaves a bound account with a pending registration', async () => {
  for (let round = 0; round < 8; round++) {
    const { id, client } = await registeredClient();
    // the resident applies again at the moment the grid worker confirms
    const [, ...tries] = await Promise.all([
      gw.post(`/api/v1/registrations/${id}/confirm`, { household_id: household1.id }),
      ...Array.from({ length: 4 }, () => client.post('/api/v1/registrations/mine', { unit_id: grid1.id, address: '6幢 601室' })),
    ]);
    for (const r of tries) {
      assert.ok([201, 409].includes(r.status), JSON.stringify(r.body));
      if (r.status === 409) assert.ok(['registration.pending_exists', 'registration.already_bound'].includes(r.body.error.code), r.body.error.code);
    }
    const me = (await client.get('/api/v1/auth/me')).body.user;
    const mine = (await client.get('/api/v1/registrations/mine')).body;
    if (me.resident_id !== null) {
      assert.notEqual(mine.status, 'pending', `round ${round}: a bound account has a pending registration`);
      const pending = (await gw.get('/api/v1/registrations?status=pending&limit=500')).body.items;
      assert.ok(!pending.some((x) => x.account_id === me.id), `round ${round}: pending registration of a bound account`);
    }
  }
});

test('reading one\'s registration answers 503, not 404, when the database fails', async () => {
  const { client } = await registeredClient();
  const seen = new Set();
  for (let after = 1; after <= 6; after++) {
    await srv.post('/api/v1/_test/db-fail', { after });
    const r = await client.get('/api/v1/registrations/mine');
    await srv.post('/api/v1/_test/db-fail', { after: 0 });
    assert.ok([200, 503].includes(r.status), `step ${after}: ${r.status} ${JSON.stringify(r.body)}`);
    seen.add(r.status);
  }
  assert.ok(seen.has(503) && seen.has(200), [...seen].join());
});

test('a database failure at any step of registering or confirming leaves nothing half-done', async () => {
  const phone = nextPhone();
  let made = null;
  for (let after = 1; after <= 40 && !made; after++) {
    await srv.post('/api/v1/_test/db-fail', { after });
    const r = await srv.post('/api/v1/registrations', { phone, name: '故障注入', password: PASSWORD, unit_id: grid1.id, address: '1幢' });
    await srv.post('/api/v1/_test/db-fail', { after: 0 });
    if (r.status === 201) { made = r.body; break; }
    // (a half-made account would turn the next attempt into 409 registration.phone_taken)
    assert.equal(r.status, 503, `step ${after}: ${JSON.stringify(r.body)}`);
    const rows = (await gw.get('/api/v1/registrations?limit=500')).body.items;
    assert.ok(!rows.some((x) => x.name === '故障注入'), `no registration left at step ${after}`);
  }
  assert.ok(made, 'registering succeeds once the fault is past');
  const client = await login(srv, phone, PASSWORD);
  let done = null;
  for (let after = 1; after <= 60 && !done; after++) {
    await srv.post('/api/v1/_test/db-fail', { after });
    const r = await staff.post(`/api/v1/registrations/${made.id}/confirm`, { household_id: household1b.id });
    await srv.post('/api/v1/_test/db-fail', { after: 0 });
    if (r.status === 200) { done = r.body; break; }
    assert.equal(r.status, 503, JSON.stringify(r.body));
    assert.equal((await staff.get(`/api/v1/registrations/${made.id}`)).body.status, 'pending', `step ${after}`);
    assert.deepEqual((await staff.get(`/api/v1/residents?phone=${phone}`)).body.items, [], `no record made at step ${after}`);
    assert.equal((await client.get('/api/v1/auth/me')).body.user.resident_id, null);
  }
  assert.ok(done, 'confirming succeeds once the fault is past');
  assert.equal((await client.get('/api/v1/auth/me')).body.user.resident_id, done.resident_id);
  assert.equal((await client.get('/api/v1/messages')).body.items.filter((m) => m.kind === 'registration').length, 1, 'one message');
});

test('the places a person picks a grid from, and a station QR code standing for its grid', async () => {
  const streets = await srv.json('/api/v1/registrations/places');
  assert.equal(streets.status, 200);
  assert.ok(streets.body.items.length > 0 && streets.body.items.every((x) => x.kind === 'street' && !x.leaf));
  const grids = await srv.json(`/api/v1/registrations/places?parent=${comm1.id}`);
  assert.ok(grids.body.items.some((x) => x.id === grid1.id && x.kind === 'grid' && x.leaf));
  assert.equal((await srv.json(`/api/v1/registrations/places?parent=${grid1.id}`)).status, 404, 'no buildings');
  assert.equal((await srv.json('/api/v1/registrations/places?parent=abc')).status, 404);
  const station = (await admin.get(`/api/v1/stations?unit=${grid1.id}&limit=1`)).body.items[0];
  const byCode = await srv.json(`/api/v1/registrations/places?station_code=${station.public_code}`);
  assert.equal(byCode.status, 200);
  assert.equal(byCode.body.items[0].id, station.grid_id);
  assert.equal((await srv.json('/api/v1/registrations/places?station_code=NOPE000000')).status, 404);
  const reg = await register({ unit_id: undefined, station_code: station.public_code });
  assert.equal(reg.body.unit.id, station.grid_id);
});

test('a registration follows its grid when the grid moves to another community, and keeps the grid from being deleted', async () => {
  const g = await admin.post('/api/v1/units', { parent_id: comm1.id, name: '搬迁测试网格' });
  assert.equal(g.status, 201, JSON.stringify(g.body));
  const { id, client } = await registeredClient({ unit_id: g.body.id });
  assert.equal((await staff.get(`/api/v1/registrations/${id}`)).status, 200);
  assert.equal((await staff2.get(`/api/v1/registrations/${id}`)).status, 404);

  const mv = await admin.post(`/api/v1/units/${g.body.id}/move`, { parent_id: comm2.id });
  assert.equal(mv.status, 200, JSON.stringify(mv.body));
  // the new community's staff see it, in the list and by id; the old one's do not
  const seen = await staff2.get(`/api/v1/registrations/${id}`);
  assert.equal(seen.status, 200, JSON.stringify(seen.body));
  assert.equal(seen.body.unit.id, g.body.id);
  assert.ok((await staff2.get('/api/v1/registrations?status=pending&limit=500')).body.items.some((x) => x.id === id));
  assert.equal((await staff.get(`/api/v1/registrations/${id}`)).status, 404);
  assert.ok(!(await staff.get('/api/v1/registrations?status=pending&limit=500')).body.items.some((x) => x.id === id));
  assert.equal((await staff.post(`/api/v1/registrations/${id}/reject`, { reason: '不在本社区' })).status, 404);

  // confirmed into a household of the new community, the account leaves the grid,
  // but the registration still names it: the grid is not empty
  const hh = (await admin.get(`/api/v1/households?unit=${comm2.id}&limit=1`)).body.items[0];
  const ok = await staff2.post(`/api/v1/registrations/${id}/confirm`, { household_id: hh.id });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.notEqual((await client.get('/api/v1/auth/me')).body.user.unit.id, g.body.id);
  const del = await admin.del(`/api/v1/units/${g.body.id}`);
  assert.equal(del.status, 409, JSON.stringify(del.body));
  assert.equal(del.body.error.code, 'unit.not_empty');
  assert.equal((await admin.get(`/api/v1/units/${g.body.id}`)).status, 200, 'still there');
});

test('registrations are throttled per client address', async () => {
  let r;
  for (let i = 0; i <= LIMIT; i++) {
    r = await srv.post('/api/v1/registrations', { phone: '1', name: 'x', password: 'x', unit_id: 1, address: 'x' });
    if (r.status === 429) break;
    assert.equal(r.status, 400);
  }
  assert.equal(r.status, 429);
  assert.equal(r.body.error.code, 'registration.throttled');
  assert.ok(Number(r.headers.get('retry-after')) > 0);
  // the counter lives beside the sign-in throttle; a sign-in named like it cannot touch it
  for (const ip of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
    for (let i = 0; i < 6; i++) {
      const s = await srv.post('/api/v1/auth/login', { username: `register:${ip}`, password: 'Wrong-Passw0rd!' });
      assert.equal(s.status, 401, JSON.stringify(s.body));
      assert.equal(s.body.error.code, 'auth.invalid_credentials');
    }
  }
  const still = await srv.post('/api/v1/registrations', { phone: '1', name: 'x', password: 'x', unit_id: 1, address: 'x' });
  assert.equal(still.status, 429, 'a failed sign-in does not reset the registration allowance');
  await srv.post('/api/v1/_test/clock', { advance_seconds: 3601 });
  const after = await srv.post('/api/v1/registrations', { phone: '1', name: 'x', password: 'x', unit_id: 1, address: 'x' });
  assert.equal(after.status, 400, 'a new hour, a new allowance');
});

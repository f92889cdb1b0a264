// Meal assistance (助餐): meal points, eligibility and enrolment (self, family,
// grid worker), daily orders with the cut-off, the daily capacity under
// simultaneous orders, delivery rounds and their confirmation, the monthly
// statement and the coverage of a community — all on data made here, in a
// community of its own, so every number below is counted by hand.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDistrict, addUser, login } from './lib/district.mjs';

const PASSWORD = 'Meal-Passw0rd-5';
let srv, admin, staff2, auditor, demoVolunteer;
let mstaff, mgw, mvol, mvol2, family, elder, unbound;
let street, comm, comm2, grid, grid2, building, building2;
const R = {}; // residents by letter
const H = {}; // households by name
let P1, P2, P3; // meal points
const E = {}; // enrolments
const O = {}; // orders
let D0, D1, D2;

const at = (date, hhmm) => `${date}T${hhmm}:00+08:00`;
function dayAfter(date, k) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + k);
  return d.toISOString().slice(0, 10);
}
async function serverTime() {
  return new Date((await srv.json('/api/v1/meta')).body.server_time);
}
const shanghaiDay = (t) => new Date(t.getTime() + 8 * 3600e3).toISOString().slice(0, 10);

async function signIn() {
  admin = await srv.login('district');
  staff2 = await srv.login('staff2');
  auditor = await srv.login('auditor');
  demoVolunteer = await srv.login('volunteer');
  mstaff = await srv.login('mstaff');
  mgw = await srv.login('mgw');
  mvol = await srv.login('mvol');
  mvol2 = await srv.login('mvol2');
  if (family) family = await login(srv, family.phone, PASSWORD).then((c) => Object.assign(c, { phone: family.phone }));
  if (elder) elder = await login(srv, elder.phone, PASSWORD).then((c) => Object.assign(c, { phone: elder.phone }));
  if (unbound) unbound = await login(srv, unbound.phone, PASSWORD).then((c) => Object.assign(c, { phone: unbound.phone }));
}
// Move the server's clock to a Shanghai time; idle sessions end, so sign in again.
async function moveTo(iso) {
  const secs = Math.round((new Date(iso).getTime() - (await serverTime()).getTime()) / 1000);
  assert.ok(secs > 0, `the clock only moves forward (to ${iso})`);
  const r = await srv.post('/api/v1/_test/clock', { advance_seconds: secs });
  assert.equal(r.status, 200);
  await signIn();
}

async function unit(parent, name) {
  const r = await admin.post('/api/v1/units', { parent_id: parent, name });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}
async function household(buildingId, room) {
  const r = await admin.post('/api/v1/households', { building_id: buildingId, room });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id;
}
async function resident(householdId, name, birth_date, tags = []) {
  const r = await admin.post('/api/v1/residents', { household_id: householdId, name, birth_date, tags });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id;
}
// A resident account from self-registration, confirmed to a record or a household.
async function registered(phone, name, confirm) {
  const r = await srv.post('/api/v1/registrations', { phone, name, password: PASSWORD, unit_id: grid.id, address: '1幢' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  if (confirm) {
    const c = await admin.post(`/api/v1/registrations/${r.body.id}/confirm`, confirm);
    assert.equal(c.status, 200, JSON.stringify(c.body));
  }
  const client = await login(srv, phone, PASSWORD);
  client.phone = phone;
  return client;
}

before(async () => {
  srv = await startDistrict();
  admin = await srv.login('district');
  street = (await srv.login('changqiao')).user.unit;
  // a community of our own, a second one without a meal point, two grids
  comm = await unit(street.id, '助餐测试社区');
  grid = await unit(comm.id, '助餐第一网格');
  grid2 = await unit(comm.id, '助餐第二网格');
  building = await unit(grid.id, '1幢');
  building2 = await unit(grid2.id, '9幢');
  comm2 = await unit(street.id, '无助餐点社区');
  const g3 = await unit(comm2.id, '网格');
  const b3 = await unit(g3.id, '1幢');
  addUser(srv.data.dir, 'staff2', 'community_staff', '320506001002');
  addUser(srv.data.dir, 'mstaff', 'community_staff', comm.code);
  addUser(srv.data.dir, 'mgw', 'grid_worker', grid.code);
  addUser(srv.data.dir, 'mvol', 'volunteer', comm.code);
  addUser(srv.data.dir, 'mvol2', 'volunteer', comm.code);
  for (const [k, room] of [['h1', '101'], ['h2', '102'], ['h3', '103'], ['h4', '104'], ['h5', '105'], ['h6', '106'], ['h7', '107']]) H[k] = await household(building.id, room);
  H.x = await household(building2.id, '901');
  H.z = await household(b3.id, '101');
  // A: 85, no tags (her daughter F applies); B: 56, no tags; C: 76, living alone;
  // D: 88, applies himself; E: 82, disabled; Y: 40, disabled; X: 90 in grid 2, not enrolled;
  // N1–N8: 80+ in one household, for the capacity test; Z: 90 in the community with no point.
  R.A = await resident(H.h1, '王秀英', '1941-03-05');
  R.B = await resident(H.h2, '李建华', '1970-01-01');
  R.C = await resident(H.h3, '张桂芳', '1950-06-01', ['living_alone']);
  R.D = await resident(H.h4, '赵德明', '1938-01-01');
  R.E = await resident(H.h5, '孙玉兰', '1944-02-02', ['disabled']);
  R.Y = await resident(H.h6, '周强', '1986-05-05', ['disabled']);
  R.X = await resident(H.x, '钱老太', '1936-09-09');
  R.Z = await resident(H.z, '吴老汉', '1936-09-09');
  R.N = [];
  for (let i = 1; i <= 8; i++) R.N.push(await resident(H.h7, `老人${i}`, `193${i}-01-0${i}`));
  family = await registered('19900002001', '王丽', { household_id: H.h1 }); // a new record in A's household
  elder = await registered('19900002002', '赵德明', { resident_id: R.D });
  unbound = await registered('19900002003', '未绑定');
  // every test starts at 07:00 tomorrow (Shanghai), before the 10:00 cut-off
  const today = shanghaiDay(await serverTime());
  D0 = dayAfter(today, 1);
  D1 = dayAfter(today, 2);
  D2 = dayAfter(today, 3);
  await moveTo(at(D0, '07:00'));
});

after(async () => {
  const r = await srv.stop();
  assert.equal(r.code, 0, srv.log().slice(-3000));
});

test('staff create meal points with modes, prices, cut-off and rule; bad input is 400 by field; other communities see none', async () => {
  const mk = async (body) => {
    const r = await mstaff.post('/api/v1/meal-points', { unit_id: comm.id, address: '社区服务中心1楼', ...body });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return (await mstaff.get(`/api/v1/meal-points/${r.body.id}`)).body;
  };
  P1 = await mk({ name: '长者食堂', daily_capacity: 50, modes: ['dine_in', 'meal_delivery'], price_fen: 1200, subsidy_fen: 800, order_cutoff: '10:00', eligibility: ['aged_80_plus'] });
  P2 = await mk({ name: '独居老人送菜点', daily_capacity: 20, modes: ['dine_in', 'grocery_delivery'], price_fen: 1000, subsidy_fen: 500, order_cutoff: '16:30', eligibility: ['living_alone'] });
  P3 = await mk({ name: '小灶', daily_capacity: 3, modes: ['dine_in'], price_fen: 1500, subsidy_fen: 1500, order_cutoff: '10:00', eligibility: ['aged_80_plus', 'disabled'] });
  assert.deepEqual(P1.modes, ['dine_in', 'meal_delivery']);
  assert.equal(P1.order_cutoff, '10:00');
  assert.equal(P1.resident_share_fen, 400);
  assert.deepEqual(P3.eligibility, ['aged_80_plus', 'disabled']);
  assert.equal(P1.unit.id, comm.id);
  const base = { unit_id: comm.id, name: 'x', daily_capacity: 10, modes: ['dine_in'], price_fen: 100, order_cutoff: '09:00', eligibility: ['aged_80_plus'] };
  const bad = async (body, field) => {
    const r = await mstaff.post('/api/v1/meal-points', { ...base, ...body });
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.body.error.code, 'request.invalid');
    assert.equal(r.body.error.details.field, field);
  };
  await bad({ subsidy_fen: 101 }, 'subsidy_fen');
  await bad({ modes: ['takeaway'] }, 'modes');
  await bad({ modes: [] }, 'modes');
  await bad({ modes: ['dine_in', 'dine_in'] }, 'modes');
  await bad({ eligibility: ['rich'] }, 'eligibility');
  await bad({ eligibility: undefined }, 'eligibility');
  await bad({ order_cutoff: '24:00' }, 'order_cutoff');
  await bad({ order_cutoff: '9:00' }, 'order_cutoff');
  await bad({ daily_capacity: 0 }, 'daily_capacity');
  await bad({ price_fen: -1 }, 'price_fen');
  await bad({ name: '' }, 'name');
  assert.equal((await mstaff.patch(`/api/v1/meal-points/${P1.id}`, { subsidy_fen: 1300 })).body.error.details.field, 'subsidy_fen');
  // who may: a grid worker and a resident may not create; a sibling community's staff see nothing of ours
  assert.equal((await mgw.post('/api/v1/meal-points', base)).status, 403);
  assert.equal((await family.post('/api/v1/meal-points', base)).status, 403);
  assert.equal((await staff2.post('/api/v1/meal-points', base)).status, 404);
  assert.equal((await staff2.get(`/api/v1/meal-points/${P1.id}`)).status, 404);
  assert.equal((await staff2.patch(`/api/v1/meal-points/${P1.id}`, { name: 'x' })).status, 404);
  assert.ok(!(await staff2.get('/api/v1/meal-points')).body.items.some((p) => p.id === P1.id));
  // residents and grid workers see the active points of their community
  const seen = (await family.get('/api/v1/meal-points')).body.items.map((p) => p.id);
  assert.deepEqual(seen.sort(), [P1.id, P2.id, P3.id].sort());
  assert.ok((await mgw.get('/api/v1/meal-points')).body.items.some((p) => p.id === P2.id));
  // an inactive point disappears for them, not for staff
  const tmp = await mk({ name: '临时点', daily_capacity: 5, modes: ['dine_in'], price_fen: 0, order_cutoff: '08:00', eligibility: ['aged_80_plus'] });
  assert.equal((await mstaff.patch(`/api/v1/meal-points/${tmp.id}`, { active: false })).status, 200);
  assert.equal((await family.get(`/api/v1/meal-points/${tmp.id}`)).status, 404);
  assert.equal((await mstaff.get(`/api/v1/meal-points/${tmp.id}`)).body.active, false);
  const applied = await mgw.post('/api/v1/meal-enrolments', { point_id: tmp.id, resident_id: R.A });
  assert.equal(applied.status, 404);
  assert.equal((await mstaff.post('/api/v1/meal-enrolments', { point_id: tmp.id, resident_id: R.A })).body.error.code, 'meal.point_inactive');
  // audited
  const rows = (await auditor.get('/api/v1/audit?action=meal.point_create&limit=20')).body.items;
  assert.ok(rows.some((a) => String(a.object_id) === String(P1.id)));
});

test('eligibility: under 80 without tags is refused naming the rule; 80+ by a family member, oneself or a grid worker is accepted', async () => {
  const no = await mgw.post('/api/v1/meal-enrolments', { point_id: P1.id, resident_id: R.B });
  assert.equal(no.status, 409, JSON.stringify(no.body));
  assert.equal(no.body.error.code, 'meal.not_eligible');
  assert.deepEqual(no.body.error.details.rule, ['aged_80_plus']);
  // living alone at 76 qualifies for the living-alone point, not for the over-80 one
  assert.equal((await mgw.post('/api/v1/meal-enrolments', { point_id: P1.id, resident_id: R.C })).body.error.code, 'meal.not_eligible');
  const c = await mgw.post('/api/v1/meal-enrolments', { point_id: P2.id, resident_id: R.C, note: '腿脚不便' });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  assert.equal(c.body.applied_as, 'staff');
  assert.deepEqual(c.body.matched, ['living_alone']);
  E.C = c.body.id;
  // a family member (same household) applies for A; the elder applies for himself
  const a = await family.post('/api/v1/meal-enrolments', { point_id: P1.id, resident_id: R.A });
  assert.equal(a.status, 201, JSON.stringify(a.body));
  assert.equal(a.body.applied_as, 'family');
  assert.deepEqual(a.body.matched, ['aged_80_plus']);
  E.A = a.body.id;
  const d = await elder.post('/api/v1/meal-enrolments', { point_id: P1.id });
  assert.equal(d.status, 201, JSON.stringify(d.body));
  assert.equal(d.body.applied_as, 'self');
  E.D = d.body.id;
  E.E = (await mgw.post('/api/v1/meal-enrolments', { point_id: P1.id, resident_id: R.E })).body.id;
  // disabled at 40 qualifies where the rule names disabled
  const y = await mstaff.post('/api/v1/meal-enrolments', { point_id: P3.id, resident_id: R.Y });
  assert.equal(y.status, 201);
  assert.deepEqual(y.body.matched, ['disabled']);
  E.Y = y.body.id;
  // one live enrolment per resident and point
  const twice = await mstaff.post('/api/v1/meal-enrolments', { point_id: P1.id, resident_id: R.A });
  assert.equal(twice.status, 409);
  assert.equal(twice.body.error.code, 'meal.already_enrolled');
  // not for a stranger, nor without a resident record, nor outside one's area
  assert.equal((await family.post('/api/v1/meal-enrolments', { point_id: P1.id, resident_id: R.E })).body.error.details.field, 'resident_id');
  assert.equal((await unbound.post('/api/v1/meal-enrolments', { point_id: P1.id })).body.error.code, 'meal.no_resident_record');
  assert.equal((await mgw.post('/api/v1/meal-enrolments', { point_id: P1.id, resident_id: R.X })).body.error.details.field, 'resident_id');
  assert.equal((await staff2.post('/api/v1/meal-enrolments', { point_id: P1.id, resident_id: R.A })).body.error.details.field, 'resident_id');
  assert.equal((await demoVolunteer.post('/api/v1/meal-enrolments', { point_id: P1.id, resident_id: R.A })).status, 403);
  // bad input
  assert.equal((await mgw.post('/api/v1/meal-enrolments', { resident_id: R.A })).body.error.details.field, 'point_id');
  assert.equal((await mgw.post('/api/v1/meal-enrolments', { point_id: P1.id })).body.error.details.field, 'resident_id');
  assert.equal((await mgw.post('/api/v1/meal-enrolments', { point_id: 'x', resident_id: R.A })).body.error.details.field, 'point_id');
  assert.equal((await mgw.post('/api/v1/meal-enrolments', { point_id: 999999, resident_id: R.A })).status, 404);
  // the community is told an application waits
  assert.ok((await mstaff.get('/api/v1/messages')).body.items.some((m) => m.kind === 'meal' && m.title.includes('长者食堂')));
});

test('staff approve or reject with a reason; the applicant and the resident hear of it; who sees what', async () => {
  assert.equal((await mgw.post(`/api/v1/meal-enrolments/${E.A}/approve`)).status, 403);
  assert.equal((await staff2.post(`/api/v1/meal-enrolments/${E.A}/approve`)).status, 404);
  for (const k of ['A', 'C', 'D', 'E']) {
    const r = await mstaff.post(`/api/v1/meal-enrolments/${E[k]}/approve`);
    assert.equal(r.status, 200, `${k}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.status, 'approved');
  }
  assert.equal((await mstaff.post(`/api/v1/meal-enrolments/${E.A}/approve`)).body.error.code, 'meal.invalid_state');
  assert.equal((await mstaff.post(`/api/v1/meal-enrolments/${E.Y}/reject`, {})).body.error.details.field, 'reason');
  const rej = await mstaff.post(`/api/v1/meal-enrolments/${E.Y}/reject`, { reason: '已有家人照料' });
  assert.equal(rej.status, 200);
  // the family member who applied and the elder who applied hear of it
  assert.ok((await family.get('/api/v1/messages')).body.items.some((m) => m.kind === 'meal' && m.title === '助餐申请已通过'));
  assert.ok((await elder.get('/api/v1/messages')).body.items.some((m) => m.title === '助餐申请已通过' && m.body.includes('长者食堂')));
  // staff who decide are not told of their own decisions (mstaff applied for Y and rejected it);
  // the community's inbox had the application waiting, naming the point and the tags that matched
  const inbox = (await mstaff.get('/api/v1/messages?limit=200')).body.items;
  assert.ok(inbox.some((m) => m.kind === 'meal' && m.title === '助餐申请待审批：小灶' && m.body === '小灶，符合：disabled'), JSON.stringify(inbox));
  assert.ok(!inbox.some((m) => m.title === '助餐申请未通过' || m.title === '助餐申请已通过'), 'the one who decided is not told');
  // reads: the family member sees A's, the elder his own only, a grid worker those of the grid
  const fam = (await family.get('/api/v1/meal-enrolments')).body.items.map((e) => e.id);
  assert.ok(fam.includes(E.A) && !fam.includes(E.D), JSON.stringify(fam));
  const mine = (await elder.get('/api/v1/meal-enrolments')).body.items.map((e) => e.id);
  assert.deepEqual(mine, [E.D]);
  assert.equal((await elder.get(`/api/v1/meal-enrolments/${E.A}`)).status, 404);
  const one = (await family.get(`/api/v1/meal-enrolments/${E.A}`)).body;
  assert.equal(one.status, 'approved');
  assert.equal(one.applied_as, 'family');
  assert.equal(one.resident.id, R.A);
  assert.ok((await mgw.get('/api/v1/meal-enrolments?status=approved')).body.items.some((e) => e.id === E.C));
  assert.equal((await mstaff.get(`/api/v1/meal-enrolments?point=${P1.id}&status=approved`)).body.items.length, 3);
  assert.equal((await staff2.get(`/api/v1/meal-enrolments/${E.A}`)).status, 404);
  assert.ok(!(await staff2.get('/api/v1/meal-enrolments')).body.items.some((e) => e.id === E.A));
  assert.equal((await mstaff.get('/api/v1/meal-enrolments?status=eaten')).body.error.details.field, 'status');
  const rows = (await auditor.get('/api/v1/audit?action=meal.enrol_reject&limit=10')).body.items;
  assert.ok(rows.some((a) => String(a.object_id) === String(E.Y)));
});

test('orders: before the cut-off, in the point\'s modes, one a day per resident; the price is kept', async () => {
  const order = (who, enrolment_id, day, mode) => who.post('/api/v1/meal-orders', { enrolment_id, day, mode });
  const d = await order(elder, E.D, D0, 'dine_in');
  assert.equal(d.status, 201, JSON.stringify(d.body));
  assert.equal(d.body.price_fen, 1200);
  assert.equal(d.body.subsidy_fen, 800);
  O.D0 = d.body.id;
  O.A0 = (await order(family, E.A, D0, 'meal_delivery')).body.id;
  O.E0 = (await order(mgw, E.E, D0, 'dine_in')).body.id; // never collected
  O.C0 = (await order(mgw, E.C, D0, 'grocery_delivery')).body.id;
  assert.ok(O.A0 && O.E0 && O.C0);
  // one meal a day per resident
  const twice = await order(elder, E.D, D0, 'dine_in');
  assert.equal(twice.status, 409);
  assert.equal(twice.body.error.code, 'meal.already_ordered');
  // five at once for the same resident and day: one wins
  const same = await Promise.all(Array.from({ length: 5 }, () => order(elder, E.D, D2, 'dine_in')));
  assert.equal(same.filter((r) => r.status === 201).length, 1, JSON.stringify(same.map((r) => r.status)));
  assert.ok(same.every((r) => r.status === 201 || r.body.error.code === 'meal.already_ordered'));
  const d2 = same.find((r) => r.status === 201).body.id;
  assert.equal((await elder.post(`/api/v1/meal-orders/${d2}/cancel`)).status, 200);
  assert.equal((await elder.get(`/api/v1/meal-orders/${d2}`)).body.status, 'cancelled');
  assert.equal((await elder.post(`/api/v1/meal-orders/${d2}/cancel`)).body.error.code, 'meal.invalid_state');
  // a cancelled order frees the day
  assert.equal((await order(elder, E.D, D2, 'dine_in')).status, 201);
  // bad input, wrong mode, not enrolled, someone else's
  assert.equal((await order(elder, E.D, D1, 'grocery_delivery')).body.error.details.field, 'mode');
  assert.equal((await order(elder, E.D, D1, 'takeaway')).body.error.details.field, 'mode');
  assert.equal((await order(elder, E.D, '2026-13-01', 'dine_in')).body.error.details.field, 'day');
  assert.equal((await order(elder, E.D, dayAfter(D0, 40), 'dine_in')).body.error.details.field, 'day');
  assert.equal((await elder.post('/api/v1/meal-orders', { day: D1, mode: 'dine_in' })).body.error.details.field, 'enrolment_id');
  assert.equal((await order(mstaff, E.Y, D1, 'dine_in')).body.error.code, 'meal.not_enrolled');
  assert.equal((await order(elder, E.A, D1, 'meal_delivery')).status, 404);
  assert.equal((await order(staff2, E.A, D1, 'meal_delivery')).status, 404);
  // a cancelled order costs nothing; a new price applies to orders placed after it
  const a1 = await order(family, E.A, D1, 'meal_delivery');
  assert.equal((await family.post(`/api/v1/meal-orders/${a1.body.id}/cancel`)).status, 200);
  assert.equal((await mstaff.patch(`/api/v1/meal-points/${P1.id}`, { price_fen: 1300, subsidy_fen: 900 })).status, 200);
  const d1 = await order(elder, E.D, D1, 'dine_in');
  assert.equal(d1.body.price_fen, 1300);
  O.D1 = d1.body.id;
  assert.equal((await elder.get(`/api/v1/meal-orders/${O.D0}`)).body.price_fen, 1200, 'the earlier order kept its price');
  O.A2 = (await order(family, E.A, D2, 'meal_delivery')).body.id;
  // reads
  const fam = (await family.get('/api/v1/meal-orders')).body.items.map((o) => o.id);
  assert.ok(fam.includes(O.A0) && !fam.includes(O.D0));
  assert.equal((await family.get(`/api/v1/meal-orders/${O.D0}`)).status, 404);
  const day0 = (await mstaff.get(`/api/v1/meal-orders?point=${P1.id}&day=${D0}`)).body.items;
  assert.deepEqual(day0.map((o) => o.id).sort((a, b) => a - b), [O.D0, O.A0, O.E0].sort((a, b) => a - b));
  assert.equal(day0.find((o) => o.id === O.A0).address.room, '101');
  assert.equal((await mstaff.get(`/api/v1/meal-orders?day=${D0}x`)).body.error.details.field, 'day');
  assert.ok(!(await staff2.get('/api/v1/meal-orders')).body.items.some((o) => o.id === O.D0));
  const rows = (await auditor.get('/api/v1/audit?action=meal.order&limit=50')).body.items;
  assert.ok(rows.some((a) => String(a.object_id) === String(O.D0)));
});

test('the daily capacity holds under 8 simultaneous orders for 3 places', async () => {
  const ids = [];
  for (const rid of R.N) {
    const r = await mstaff.post('/api/v1/meal-enrolments', { point_id: P3.id, resident_id: rid });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal((await mstaff.post(`/api/v1/meal-enrolments/${r.body.id}/approve`)).status, 200);
    ids.push(r.body.id);
  }
  const who = [mstaff, mgw];
  const answers = await Promise.all(ids.map((id, i) => who[i % 2].post('/api/v1/meal-orders', { enrolment_id: id, day: D1, mode: 'dine_in' })));
  const codes = answers.map((a) => a.status);
  assert.equal(codes.filter((c) => c === 201).length, 3, JSON.stringify(codes));
  for (const a of answers.filter((x) => x.status !== 201)) {
    assert.equal(a.status, 409, JSON.stringify(a.body));
    assert.equal(a.body.error.code, 'meal.capacity_full');
    assert.equal(a.body.error.details.daily_capacity, 3);
  }
  O.N1 = answers.filter((a) => a.status === 201).map((a) => a.body.id);
  O.Nwinners = answers.map((a, i) => (a.status === 201 ? R.N[i] : null)).filter(Boolean);
  const live = (await mstaff.get(`/api/v1/meal-orders?point=${P3.id}&day=${D1}&status=ordered`)).body.items;
  assert.equal(live.length, 3, 'three orders and no more');
  // a cancellation frees a place
  assert.equal((await mstaff.post(`/api/v1/meal-orders/${O.N1[2]}/cancel`)).status, 200);
  const loser = answers.findIndex((a) => a.status !== 201);
  const again = await mstaff.post('/api/v1/meal-orders', { enrolment_id: ids[loser], day: D1, mode: 'dine_in' });
  assert.equal(again.status, 201, JSON.stringify(again.body));
  O.N1[2] = again.body.id;
  O.Nwinners[2] = R.N[loser];
});

test('after the cut-off nobody orders or cancels for that day', async () => {
  await moveTo(at(D0, '10:05'));
  const late = await family.post('/api/v1/meal-orders', { enrolment_id: E.A, day: D0, mode: 'dine_in' });
  assert.equal(late.status, 409, JSON.stringify(late.body));
  assert.equal(late.body.error.code, 'meal.cutoff_passed');
  assert.equal(late.body.error.details.cutoff, at(D0, '10:00'));
  assert.equal((await mgw.post(`/api/v1/meal-orders/${O.E0}/cancel`)).body.error.code, 'meal.cutoff_passed');
  assert.equal((await mstaff.post(`/api/v1/meal-orders/${O.E0}/cancel`)).body.error.code, 'meal.cutoff_passed');
  // the living-alone point closes at 16:30: still open today
  const p2 = await mstaff.post(`/api/v1/meal-orders/${O.C0}/cancel`);
  assert.equal(p2.status, 200);
  O.C0 = (await mgw.post('/api/v1/meal-orders', { enrolment_id: E.C, day: D0, mode: 'grocery_delivery' })).body.id;
  assert.ok(O.C0);
});

test('rounds: staff assign delivery orders to a volunteer, who confirms only their own; dine-in is served by staff', async () => {
  const round = (body) => mstaff.post('/api/v1/meal-rounds', { point_id: P1.id, day: D0, name: '午餐第一趟', assignee_id: mvol.user.id, ...body });
  const r1 = await round({});
  assert.equal(r1.status, 201, JSON.stringify(r1.body));
  // the assignee: a volunteer or staff of the point's area
  assert.equal((await round({ assignee_id: family.user.id })).body.error.details.field, 'assignee_id');
  assert.equal((await round({ assignee_id: demoVolunteer.user.id })).body.error.details.field, 'assignee_id');
  assert.equal((await round({ day: 'tomorrow' })).body.error.details.field, 'day');
  assert.equal((await round({ name: '' })).body.error.details.field, 'name');
  assert.equal((await staff2.post('/api/v1/meal-rounds', { point_id: P1.id, day: D0, name: 'x', assignee_id: mvol.user.id })).status, 404);
  assert.equal((await mvol.post('/api/v1/meal-rounds', { point_id: P1.id, day: D0, name: 'x', assignee_id: mvol.user.id })).status, 403);
  // whom a round may go to, as the console offers them: the area's volunteers and meal staff, and those above it
  const cand = await mstaff.get(`/api/v1/meal-points/${P1.id}/assignees`);
  assert.equal(cand.status, 200, JSON.stringify(cand.body));
  const candIds = cand.body.items.map((a) => a.id);
  for (const who of [mvol, mvol2, mstaff, admin]) assert.ok(candIds.includes(who.user.id), who.user.username);
  for (const who of [demoVolunteer, mgw, family, staff2]) assert.ok(!candIds.includes(who.user.id), who.user.username);
  assert.deepEqual(cand.body.items.find((a) => a.id === mvol.user.id), { id: mvol.user.id, name: mvol.user.display_name, unit: { id: comm.id, name: comm.name }, kind: 'volunteer' });
  assert.equal(cand.body.items.find((a) => a.id === mstaff.user.id).kind, 'staff');
  assert.equal((await staff2.get(`/api/v1/meal-points/${P1.id}/assignees`)).status, 404);
  assert.equal((await mgw.get(`/api/v1/meal-points/${P1.id}/assignees`)).status, 403);
  assert.equal((await mvol.get(`/api/v1/meal-points/${P1.id}/assignees`)).status, 403);
  const r2 = await mstaff.post('/api/v1/meal-rounds', { point_id: P2.id, day: D0, name: '送菜', assignee_id: mstaff.user.id });
  assert.equal(r2.status, 201);
  const r3 = await round({ day: D2, name: '后天' });
  // only open delivery orders of the round's point and day go in
  const assign = (id, order_ids) => mstaff.post(`/api/v1/meal-rounds/${id}/orders`, { order_ids });
  assert.equal((await assign(r1.body.id, [O.D0])).body.error.code, 'meal.invalid_state', 'dine-in');
  assert.equal((await assign(r1.body.id, [O.C0])).body.error.code, 'meal.invalid_state', 'another point');
  assert.equal((await assign(r1.body.id, [O.A2])).body.error.code, 'meal.invalid_state', 'another day');
  assert.equal((await assign(r1.body.id, [])).body.error.details.field, 'order_ids');
  assert.equal((await assign(r1.body.id, ['x'])).body.error.details.field, 'order_ids');
  assert.equal((await assign(r1.body.id, [O.A0])).status, 200);
  assert.equal((await assign(r2.body.id, [O.C0])).status, 200);
  assert.equal((await assign(r3.body.id, [O.A2])).status, 200);
  // the volunteer sees their rounds with where to go; the other volunteer sees none
  const mine = (await mvol.get('/api/v1/meal-rounds')).body.items.map((r) => r.id);
  assert.deepEqual(mine.sort((a, b) => a - b), [r1.body.id, r3.body.id].sort((a, b) => a - b));
  assert.deepEqual((await mvol2.get('/api/v1/meal-rounds')).body.items, []);
  const detail = (await mvol.get(`/api/v1/meal-rounds/${r1.body.id}`)).body;
  assert.equal(detail.orders, 1);
  assert.equal(detail.items[0].id, O.A0);
  assert.equal(detail.items[0].address.building, '1幢');
  assert.equal((await mvol2.get(`/api/v1/meal-rounds/${r1.body.id}`)).status, 404);
  assert.equal((await mvol.get(`/api/v1/meal-rounds/${r2.body.id}`)).status, 404);
  assert.equal((await mvol.get(`/api/v1/meal-orders/${O.A0}`)).status, 200);
  assert.equal((await mvol2.get(`/api/v1/meal-orders/${O.A0}`)).status, 404);
  assert.equal((await family.get('/api/v1/meal-rounds')).status, 403);
  // someone else's round: refused; one's own: delivered once; not before the day
  assert.equal((await mvol2.post(`/api/v1/meal-orders/${O.A0}/deliver`)).status, 404);
  assert.equal((await mvol.post(`/api/v1/meal-orders/${O.C0}/deliver`)).status, 404);
  const ok = await mvol.post(`/api/v1/meal-orders/${O.A0}/deliver`);
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.status, 'delivered');
  assert.equal((await mvol.post(`/api/v1/meal-orders/${O.A0}/deliver`)).body.error.code, 'meal.invalid_state');
  assert.equal((await mvol.post(`/api/v1/meal-orders/${O.A2}/deliver`)).body.error.code, 'meal.invalid_state');
  const done = (await family.get(`/api/v1/meal-orders/${O.A0}`)).body;
  assert.equal(done.status, 'delivered');
  assert.equal(done.done_by.id, mvol.user.id);
  assert.ok(done.done_at.startsWith(D0));
  // staff confirm the grocery round they hold, and serve dine-in
  assert.equal((await mstaff.post(`/api/v1/meal-orders/${O.C0}/deliver`)).status, 200);
  assert.equal((await mvol.post(`/api/v1/meal-orders/${O.D0}/serve`)).status, 403);
  assert.equal((await staff2.post(`/api/v1/meal-orders/${O.D0}/serve`)).status, 404);
  assert.equal((await mstaff.post(`/api/v1/meal-orders/${O.A2}/serve`)).body.error.code, 'meal.invalid_state', 'delivery, not dine-in');
  assert.equal((await mstaff.post(`/api/v1/meal-orders/${O.D1}/serve`)).body.error.code, 'meal.invalid_state', 'not before its day');
  assert.equal((await mstaff.post(`/api/v1/meal-orders/${O.D0}/serve`)).status, 200);
  assert.equal((await mstaff.get(`/api/v1/meal-rounds?point=${P1.id}&day=${D0}`)).body.items[0].delivered, 1);
  const rows = (await auditor.get('/api/v1/audit?action=meal.order_deliver&limit=10')).body.items;
  assert.ok(rows.some((a) => String(a.object_id) === String(O.A0) && a.actor_id === mvol.user.id), JSON.stringify(rows.slice(0, 2)));
});

// What was served or delivered, by whom and at what price — the fixture the
// statement and the coverage are checked against.
const served = () => [
  { point: P1.id, day: D0, mode: 'dine_in', price: 1200, subsidy: 800, resident: R.D },
  { point: P1.id, day: D0, mode: 'meal_delivery', price: 1200, subsidy: 800, resident: R.A },
  { point: P2.id, day: D0, mode: 'grocery_delivery', price: 1000, subsidy: 500, resident: R.C },
  { point: P1.id, day: D1, mode: 'dine_in', price: 1300, subsidy: 900, resident: R.D },
  ...O.Nwinners.map((rid) => ({ point: P3.id, day: D1, mode: 'dine_in', price: 1500, subsidy: 1500, resident: rid })),
];

test('the monthly statement counts served and delivered meals only, at the prices kept', async () => {
  await moveTo(at(D1, '12:00'));
  assert.equal((await mstaff.post(`/api/v1/meal-orders/${O.D1}/serve`)).status, 200);
  for (const id of O.N1) assert.equal((await mstaff.post(`/api/v1/meal-orders/${id}/serve`)).status, 200);
  for (const month of new Set([D0.slice(0, 7), D1.slice(0, 7)])) {
    const rows = served().filter((s) => s.point === P1.id && s.day.startsWith(month));
    const sum = (xs, f) => xs.reduce((n, x) => n + f(x), 0);
    const st = await mstaff.get(`/api/v1/meal-points/${P1.id}/statement?month=${month}`);
    assert.equal(st.status, 200, JSON.stringify(st.body));
    const s = st.body;
    assert.equal(s.month, month);
    assert.equal(s.meals, rows.length);
    assert.equal(s.price_total_fen, sum(rows, (r) => r.price));
    assert.equal(s.subsidy_total_fen, sum(rows, (r) => r.subsidy));
    assert.equal(s.resident_share_fen, sum(rows, (r) => r.price - r.subsidy));
    assert.equal(s.residents, new Set(rows.map((r) => r.resident)).size);
    for (const mode of ['dine_in', 'meal_delivery', 'grocery_delivery']) {
      const m = rows.filter((r) => r.mode === mode);
      assert.equal(s.by_mode[mode].meals, m.length, mode);
      assert.equal(s.by_mode[mode].subsidy_total_fen, sum(m, (r) => r.subsidy), mode);
    }
    assert.deepEqual(s.by_day.map((d) => d.day), [...new Set(rows.map((r) => r.day))].sort());
    for (const d of s.by_day) assert.equal(d.price_total_fen, sum(rows.filter((r) => r.day === d.day), (r) => r.price));
    // E's dine-in on D0 was never collected: shown, not billed
    assert.equal(s.not_taken, D0.startsWith(month) ? 1 : 0);
  }
  // the example month by hand, when D0 and D1 share it: 1200 + 1200 + 1300 fen, 800 + 800 + 900 subsidy
  if (D0.slice(0, 7) === D1.slice(0, 7)) {
    const s = (await mstaff.get(`/api/v1/meal-points/${P1.id}/statement?month=${D0.slice(0, 7)}`)).body;
    assert.deepEqual([s.meals, s.price_total_fen, s.subsidy_total_fen, s.resident_share_fen, s.residents], [3, 3700, 2500, 1200, 2]);
    assert.deepEqual([s.by_mode.dine_in.meals, s.by_mode.dine_in.price_total_fen], [2, 2500]);
  }
  const p3 = (await mstaff.get(`/api/v1/meal-points/${P3.id}/statement?month=${D1.slice(0, 7)}`)).body;
  assert.deepEqual([p3.meals, p3.subsidy_total_fen, p3.resident_share_fen], [3, 4500, 0]);
  assert.equal((await mstaff.get(`/api/v1/meal-points/${P1.id}/statement?month=2026-13`)).body.error.details.field, 'month');
  assert.equal((await mstaff.get(`/api/v1/meal-points/${P1.id}/statement`)).body.error.details.field, 'month');
  assert.equal((await staff2.get(`/api/v1/meal-points/${P1.id}/statement?month=${D0.slice(0, 7)}`)).status, 404);
  assert.equal((await mgw.get(`/api/v1/meal-points/${P1.id}/statement?month=${D0.slice(0, 7)}`)).status, 403);
});

test('coverage per community: eligible by the points\' rules, enrolled, served this month', async () => {
  const month = shanghaiDay(await serverTime()).slice(0, 7);
  const servedThisMonth = (inGrid2) => new Set(served().filter((s) => s.day.startsWith(month) && (inGrid2 || s.resident !== R.X)).map((s) => s.resident)).size;
  // by hand: A, C, D, E, Y (disabled, P3), N1–N8, X = 14 eligible; B (56) and F (no birth date) are not
  const cv = await mstaff.get('/api/v1/meals/coverage');
  assert.equal(cv.status, 200, JSON.stringify(cv.body));
  assert.equal(cv.body.month, month);
  assert.equal(cv.body.items.length, 1);
  const row = cv.body.items[0];
  assert.equal(row.community.id, comm.id);
  assert.equal(row.meal_points, 3);
  assert.deepEqual(row.rule, ['aged_80_plus', 'living_alone', 'disabled']);
  assert.equal(row.eligible, 14);
  assert.equal(row.enrolled, 12, 'A, C, D, E and N1–N8 approved; Y rejected');
  assert.equal(row.served_this_month, servedThisMonth(true));
  assert.deepEqual(cv.body.totals, { meal_points: 3, eligible: 14, enrolled: 12, served_this_month: servedThisMonth(true) });
  // the grid worker sits below the community: the community's row over the grid only (X lives in grid 2)
  const g = (await mgw.get('/api/v1/meals/coverage')).body;
  assert.equal(g.items.length, 1);
  assert.equal(g.items[0].community.id, comm.id);
  assert.equal(g.items[0].eligible, 13);
  // the street: our community and the one without a meal point, where nobody is eligible
  const st = (await admin.get(`/api/v1/meals/coverage?unit=${street.id}`)).body;
  const none = st.items.find((i) => i.community.id === comm2.id);
  assert.deepEqual(none, { community: { id: comm2.id, name: '无助餐点社区' }, meal_points: 0, rule: [], eligible: 0, enrolled: 0, served_this_month: 0 });
  assert.equal(st.items.find((i) => i.community.id === comm.id).eligible, 14);
  assert.equal((await staff2.get(`/api/v1/meals/coverage?unit=${comm.id}`)).status, 404);
  assert.equal((await mvol.get('/api/v1/meals/coverage')).status, 403);
  assert.equal((await admin.get('/api/v1/meals/coverage?unit=abc')).body.error.details.field, 'unit');
});

test('withdrawing cancels the open orders; the resident may apply again', async () => {
  assert.equal((await elder.post(`/api/v1/meal-enrolments/${E.A}/withdraw`)).status, 404);
  const w = await family.post(`/api/v1/meal-enrolments/${E.A}/withdraw`, { reason: '住院' });
  assert.equal(w.status, 200, JSON.stringify(w.body));
  assert.equal(w.body.status, 'withdrawn');
  assert.equal(w.body.orders_cancelled, 1, 'the order for the day after tomorrow');
  const a2 = (await family.get(`/api/v1/meal-orders/${O.A2}`)).body;
  assert.equal(a2.status, 'cancelled');
  assert.equal(a2.round_id, null);
  assert.equal((await family.get(`/api/v1/meal-orders/${O.A0}`)).body.status, 'delivered', 'what was delivered stays');
  assert.equal((await family.post(`/api/v1/meal-enrolments/${E.A}/withdraw`)).body.error.code, 'meal.invalid_state');
  assert.equal((await family.post('/api/v1/meal-orders', { enrolment_id: E.A, day: D2, mode: 'dine_in' })).body.error.code, 'meal.not_enrolled');
  const again = await family.post('/api/v1/meal-enrolments', { point_id: P1.id, resident_id: R.A });
  assert.equal(again.status, 201, JSON.stringify(again.body));
  const rows = (await auditor.get('/api/v1/audit?action=meal.enrol_withdraw&limit=10')).body.items;
  assert.ok(rows.some((a) => String(a.object_id) === String(E.A)));
});

test('long names in mixed scripts come back whole: the point, its unit, messages and coverage', async () => {
  // within the limits (a point's name 100 characters, a unit's 150) but far over them in bytes
  const name = 'A' + '食'.repeat(99);
  const commName = 'C' + '区'.repeat(149);
  const longComm = await unit(street.id, commName);
  const far = await admin.post('/api/v1/meal-points', { unit_id: longComm.id, name, address: '地'.repeat(300), daily_capacity: 5, modes: ['dine_in'], price_fen: 1000, order_cutoff: '10:00', eligibility: ['aged_80_plus'] });
  assert.equal(far.status, 201, JSON.stringify(far.body));
  const fp = await admin.get(`/api/v1/meal-points/${far.body.id}`);
  assert.equal(fp.status, 200, JSON.stringify(fp.body));
  assert.deepEqual([fp.body.name, fp.body.unit.name], [name, commName]);
  const listed = await admin.get(`/api/v1/meal-points?unit=${longComm.id}`);
  assert.equal(listed.status, 200, JSON.stringify(listed.body));
  assert.deepEqual(listed.body.items.map((p) => p.name), [name]);
  const cv = await admin.get(`/api/v1/meals/coverage?unit=${street.id}`);
  assert.equal(cv.status, 200, JSON.stringify(cv.body));
  assert.equal(cv.body.items.find((i) => i.community.id === longComm.id)?.community.name, commName, 'the row is there, named whole');
  const own = await admin.get(`/api/v1/meals/coverage?unit=${longComm.id}`);
  assert.equal(own.status, 200, JSON.stringify(own.body));
  assert.equal(own.body.unit.name, commName);
  assert.equal((await admin.post('/api/v1/meal-points', { unit_id: longComm.id, name: name + '多', daily_capacity: 5, modes: ['dine_in'], price_fen: 1000, order_cutoff: '10:00', eligibility: ['aged_80_plus'] })).body.error.details.field, 'name');
  // a point of our community with the long name: applying, approving, ordering and withdrawing
  const p = await mstaff.post('/api/v1/meal-points', { unit_id: comm.id, name, daily_capacity: 5, modes: ['dine_in'], price_fen: 1000, subsidy_fen: 600, order_cutoff: '10:00', eligibility: ['aged_80_plus'] });
  assert.equal(p.status, 201, JSON.stringify(p.body));
  assert.ok((await family.get('/api/v1/meal-points')).body.items.some((x) => x.id === p.body.id && x.name === name));
  const e = await family.post('/api/v1/meal-enrolments', { point_id: p.body.id, resident_id: R.A, note: '注'.repeat(200) });
  assert.equal(e.status, 201, JSON.stringify(e.body));
  assert.ok((await mstaff.get('/api/v1/messages?limit=200')).body.items.some((m) => m.title === `助餐申请待审批：${name}`));
  const ok = await mstaff.post(`/api/v1/meal-enrolments/${e.body.id}/approve`);
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.ok((await family.get('/api/v1/messages?limit=200')).body.items.some((m) => m.title === '助餐申请已通过' && m.body === name));
  assert.equal((await family.get(`/api/v1/meal-enrolments/${e.body.id}`)).body.point.name, name);
  const o = await family.post('/api/v1/meal-orders', { enrolment_id: e.body.id, day: D2, mode: 'dine_in' });
  assert.equal(o.status, 201, JSON.stringify(o.body));
  assert.equal((await family.get(`/api/v1/meal-orders/${o.body.id}`)).body.point.name, name);
  assert.equal((await mstaff.post(`/api/v1/meal-enrolments/${e.body.id}/withdraw`, { reason: '因'.repeat(201) })).body.error.details.field, 'reason');
  const w = await mstaff.post(`/api/v1/meal-enrolments/${e.body.id}/withdraw`, { reason: '因'.repeat(200) });
  assert.equal(w.status, 200, JSON.stringify(w.body));
  assert.equal(w.body.orders_cancelled, 1);
  assert.ok((await family.get('/api/v1/messages?limit=200')).body.items.some((m) => m.title === '助餐已退出' && m.body === `${name}：${'因'.repeat(200)}`));
});

test('an order racing a withdrawal never outlives it: the order is refused or cancelled with it', async () => {
  const p = await mstaff.post('/api/v1/meal-points', { unit_id: comm.id, name: '竞态测试点', daily_capacity: 100, modes: ['dine_in'], price_fen: 1000, order_cutoff: '23:59', eligibility: ['aged_80_plus'] });
  assert.equal(p.status, 201, JSON.stringify(p.body));
  for (let k = 1; k <= 16; k++) {
    const e = await mstaff.post('/api/v1/meal-enrolments', { point_id: p.body.id, resident_id: R.X });
    assert.equal(e.status, 201, JSON.stringify(e.body));
    assert.equal((await mstaff.post(`/api/v1/meal-enrolments/${e.body.id}/approve`)).status, 200);
    const [o, w] = await Promise.all([
      mstaff.post('/api/v1/meal-orders', { enrolment_id: e.body.id, day: dayAfter(D1, k), mode: 'dine_in' }),
      mstaff.post(`/api/v1/meal-enrolments/${e.body.id}/withdraw`, { reason: '竞态' }),
    ]);
    assert.equal(w.status, 200, JSON.stringify(w.body));
    if (o.status === 201) {
      const now = (await mstaff.get(`/api/v1/meal-orders/${o.body.id}`)).body;
      assert.equal(now.status, 'cancelled', `round ${k}: a live order on a withdrawn enrolment`);
      assert.equal(w.body.orders_cancelled, 1, `round ${k}`);
    } else {
      assert.equal(o.status, 409, JSON.stringify(o.body));
      assert.equal(o.body.error.code, 'meal.not_enrolled');
      assert.equal(w.body.orders_cancelled, 0);
    }
  }
  const live = (await mstaff.get(`/api/v1/meal-orders?point=${p.body.id}&status=ordered&limit=500`)).body.items;
  assert.deepEqual(live, [], 'no live order is left');
});

test('a delivery racing a move to another round: never both — the old assignee cannot confirm a moved order', async () => {
  const p = await mstaff.post('/api/v1/meal-points', { unit_id: comm.id, name: '送餐竞态点', daily_capacity: 100, modes: ['meal_delivery'], price_fen: 1000, order_cutoff: '23:59', eligibility: ['aged_80_plus'] });
  assert.equal(p.status, 201, JSON.stringify(p.body));
  const today = shanghaiDay(await serverTime());
  const mkRound = async (assignee) => {
    const r = await mstaff.post('/api/v1/meal-rounds', { point_id: p.body.id, day: today, name: `送餐 ${assignee.user.username}`, assignee_id: assignee.user.id });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id;
  };
  const r1 = await mkRound(mvol);
  const r2 = await mkRound(mvol2);
  let delivered = 0;
  let moved = 0;
  for (let k = 0; k < 12; k++) {
    const rid = await resident(H.h7, `送餐老人${k}`, '1935-05-05');
    const e = await mstaff.post('/api/v1/meal-enrolments', { point_id: p.body.id, resident_id: rid });
    assert.equal((await mstaff.post(`/api/v1/meal-enrolments/${e.body.id}/approve`)).status, 200);
    const o = await mstaff.post('/api/v1/meal-orders', { enrolment_id: e.body.id, day: today, mode: 'meal_delivery' });
    assert.equal(o.status, 201, JSON.stringify(o.body));
    assert.equal((await mstaff.post(`/api/v1/meal-rounds/${r1}/orders`, { order_ids: [o.body.id] })).status, 200);
    const [d, m] = await Promise.all([
      mvol.post(`/api/v1/meal-orders/${o.body.id}/deliver`),
      mstaff.post(`/api/v1/meal-rounds/${r2}/orders`, { order_ids: [o.body.id] }),
    ]);
    const after = (await mstaff.get(`/api/v1/meal-orders/${o.body.id}`)).body;
    if (d.status === 200) {
      delivered++;
      assert.equal(m.status, 409, `round ${k}: a delivered order was moved too`);
      assert.deepEqual([after.status, after.round_id, after.done_by.id], ['delivered', r1, mvol.user.id]);
    } else {
      moved++;
      assert.equal(m.status, 200, JSON.stringify(m.body));
      assert.ok([404, 409].includes(d.status), `round ${k}: ${d.status} ${JSON.stringify(d.body)}`);
      assert.deepEqual([after.status, after.round_id], ['ordered', r2], `round ${k}`);
      // the new assignee confirms it
      assert.equal((await mvol2.post(`/api/v1/meal-orders/${o.body.id}/deliver`)).status, 200);
    }
  }
  assert.equal(delivered + moved, 12);
});

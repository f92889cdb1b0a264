// Community activities (活动报名): publishing with a venue reserved through
// the booking rules, the sign-up window, eligibility by resident tags, the
// waitlist with promotion and its message, capacity under 50 simultaneous
// sign-ups, cancelling, scope, check-in and the record of attendance.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startDistrict, addUser, PASSWORD } from './lib/district.mjs';
import { BIN } from './lib/harness.mjs';

let srv, staff, staff2, hub, resident, resident2, resident3, volunteer;
let venue, household, gridCode;

async function today() {
  return (await srv.json('/api/v1/meta')).body.server_time.slice(0, 10);
}
function dayAfter(date, k) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + k);
  return d.toISOString().slice(0, 10);
}
const at = (date, hhmm) => `${date}T${hhmm}:00+08:00`;
let D0;
const day = (k) => dayAfter(D0, k);
// A time relative to the server's clock, in minutes, as ISO 8601.
async function inMinutes(m) {
  const now = new Date((await srv.json('/api/v1/meta')).body.server_time).getTime();
  return new Date(now + m * 60e3).toISOString().replace(/\.\d+Z$/, 'Z');
}

async function signIn() {
  staff = await srv.login('longqiao');
  staff2 = await srv.login('staff2');
  hub = await srv.login('hubleader');
  resident = await srv.login('resident');
  resident2 = await srv.login('resident2');
  resident3 = await srv.login('resident3');
  volunteer = await srv.login('volunteer');
}
async function advanceTo(iso) {
  const now = new Date((await srv.json('/api/v1/meta')).body.server_time).getTime();
  const r = await srv.post('/api/v1/_test/clock', { advance_seconds: Math.round((new Date(iso).getTime() - now) / 1000) });
  assert.equal(r.status, 200);
  await signIn();
}

// `shuniu user add` for many accounts, a few at a time.
async function addUsers(names, role, unitCode) {
  const one = (name) => new Promise((res, rej) => {
    const p = spawn(BIN, ['user', 'add', '--data', srv.data.dir, '--username', name, '--role', role, '--unit', unitCode, '--password-stdin']);
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    p.on('exit', (code) => (code === 0 ? res() : rej(new Error(`user add ${name}: ${err}`))));
    p.stdin.end(PASSWORD + '\n');
  });
  for (let i = 0; i < names.length; i += 4) await Promise.all(names.slice(i, i + 4).map(one));
}

const EVERY_DAY = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['08:00', '12:00'], ['13:00', '22:00']]]));

let seq = 0;
async function publish(body = {}, who = staff) {
  const d = day(3);
  const r = await who.post('/api/v1/activities', {
    title: `活动${++seq}`, place: '龙桥社区广场', start: at(d, '09:00'), end: at(d, '10:00'), capacity: 10, ...body,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}
const signUp = (who, id, body = {}) => who.post(`/api/v1/activities/${id}/signups`, body);
const get = async (who, id) => (await who.get(`/api/v1/activities/${id}`)).body;
const messages = async (who) => (await who.get('/api/v1/messages?limit=200')).body.items;

before(async () => {
  srv = await startDistrict();
  const gw = await srv.login('gridworker');
  gridCode = gw.user.unit.code;
  addUser(srv.data.dir, 'resident2', 'resident', gridCode);
  addUser(srv.data.dir, 'resident3', 'resident', gridCode);
  addUser(srv.data.dir, 'staff2', 'community_staff', '320506001002');
  await signIn();
  D0 = await today();
  const v = await staff.post('/api/v1/venues', {
    unit_id: staff.user.unit.id, name: '龙桥社区活动中心', capacity: 40, slot_minutes: 30, opening_hours: EVERY_DAY,
  });
  assert.equal(v.status, 201, JSON.stringify(v.body));
  venue = (await staff.get(`/api/v1/venues/${v.body.id}`)).body;
  household = (await staff.get(`/api/v1/households?unit=${gw.user.unit.id}&limit=1`)).body.items[0];
  assert.ok(household, 'a household in the grid');
});

after(async () => {
  const r = await srv.stop();
  assert.equal(r.code, 0, srv.log().slice(-3000));
});

test('staff publish an activity; residents of the community see it with places left, not the check-in code; sibling staff see nothing', async () => {
  const a = await publish({ title: '重阳节敬老茶话会', description: '茶点与戏曲', organiser_kind: 'volunteer_team', organiser_name: '龙桥先锋志愿队', capacity: 20 });
  assert.equal(a.status, 'published');
  assert.match(a.check_in_code, /^[2-9A-HJ-NP-Z]{10}$/);
  const seen = await get(resident, a.id);
  assert.equal(seen.title, '重阳节敬老茶话会');
  assert.deepEqual(seen.organiser, { kind: 'volunteer_team', name: '龙桥先锋志愿队' });
  assert.equal(seen.places_left, 20);
  assert.equal(seen.my_signup, null);
  assert.equal(seen.signup_open, true);
  assert.equal(seen.check_in_code, undefined);
  assert.equal(seen.start, at(day(3), '09:00'));
  assert.equal((await get(staff, a.id)).check_in_code, a.check_in_code);
  const list = (await resident.get(`/api/v1/activities?from=${day(0)}&to=${day(3)}`)).body.items;
  assert.ok(list.some((x) => x.id === a.id), 'in the resident\'s list');
  assert.ok(!(await resident.get(`/api/v1/activities?to=${day(2)}`)).body.items.some((x) => x.id === a.id), 'to= ends the range');
  // a unit's own activity names the unit as organiser
  const b = await publish();
  assert.deepEqual((await get(resident, b.id)).organiser, { kind: 'unit', name: staff.user.unit.name });
  // the sibling community's staff: not found, not listed, cannot sign anyone up
  assert.equal((await staff2.get(`/api/v1/activities/${a.id}`)).status, 404);
  assert.ok(!(await staff2.get('/api/v1/activities')).body.items.some((x) => x.id === a.id));
  assert.equal((await staff2.patch(`/api/v1/activities/${a.id}`, { capacity: 30 })).status, 404);
  assert.equal((await staff2.post(`/api/v1/activities/${a.id}/cancel`, { reason: 'x' })).status, 404);
  assert.equal((await staff2.get(`/api/v1/activities/${a.id}/signups`)).status, 404);
  // the hub leader of the grid below sees only their grid's subtree: a community activity is not theirs
  assert.equal((await hub.get(`/api/v1/activities/${a.id}`)).status, 404);
  const s2 = await staff2.post('/api/v1/activities', { unit_id: staff.user.unit.id, title: 'x', place: 'y', start: at(day(3), '09:00'), end: at(day(3), '10:00'), capacity: 5 });
  assert.equal(s2.status, 404);
});

test("managers print the activity's check-in QR code (BASE/a/<code>); residents and sibling staff may not fetch it", async () => {
  const a = await publish({ title: '垃圾分类宣讲' });
  const qr = (who) => srv.fetch(`/api/v1/activities/${a.id}/qr.svg`, { headers: { cookie: `shuniu_session=${who.cookie}` } });
  const r = await qr(staff);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^image\/svg\+xml/);
  const svg = await r.text();
  assert.ok(svg.includes(`/a/${a.check_in_code}</desc>`), svg.slice(0, 400));
  assert.ok(svg.includes('垃圾分类宣讲'));
  assert.equal((await qr(resident)).status, 403);
  assert.equal((await qr(staff2)).status, 404);
  assert.equal((await srv.fetch('/api/v1/activities/999999/qr.svg', { headers: { cookie: `shuniu_session=${staff.cookie}` } })).status, 404);
});

test('bad input is refused by field; only activity:manage publishes', async () => {
  const base = { title: '书法课', place: '二楼', start: at(day(4), '09:00'), end: at(day(4), '10:00'), capacity: 10 };
  const bad = async (body, field, who = staff) => {
    const r = await who.post('/api/v1/activities', { ...base, ...body });
    assert.equal(r.status, 400, JSON.stringify([body, r.body]));
    assert.equal(r.body.error.code, 'request.invalid');
    assert.equal(r.body.error.details.field, field, JSON.stringify(r.body));
  };
  await bad({ title: '' }, 'title');
  await bad({ title: undefined }, 'title');
  await bad({ start: '明天上午' }, 'start');
  await bad({ end: at(day(4), '08:00') }, 'end');
  await bad({ start: at(day(-1), '09:00'), end: at(day(-1), '10:00') }, 'start');
  await bad({ capacity: 0 }, 'capacity');
  await bad({ capacity: '10' }, 'capacity');
  await bad({ place: '' }, 'place');
  await bad({ organiser_kind: 'party' }, 'organiser_kind');
  await bad({ organiser_kind: 'volunteer_team' }, 'organiser_name');
  await bad({ eligibility: ['rich'] }, 'eligibility');
  await bad({ eligibility: ['disabled', 'disabled'] }, 'eligibility');
  await bad({ eligibility: 'disabled' }, 'eligibility');
  await bad({ signup_closes_at: at(day(4), '09:30') }, 'signup_closes_at');
  await bad({ signup_opens_at: at(day(2), '09:00'), signup_closes_at: at(day(1), '09:00') }, 'signup_closes_at');
  await bad({ venue_id: venue.id, start: at(day(4), '09:10'), end: at(day(4), '10:10') }, 'start');
  await bad({ venue_id: venue.id, capacity: 41 }, 'capacity');
  assert.equal((await staff.post('/api/v1/activities', { ...base, venue_id: 999999 })).status, 404);
  // residents and volunteers do not publish (volunteer teams organise through staff)
  assert.equal((await resident.post('/api/v1/activities', base)).status, 403);
  assert.equal((await volunteer.post('/api/v1/activities', base)).status, 403);
  assert.equal((await resident.post('/api/v1/activities/1/cancel', { reason: 'x' })).status, 403);
  // PATCH: nothing to change, the unit, bad fields
  const a = await publish();
  assert.equal((await staff.patch(`/api/v1/activities/${a.id}`, {})).body.error.details.field, 'body');
  assert.equal((await staff.patch(`/api/v1/activities/${a.id}`, { unit_id: staff.user.unit.id })).body.error.details.field, 'unit_id');
  assert.equal((await staff.patch(`/api/v1/activities/${a.id}`, { end: at(day(3), '08:00') })).body.error.details.field, 'end');
  assert.equal((await staff.patch(`/api/v1/activities/${a.id}`, { place: '', venue_id: null })).body.error.details.field, 'place');
  assert.equal((await staff.post(`/api/v1/activities/${a.id}/cancel`, {})).body.error.details.field, 'reason');
  // lists
  assert.equal((await resident.get('/api/v1/activities?from=soon')).body.error.details.field, 'from');
  assert.equal((await resident.get('/api/v1/activities?status=open')).body.error.details.field, 'status');
  assert.equal((await staff.get(`/api/v1/activities/${a.id}/signups?status=maybe`)).body.error.details.field, 'status');
  assert.equal((await staff.get('/api/v1/activities/attendance')).body.error.details.field, 'resident_id');
  assert.equal((await staff.post(`/api/v1/activities/${a.id}/signups`, {})).body.error.details.field, 'resident_id');
  assert.equal((await resident.get('/api/v1/activities/999999')).status, 404);
});

test('sign-up is open only within its window: 409 activity.signup_closed before and after', async () => {
  const later = await publish({ signup_opens_at: at(day(1), '08:00'), signup_closes_at: at(day(2), '20:00') });
  const r = await signUp(resident, later.id);
  assert.equal(r.status, 409, JSON.stringify(r.body));
  assert.equal(r.body.error.code, 'activity.signup_closed');
  assert.equal(r.body.error.details.opens_at, at(day(1), '08:00'));
  assert.equal((await get(resident, later.id)).signup_open, false);
  const closed = await publish({ signup_opens_at: await inMinutes(-120), signup_closes_at: await inMinutes(-60) });
  assert.equal((await signUp(resident, closed.id)).body.error.code, 'activity.signup_closed');
  // the rule binds staff signing up on a resident's behalf too
  assert.equal((await signUp(staff, closed.id, { resident_id: resident.user.resident_id })).body.error.code, 'activity.signup_closed');
});

test('full means waitlisted with a position; a second sign-up is 409; a cancelled place goes to the first waitlisted, who is told', async () => {
  const a = await publish({ title: '插花体验课', capacity: 1 });
  const first = await signUp(resident, a.id);
  assert.equal(first.status, 201, JSON.stringify(first.body));
  assert.equal(first.body.status, 'confirmed');
  assert.equal(first.body.position, null);
  const second = await signUp(resident2, a.id);
  assert.equal(second.status, 201);
  assert.deepEqual([second.body.status, second.body.position], ['waitlisted', 1]);
  const third = await signUp(resident3, a.id);
  assert.deepEqual([third.body.status, third.body.position], ['waitlisted', 2]);
  const again = await signUp(resident, a.id);
  assert.equal(again.status, 409);
  assert.equal(again.body.error.code, 'activity.already_signed_up');
  // staff signing up the same resident record is a duplicate too
  assert.equal((await signUp(staff, a.id, { resident_id: resident.user.resident_id })).body.error.code, 'activity.already_signed_up');
  const seen = await get(resident2, a.id);
  assert.deepEqual([seen.places_left, seen.confirmed, seen.waitlisted], [0, 1, 2]);
  assert.deepEqual(seen.my_signup && [seen.my_signup.status, seen.my_signup.position], ['waitlisted', 1]);
  // someone else's sign-up cannot be cancelled by a resident
  assert.equal((await resident2.post(`/api/v1/activities/${a.id}/signups/${first.body.id}/cancel`)).status, 404);
  const c = await resident.post(`/api/v1/activities/${a.id}/signups/${first.body.id}/cancel`, { reason: '临时有事' });
  assert.equal(c.status, 200, JSON.stringify(c.body));
  assert.equal((await resident.post(`/api/v1/activities/${a.id}/signups/${first.body.id}/cancel`)).body.error.code, 'activity.invalid_state');
  const promoted = await get(resident2, a.id);
  assert.equal(promoted.my_signup.status, 'confirmed');
  assert.equal(promoted.my_signup.position, null);
  const msg = (await messages(resident2)).find((m) => m.title === '活动候补转正：插花体验课');
  assert.ok(msg, 'the promoted resident is told');
  assert.equal(msg.kind, 'activity');
  assert.ok(!(await messages(resident3)).some((m) => m.title.startsWith('活动候补转正')), 'the next in line is not');
  assert.equal((await get(resident3, a.id)).my_signup.position, 1);
  // having cancelled, one may sign up again: at the back of the queue
  const back = await signUp(resident, a.id);
  assert.equal(back.status, 201, JSON.stringify(back.body));
  assert.deepEqual([back.body.status, back.body.position], ['waitlisted', 2]);
  // staff see the list in order, with attendance and a summary
  const list = (await staff.get(`/api/v1/activities/${a.id}/signups`)).body;
  assert.deepEqual(list.items.map((s) => [s.status, s.position]), [['cancelled', null], ['confirmed', null], ['waitlisted', 1], ['waitlisted', 2]]);
  assert.equal(list.items[1].attendance, 'expected');
  assert.equal(list.items[1].name, 'resident2');
  assert.ok(list.items[1].promoted_at);
  assert.deepEqual(list.summary, { capacity: 1, confirmed: 1, waitlisted: 2, checked_in: 0 });
  assert.equal((await staff.get(`/api/v1/activities/${a.id}/signups?status=waitlisted`)).body.items.length, 2);
  assert.equal((await resident.get(`/api/v1/activities/${a.id}/signups`)).status, 403);
  // mine=1 lists the activities one has signed up for
  const mine = (await resident3.get('/api/v1/activities?mine=1&limit=500')).body.items.map((x) => x.id);
  assert.ok(mine.includes(a.id));
  // staff cancel a confirmed place: the resident is told, the next is promoted
  const r2 = list.items[1];
  assert.equal((await staff.post(`/api/v1/activities/${a.id}/signups/${r2.id}/cancel`, { reason: '名额调整' })).status, 200);
  assert.ok((await messages(resident2)).some((m) => m.title === '活动报名已取消：插花体验课' && m.body.includes('名额调整')));
  assert.equal((await get(resident3, a.id)).my_signup.status, 'confirmed');
  assert.ok((await messages(resident3)).some((m) => m.title === '活动候补转正：插花体验课'));
  // the sign-ups and the promotion are audited
  const auditor = await srv.login('auditor');
  const rows = (await auditor.get('/api/v1/audit?action=activity.signup_cancel&limit=20')).body.items;
  assert.ok(rows.some((x) => String(x.object_id) === String(a.id)));
});

test('eligibility by resident tags: any one of them; no resident record, no tags', async () => {
  const a = await publish({ title: '高龄老人健康讲座', eligibility: ['aged_80_plus'] });
  const r = await signUp(resident2, a.id);
  assert.equal(r.status, 403, JSON.stringify(r.body));
  assert.equal(r.body.error.code, 'activity.not_eligible');
  assert.deepEqual(r.body.error.details.required, ['aged_80_plus']);
  assert.deepEqual((await get(resident2, a.id)).eligibility, ['aged_80_plus']);
  // staff sign up residents on their behalf: the tags are the resident record's
  const mk = async (name, birth_date) => {
    const x = await staff.post('/api/v1/residents', { household_id: household.id, name, birth_date });
    assert.equal(x.status, 201, JSON.stringify(x.body));
    return x.body.id;
  };
  const old = await mk('王秀英', '1940-03-02');
  const young = await mk('王小明', '1990-06-01');
  const ok = await signUp(staff, a.id, { resident_id: old });
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  assert.equal((await signUp(staff, a.id, { resident_id: young })).body.error.code, 'activity.not_eligible');
  // a resident outside the staff member's area cannot be signed up
  const outside = (await staff2.get('/api/v1/residents?limit=1')).body.items[0].id;
  assert.equal((await signUp(staff, a.id, { resident_id: outside })).body.error.details.field, 'resident_id');
  // the signed-in resident's own record: tags as staff set them
  const rid = resident.user.resident_id;
  const b = await publish({ title: '助残与独居关爱活动', eligibility: ['disabled', 'living_alone'] });
  assert.equal((await staff.patch(`/api/v1/residents/${rid}`, { tags: ['low_income'] })).status, 200);
  assert.equal((await signUp(resident, b.id)).body.error.code, 'activity.not_eligible');
  assert.equal((await staff.patch(`/api/v1/residents/${rid}`, { tags: ['living_alone'] })).status, 200);
  const yes = await signUp(resident, b.id);
  assert.equal(yes.status, 201, JSON.stringify(yes.body));
  // the staff-made sign-up shows in the list under the resident's name
  const names = (await staff.get(`/api/v1/activities/${a.id}/signups`)).body.items.map((s) => [s.name, s.resident_id]);
  assert.deepEqual(names, [['王秀英', old]]);
});

test('50 simultaneous sign-ups for 10 places: exactly 10 confirmed and 40 waitlisted in order; 5 cancels promote 5', async () => {
  const names = Array.from({ length: 50 }, (_, i) => `crowd${String(i).padStart(2, '0')}`);
  await addUsers(names, 'resident', gridCode);
  const crowd = await Promise.all(names.map((n) => srv.login(n)));
  const a = await publish({ title: '并发报名测试', capacity: 10 });
  const answers = await Promise.all(crowd.map((c) => signUp(c, a.id)));
  for (const x of answers) assert.equal(x.status, 201, JSON.stringify(x.body));
  const confirmed = answers.filter((x) => x.body.status === 'confirmed');
  const waitlisted = answers.filter((x) => x.body.status === 'waitlisted');
  assert.equal(confirmed.length, 10);
  assert.equal(waitlisted.length, 40);
  assert.deepEqual(waitlisted.map((x) => x.body.position).sort((p, q) => p - q), Array.from({ length: 40 }, (_, i) => i + 1));
  // the waitlist is in sign-up order: positions follow the ids
  const byId = [...waitlisted].sort((p, q) => p.body.id - q.body.id).map((x) => x.body.position);
  assert.deepEqual(byId, Array.from({ length: 40 }, (_, i) => i + 1));
  const seen = await get(staff, a.id);
  assert.deepEqual([seen.confirmed, seen.waitlisted, seen.places_left], [10, 40, 0]);
  // five confirmed cancel at once: five from the head of the waitlist move up, never more
  const who = answers.map((x, i) => [x, crowd[i]]).filter(([x]) => x.body.status === 'confirmed').slice(0, 5);
  const cancels = await Promise.all(who.map(([x, c]) => c.post(`/api/v1/activities/${a.id}/signups/${x.body.id}/cancel`)));
  for (const x of cancels) assert.equal(x.status, 200, JSON.stringify(x.body));
  const list = (await staff.get(`/api/v1/activities/${a.id}/signups?limit=500`)).body;
  assert.deepEqual(list.summary, { capacity: 10, confirmed: 10, waitlisted: 35, checked_in: 0 });
  const head = [...waitlisted].sort((p, q) => p.body.id - q.body.id).slice(0, 5).map((x) => x.body.id);
  for (const id of head) assert.equal(list.items.find((s) => s.id === id).status, 'confirmed');
});

test('a venue is reserved through the booking rules; a clash is 409 booking.conflict and makes nothing; cancelling frees it and tells everyone', async () => {
  const d = day(2);
  const a = await publish({ title: '社区电影之夜', place: '', venue_id: venue.id, start: at(d, '14:00'), end: at(d, '16:00'), capacity: 30 });
  assert.ok(a.booking_id, 'a booking was made');
  const seen = await get(resident, a.id);
  assert.deepEqual(seen.venue, { id: venue.id, name: '龙桥社区活动中心' });
  assert.deepEqual(seen.booking, { id: a.booking_id, status: 'approved' });
  const booking = (await staff.get(`/api/v1/bookings/${a.booking_id}`)).body;
  assert.equal(booking.for_unit.id, staff.user.unit.id);
  assert.equal(booking.purpose, '活动：社区电影之夜');
  const slots = async () => Object.fromEntries((await resident.get(`/api/v1/venues/${venue.id}/slots?date=${d}`)).body.items.map((s) => [s.start.slice(11, 16), s.state]));
  let s = await slots();
  assert.deepEqual([s['13:30'], s['14:00'], s['15:30'], s['16:00']], ['free', 'taken', 'taken', 'free']);
  // an overlapping activity at the venue: 409 booking.conflict, and no activity is left behind
  const before = (await staff.get(`/api/v1/activities?from=${d}&to=${d}&limit=500`)).body.items.length;
  const clash = await staff.post('/api/v1/activities', { title: '冲突活动', venue_id: venue.id, start: at(d, '15:00'), end: at(d, '17:00'), capacity: 10 });
  assert.equal(clash.status, 409, JSON.stringify(clash.body));
  assert.equal(clash.body.error.code, 'booking.conflict');
  assert.equal((await staff.get(`/api/v1/activities?from=${d}&to=${d}&limit=500`)).body.items.length, before);
  // a resident's booking of the same time meets the same slots
  const rb = await resident.post('/api/v1/bookings', { venue_id: venue.id, start: at(d, '15:00'), end: at(d, '15:30'), purpose: '下棋' });
  assert.equal(rb.body.error.code, 'booking.conflict');
  // outside the opening hours and in a blackout: booking.closed
  const night = await staff.post('/api/v1/activities', { title: '夜场', venue_id: venue.id, start: at(d, '22:00'), end: at(d, '23:00'), capacity: 10 });
  assert.deepEqual([night.status, night.body.error.code, night.body.error.details.why], [409, 'booking.closed', 'opening_hours']);
  const bl = await staff.post(`/api/v1/venues/${venue.id}/blackouts`, { start: at(day(5), '00:00'), end: at(day(6), '00:00'), reason: '消防检查' });
  const dark = await staff.post('/api/v1/activities', { title: '停用日', venue_id: venue.id, start: at(day(5), '09:00'), end: at(day(5), '10:00'), capacity: 10 });
  assert.deepEqual([dark.status, dark.body.error.details.why], [409, 'blackout']);
  await staff.del(`/api/v1/venues/${venue.id}/blackouts/${bl.body.id}`);
  // sign-ups, then the cancel: the booking is released, the slots free, everyone told
  assert.equal((await signUp(resident2, a.id)).body.status, 'confirmed');
  assert.equal((await signUp(staff, a.id, { resident_id: resident.user.resident_id })).body.status, 'confirmed');
  assert.ok((await messages(resident)).some((m) => m.title === '活动报名成功：社区电影之夜'), 'signed up by staff: told');
  const c = await staff.post(`/api/v1/activities/${a.id}/cancel`, { reason: '设备故障' });
  assert.equal(c.status, 200, JSON.stringify(c.body));
  s = await slots();
  assert.deepEqual([s['14:00'], s['15:30']], ['free', 'free']);
  assert.equal((await staff.get(`/api/v1/bookings/${a.booking_id}`)).body.status, 'cancelled');
  for (const who of [resident, resident2]) {
    const m = (await messages(who)).find((x) => x.title === '活动已取消：社区电影之夜');
    assert.ok(m, 'told of the cancel');
    assert.ok(m.body.includes('设备故障') && m.body.includes('龙桥社区活动中心'), m.body);
  }
  const after = await get(resident2, a.id);
  assert.deepEqual([after.status, after.cancel_reason, after.my_signup.status], ['cancelled', '设备故障', 'cancelled']);
  assert.equal((await signUp(resident3, a.id)).body.error.code, 'activity.invalid_state');
  assert.equal((await staff.post(`/api/v1/activities/${a.id}/cancel`, { reason: '再取消' })).body.error.code, 'activity.invalid_state');
  assert.equal((await staff.patch(`/api/v1/activities/${a.id}`, { capacity: 5 })).body.error.code, 'activity.invalid_state');
  // the freed time can be taken again
  const again = await publish({ title: '电影改期', place: '', venue_id: venue.id, start: at(d, '14:00'), end: at(d, '16:00'), capacity: 30 });
  assert.ok(again.booking_id);
});

test('changing the time moves the booking and tells those signed up; a larger capacity confirms the waitlist; a smaller one below the sign-ups is refused', async () => {
  const d = day(6);
  const a = await publish({ title: '太极拳入门', place: '', venue_id: venue.id, start: at(d, '09:00'), end: at(d, '10:00'), capacity: 1 });
  await signUp(resident, a.id);
  const w = await signUp(resident2, a.id);
  assert.equal(w.body.status, 'waitlisted');
  const moved = await staff.patch(`/api/v1/activities/${a.id}`, { start: at(d, '10:00'), end: at(d, '11:00') });
  assert.equal(moved.status, 200, JSON.stringify(moved.body));
  assert.notEqual(moved.body.booking_id, a.booking_id);
  assert.equal((await staff.get(`/api/v1/bookings/${a.booking_id}`)).body.status, 'cancelled');
  const slots = Object.fromEntries((await resident.get(`/api/v1/venues/${venue.id}/slots?date=${d}`)).body.items.map((s) => [s.start.slice(11, 16), s.state]));
  assert.deepEqual([slots['09:00'], slots['10:00'], slots['10:30']], ['free', 'taken', 'taken']);
  for (const who of [resident, resident2]) assert.ok((await messages(who)).some((m) => m.title === '活动变更：太极拳入门' && m.body.includes('10:00')));
  // moving onto a taken time: 409 booking.conflict, nothing changes
  const other = await publish({ title: '占位', place: '', venue_id: venue.id, start: at(d, '13:00'), end: at(d, '14:00') });
  const clash = await staff.patch(`/api/v1/activities/${a.id}`, { start: at(d, '13:30'), end: at(d, '14:30') });
  assert.equal(clash.body.error.code, 'booking.conflict');
  assert.equal((await get(staff, a.id)).start, at(d, '10:00'));
  assert.equal((await get(staff, a.id)).booking.id, moved.body.booking_id);
  assert.ok(other.booking_id);
  // capacity
  const up = await staff.patch(`/api/v1/activities/${a.id}`, { capacity: 2 });
  assert.equal(up.status, 200, JSON.stringify(up.body));
  assert.equal((await get(resident2, a.id)).my_signup.status, 'confirmed');
  assert.ok((await messages(resident2)).some((m) => m.title === '活动候补转正：太极拳入门'));
  const down = await staff.patch(`/api/v1/activities/${a.id}`, { capacity: 1 });
  assert.equal(down.status, 400);
  assert.equal(down.body.error.details.field, 'capacity');
  // dropping the venue for a place releases the booking
  const off = await staff.patch(`/api/v1/activities/${a.id}`, { venue_id: null, place: '小区中心花园' });
  assert.equal(off.status, 200, JSON.stringify(off.body));
  assert.equal(off.body.booking_id, null);
  assert.notEqual(up.body.booking_id, moved.body.booking_id, 'a new capacity books again');
  assert.equal((await staff.get(`/api/v1/bookings/${up.body.booking_id}`)).body.status, 'cancelled');
  const now = await get(resident, a.id);
  assert.deepEqual([now.venue, now.place, now.capacity], [null, '小区中心花园', 2]);
});

test('check-in at the door with the code, by staff, and the record of attendance per resident', async () => {
  const d = day(1);
  const atVenue = await publish({ title: '消防安全讲座', place: '', venue_id: venue.id, start: at(d, '19:00'), end: at(d, '20:00'), capacity: 5 });
  const outdoor = await publish({ title: '广场舞交流', place: '龙桥广场', start: at(d, '19:00'), end: at(d, '20:00'), capacity: 5 });
  const mine = (await signUp(resident, atVenue.id)).body;
  const other = (await signUp(resident2, atVenue.id)).body;
  const third = (await signUp(resident3, atVenue.id)).body;
  const dance = (await signUp(resident2, outdoor.id)).body;
  const late = (await signUp(resident3, outdoor.id)).body;
  assert.equal(mine.status, 'confirmed');
  // too early, for the resident and for staff
  assert.equal((await resident.post('/api/v1/activities/check-in', { code: venue.public_code })).body.error.code, 'activity.no_check_in');
  assert.equal((await staff.post(`/api/v1/activities/${atVenue.id}/signups/${other.id}/check-in`)).body.error.code, 'activity.invalid_state');
  // 18:40: check-in opens 30 minutes before the start
  await advanceTo(at(d, '18:40'));
  assert.equal((await resident.post('/api/v1/activities/check-in', { code: 'NOSUCHCODE' })).status, 404);
  assert.equal((await resident.post('/api/v1/activities/check-in', {})).body.error.details.field, 'code');
  const ci = await resident.post('/api/v1/activities/check-in', { code: venue.public_code });
  assert.equal(ci.status, 200, JSON.stringify(ci.body));
  assert.deepEqual([ci.body.id, ci.body.activity_id], [mine.id, atVenue.id]);
  assert.equal((await resident.post('/api/v1/activities/check-in', { code: venue.public_code })).body.error.code, 'activity.no_check_in');
  // the activity's own code, for one held without a venue
  assert.equal((await resident2.post('/api/v1/activities/check-in', { code: outdoor.check_in_code })).status, 200);
  // staff check in a sign-up; not twice; residents cannot
  assert.equal((await resident3.post(`/api/v1/activities/${atVenue.id}/signups/${third.id}/check-in`)).status, 403);
  assert.equal((await staff.post(`/api/v1/activities/${atVenue.id}/signups/${third.id}/check-in`)).status, 200);
  assert.equal((await staff.post(`/api/v1/activities/${atVenue.id}/signups/${third.id}/check-in`)).body.error.code, 'activity.invalid_state');
  // after the start a resident can no longer cancel; staff can until the end
  await advanceTo(at(d, '19:05'));
  assert.equal((await resident2.post(`/api/v1/activities/${atVenue.id}/signups/${other.id}/cancel`)).body.error.code, 'activity.invalid_state');
  assert.equal((await resident3.post(`/api/v1/activities/${outdoor.id}/signups/${late.id}/cancel`)).body.error.code, 'activity.invalid_state');
  const byStaff = await staff.post(`/api/v1/activities/${outdoor.id}/signups/${late.id}/cancel`, { reason: '未到场' });
  assert.equal(byStaff.status, 200, JSON.stringify(byStaff.body));
  assert.equal((await staff.get(`/api/v1/activities/${outdoor.id}/signups`)).body.items.find((s) => s.id === late.id).status, 'cancelled');
  // after the end: resident2 never came to the talk
  await advanceTo(at(d, '20:30'));
  const list = (await staff.get(`/api/v1/activities/${atVenue.id}/signups`)).body;
  assert.deepEqual(list.items.map((s) => [s.id, s.attendance]), [[mine.id, 'attended'], [other.id, 'absent'], [third.id, 'attended']]);
  assert.equal(list.summary.checked_in, 2);
  // a resident's own record
  const own = (await resident2.get('/api/v1/activities/attendance')).body;
  const rows = Object.fromEntries(own.items.map((x) => [x.activity.id, x.attendance]));
  assert.equal(rows[atVenue.id], 'absent');
  assert.equal(rows[outdoor.id], 'attended');
  assert.equal(own.items.find((x) => x.activity.id === atVenue.id).activity.place, '龙桥社区活动中心');
  assert.ok(own.summary.attended >= 1 && own.summary.absent >= 1, JSON.stringify(own.summary));
  assert.equal(dance.status, 'confirmed');
  // staff read a resident's record by the resident record; others' staff cannot
  const rid = resident.user.resident_id;
  const rec = (await staff.get(`/api/v1/activities/attendance?resident_id=${rid}`)).body;
  assert.equal(rec.resident_id, rid);
  assert.equal(rec.items.find((x) => x.activity.id === atVenue.id).attendance, 'attended');
  assert.ok(rec.items.find((x) => x.activity.id === atVenue.id).checked_in_at);
  assert.equal((await staff2.get(`/api/v1/activities/attendance?resident_id=${rid}`)).status, 404);
  assert.equal((await resident2.get(`/api/v1/activities/attendance?resident_id=${rid}`)).status, 404);
  assert.equal((await resident.get(`/api/v1/activities/attendance?resident_id=${rid}`)).status, 200);
  // an ended activity is closed for changes
  assert.equal((await staff.post(`/api/v1/activities/${atVenue.id}/cancel`, { reason: 'x' })).body.error.code, 'activity.invalid_state');
  // the default list shows what has not ended
  assert.ok(!(await resident.get('/api/v1/activities?limit=500')).body.items.some((x) => x.id === atVenue.id));
});

test('a long title and place in mixed scripts reach every message whole; reasons are counted in characters', async () => {
  // 151 and 151 characters, within the limits (200, 300) but far over them in bytes
  const title = 'A' + '汉'.repeat(150);
  const place = 'B' + '广'.repeat(150);
  const a = await publish({ title, place, capacity: 1 });
  const seen = await get(resident, a.id);
  assert.deepEqual([seen.title, seen.place], [title, place]);
  // staff sign a resident up: told with the whole title
  const first = await signUp(staff, a.id, { resident_id: resident.user.resident_id });
  assert.equal(first.status, 201, JSON.stringify(first.body));
  assert.ok((await messages(resident)).some((m) => m.title === `活动报名成功：${title}`), 'the staff sign-up is told');
  const second = await signUp(resident2, a.id);
  assert.equal(second.body.status, 'waitlisted');
  // a freed place promotes the waitlisted resident, who is told where
  const freed = await staff.post(`/api/v1/activities/${a.id}/signups/${first.body.id}/cancel`, { reason: '让给邻居' });
  assert.equal(freed.status, 200, JSON.stringify(freed.body));
  const promoted = (await messages(resident2)).find((m) => m.title === `活动候补转正：${title}`);
  assert.ok(promoted, 'the promotion is told');
  assert.ok(promoted.body.includes(place), promoted.body);
  // a new place is told to those signed up
  const moved = await staff.patch(`/api/v1/activities/${a.id}`, { place: `${place}东` });
  assert.equal(moved.status, 200, JSON.stringify(moved.body));
  assert.ok((await messages(resident2)).some((m) => m.title === `活动变更：${title}` && m.body.includes(`${place}东`)));
  // a reason is at most 200 characters, whatever their bytes
  const long = await staff.post(`/api/v1/activities/${a.id}/cancel`, { reason: '因'.repeat(201) });
  assert.equal(long.status, 400);
  assert.equal(long.body.error.details.field, 'reason');
  const reason = '因'.repeat(200);
  const c = await staff.post(`/api/v1/activities/${a.id}/cancel`, { reason });
  assert.equal(c.status, 200, JSON.stringify(c.body));
  const told = (await messages(resident2)).find((m) => m.title === `活动已取消：${title}`);
  assert.ok(told, 'the cancel is told');
  assert.ok(told.body.includes(`${place}东`) && told.body.includes(reason), told.body);
  const listed = (await staff.get('/api/v1/activities?status=cancelled&limit=500')).body.items.find((x) => x.id === a.id);
  assert.deepEqual([listed.title, listed.cancel_reason], [title, reason]);
});

test('a database failure at any step of changing an activity answers 503 and changes nothing', async () => {
  const a = await publish({ title: '故障注入前' });
  let done = false;
  for (let after = 1; after <= 60 && !done; after++) {
    await srv.post('/api/v1/_test/db-fail', { after });
    const r = await staff.patch(`/api/v1/activities/${a.id}`, { title: '故障注入后' });
    await srv.post('/api/v1/_test/db-fail', { after: 0 });
    if (r.status === 200) {
      done = true;
      break;
    }
    assert.equal(r.status, 503, `step ${after}: ${JSON.stringify(r.body)}`);
    assert.equal((await get(staff, a.id)).title, '故障注入前', `step ${after}`);
  }
  assert.ok(done, 'the change goes through once the fault is past');
  assert.equal((await get(staff, a.id)).title, '故障注入后');
});

test('changes racing a cancel or each other leave no booking holding the venue', async () => {
  const slotsOf = async (d) => Object.fromEntries((await staff.get(`/api/v1/venues/${venue.id}/slots?date=${d}`)).body.items.map((s) => [s.start.slice(11, 16), s.state]));
  const bookingStatus = async (id) => (await staff.get(`/api/v1/bookings/${id}`)).body.status;
  for (let k = 0; k < 6; k++) {
    // a move racing a cancel: whichever wins, the activity ends cancelled and the venue free
    const d = day(8 + k);
    const a = await publish({ title: `竞态取消${k}`, place: '', venue_id: venue.id, start: at(d, '09:00'), end: at(d, '10:00'), capacity: 10 });
    const [moved, cancelled] = await Promise.all([
      staff.patch(`/api/v1/activities/${a.id}`, { start: at(d, '10:00'), end: at(d, '11:00') }),
      staff.post(`/api/v1/activities/${a.id}/cancel`, { reason: '竞态' }),
    ]);
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    assert.ok([200, 409].includes(moved.status), JSON.stringify(moved.body));
    assert.equal((await get(staff, a.id)).status, 'cancelled');
    const s = await slotsOf(d);
    assert.deepEqual([s['09:00'], s['09:30'], s['10:00'], s['10:30']], ['free', 'free', 'free', 'free'], `round ${k}: ${moved.status}`);
    for (const id of [a.booking_id, moved.body.booking_id].filter(Boolean)) assert.equal(await bookingStatus(id), 'cancelled', `round ${k}: booking ${id}`);
    // two moves at once: one booking is left, the activity's, at the activity's time
    const b = await publish({ title: `竞态变更${k}`, place: '', venue_id: venue.id, start: at(d, '13:00'), end: at(d, '14:00'), capacity: 10 });
    const both = await Promise.all([
      staff.patch(`/api/v1/activities/${b.id}`, { start: at(d, '14:00'), end: at(d, '15:00') }),
      staff.patch(`/api/v1/activities/${b.id}`, { start: at(d, '15:00'), end: at(d, '16:00') }),
    ]);
    for (const r of both) assert.ok([200, 409].includes(r.status), JSON.stringify(r.body));
    assert.ok(both.some((r) => r.status === 200), 'one of them goes through');
    const now = await get(staff, b.id);
    const t = await slotsOf(d);
    const taken = Object.keys(t).filter((h) => h >= '13:00' && t[h] === 'taken').sort();
    const from = now.start.slice(11, 16);
    assert.deepEqual(taken, [from, from.replace(':00', ':30')], `round ${k}: the venue is held at the activity's time only`);
    for (const id of [b.booking_id, ...both.map((r) => r.body.booking_id)].filter((x) => x && x !== now.booking.id)) {
      assert.equal(await bookingStatus(id), 'cancelled', `round ${k}: booking ${id}`);
    }
    assert.equal(await bookingStatus(now.booking.id), 'approved');
  }
});

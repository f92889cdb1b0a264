// Venue booking: venues and their rules, the booking states, the no-show
// bar, scope — and no double booking under 50 simultaneous requests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDistrict, addUser, login, PASSWORD } from './lib/district.mjs';

let srv, staff, staff2, hub, resident, resident2, sysadmin;
let venue, strict, open;

// Times are written in Asia/Shanghai: day k after the server's today at HH:MM.
async function today() {
  const r = await srv.json('/api/v1/meta');
  return r.body.server_time.slice(0, 10);
}
function dayAfter(date, k) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + k);
  return d.toISOString().slice(0, 10);
}
const at = (date, hhmm) => `${date}T${hhmm}:00+08:00`;
let D0;
const day = (k) => dayAfter(D0, k);

async function signIn() {
  staff = await srv.login('longqiao');
  hub = await srv.login('hubleader');
  resident = await srv.login('resident');
  resident2 = await srv.login('resident2');
  staff2 = await srv.login('staff2');
  sysadmin = await srv.login('sysadmin');
}
// Moving the clock ends idle sessions: sign everybody in again.
async function advance(seconds) {
  const r = await srv.post('/api/v1/_test/clock', { advance_seconds: seconds });
  assert.equal(r.status, 200);
  await signIn();
  D0 = await today();
}

const EVERY_DAY = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['08:00', '12:00'], ['13:00', '22:00']]]));

before(async () => {
  srv = await startDistrict();
  const gw = await srv.login('gridworker');
  addUser(srv.data.dir, 'resident2', 'resident', gw.user.unit.code);
  addUser(srv.data.dir, 'resident3', 'resident', gw.user.unit.code);
  addUser(srv.data.dir, 'resident4', 'resident', gw.user.unit.code);
  addUser(srv.data.dir, 'staff2', 'community_staff', '320506001002');
  await signIn();
  D0 = await today();
  const mk = async (name, extra) => {
    const r = await staff.post('/api/v1/venues', {
      unit_id: staff.user.unit.id, name, capacity: 30, slot_minutes: 30, opening_hours: EVERY_DAY,
      rules: { min_notice_minutes: 60, max_days_ahead: 14, max_duration_minutes: 120, weekly_quota: 2, approval_required: false },
      ...extra,
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return (await staff.get(`/api/v1/venues/${r.body.id}`)).body;
  };
  venue = await mk('龙桥社区活动室');
  strict = await mk('龙桥社区会议室', { rules: { approval_required: true, weekly_quota: 0, max_duration_minutes: 240 } });
  open = await mk('龙桥社区多功能厅', { rules: { weekly_quota: 0, min_notice_minutes: 0, max_duration_minutes: 240 } });
});

after(async () => {
  const r = await srv.stop();
  assert.equal(r.code, 0, srv.log().slice(-3000));
});

test('staff create venues with rules and hours; bad hours and rules are refused by field', async () => {
  assert.equal(venue.rules.weekly_quota, 2);
  assert.deepEqual(venue.opening_hours.mon, [['08:00', '12:00'], ['13:00', '22:00']]);
  assert.match(venue.public_code, /^[2-9A-HJ-NP-Z]{10}$/);
  const base = { unit_id: staff.user.unit.id, name: 'x', capacity: 10 };
  const bad = async (body, field) => {
    const r = await staff.post('/api/v1/venues', { ...base, ...body });
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.body.error.details.field, field);
  };
  await bad({ opening_hours: { mon: [['08:10', '12:00']] } }, 'opening_hours');
  await bad({ opening_hours: { monday: [['08:00', '12:00']] } }, 'opening_hours');
  await bad({ opening_hours: { mon: [['08:00', '12:00'], ['11:00', '13:00']] } }, 'opening_hours');
  await bad({ opening_hours: { mon: [['12:00', '08:00']] } }, 'opening_hours');
  await bad({ opening_hours: EVERY_DAY, slot_minutes: 45 }, 'slot_minutes');
  await bad({ opening_hours: EVERY_DAY, capacity: 0 }, 'capacity');
  await bad({ opening_hours: EVERY_DAY, name: '' }, 'name');
  await bad({ capacity: 10 }, 'opening_hours');
  await bad({ opening_hours: EVERY_DAY, rules: { max_duration_minutes: 45 } }, 'max_duration_minutes');
  // a resident may not create one; a sibling community's staff cannot place one here
  assert.equal((await resident.post('/api/v1/venues', { ...base, opening_hours: EVERY_DAY })).status, 403);
  assert.equal((await staff2.post('/api/v1/venues', { ...base, opening_hours: EVERY_DAY })).status, 404);
});

test("staff print the venue's check-in QR code; residents may not fetch it", async () => {
  const r = await srv.fetch(`/api/v1/venues/${venue.id}/qr.svg`, { headers: { cookie: `shuniu_session=${staff.cookie}` } });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^image\/svg\+xml/);
  const svg = await r.text();
  assert.ok(svg.includes(`/v/${venue.public_code}</desc>`), svg.slice(0, 400));
  assert.ok(svg.includes('龙桥社区活动室'));
  const res = await srv.fetch(`/api/v1/venues/${venue.id}/qr.svg`, { headers: { cookie: `shuniu_session=${resident.cookie}` } });
  assert.equal(res.status, 403);
  assert.equal((await srv.fetch(`/api/v1/venues/${venue.id}/qr.svg`, { headers: { cookie: `shuniu_session=${staff2.cookie}` } })).status, 404);
});

test('residents see the venues of their community without the check-in code; other staff see none of them', async () => {
  const mine = (await resident.get('/api/v1/venues')).body.items;
  const v = mine.find((x) => x.id === venue.id);
  assert.ok(v, 'the resident sees the venue of their community');
  assert.equal(v.public_code, undefined);
  assert.equal((await resident.get(`/api/v1/venues/${venue.id}`)).body.public_code, undefined);
  assert.equal((await staff2.get(`/api/v1/venues/${venue.id}`)).status, 404);
  assert.ok(!(await staff2.get('/api/v1/venues')).body.items.some((x) => x.id === venue.id));
  // an inactive venue disappears for residents
  const tmp = (await staff.post('/api/v1/venues', { unit_id: staff.user.unit.id, name: '临时', capacity: 5, opening_hours: EVERY_DAY })).body;
  assert.equal((await staff.patch(`/api/v1/venues/${tmp.id}`, { active: false })).status, 200);
  assert.equal((await resident.get(`/api/v1/venues/${tmp.id}`)).status, 404);
  assert.equal((await staff.get(`/api/v1/venues/${tmp.id}`)).body.active, false);
});

test('a booking takes its slots; an overlapping one is 409 booking.conflict, an adjacent one fits', async () => {
  const d = day(1);
  const r = await resident.post('/api/v1/bookings', { venue_id: venue.id, start: at(d, '10:00'), end: at(d, '11:00'), purpose: '书法兴趣小组' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.status, 'approved');
  assert.equal(r.body.start, at(d, '10:00'));
  const slots = (await resident.get(`/api/v1/venues/${venue.id}/slots?date=${d}`)).body.items;
  const state = (t) => slots.find((s) => s.start === at(d, t))?.state;
  assert.equal(state('09:30'), 'free');
  assert.equal(state('10:00'), 'taken');
  assert.equal(state('10:30'), 'taken');
  assert.equal(state('11:00'), 'free');
  assert.equal(state('12:00'), undefined, 'closed over lunch: no slot');
  const clash = await resident2.post('/api/v1/bookings', { venue_id: venue.id, start: at(d, '10:30'), end: at(d, '11:30'), purpose: '下棋' });
  assert.equal(clash.status, 409);
  assert.equal(clash.body.error.code, 'booking.conflict');
  const next = await resident2.post('/api/v1/bookings', { venue_id: venue.id, start: at(d, '11:00'), end: at(d, '12:00'), purpose: '下棋' });
  assert.equal(next.status, 201, JSON.stringify(next.body));
  // the resident reads their own, not the other's
  assert.equal((await resident.get(`/api/v1/bookings/${r.body.id}`)).body.purpose, '书法兴趣小组');
  assert.equal((await resident.get(`/api/v1/bookings/${next.body.id}`)).status, 404);
  const mine = (await resident.get('/api/v1/bookings')).body.items.map((b) => b.id);
  assert.ok(mine.includes(r.body.id) && !mine.includes(next.body.id));
  // staff see both; the sibling community's staff neither
  const all = (await staff.get(`/api/v1/bookings?venue=${venue.id}`)).body.items.map((b) => b.id);
  assert.ok(all.includes(r.body.id) && all.includes(next.body.id));
  assert.equal((await staff2.get(`/api/v1/bookings/${r.body.id}`)).status, 404);
  assert.ok(!(await staff2.get('/api/v1/bookings')).body.items.some((b) => b.id === r.body.id));
});

test('50 simultaneous requests for one slot: exactly one succeeds, the others get 409 booking.conflict', async () => {
  const d = day(2);
  const body = { venue_id: open.id, start: at(d, '15:00'), end: at(d, '16:00'), purpose: '并发测试', for_unit: true };
  const who = [staff, await srv.login('district')];
  const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => who[i % 2].post('/api/v1/bookings', body)));
  const codes = answers.map((a) => a.status);
  assert.equal(codes.filter((c) => c === 201).length, 1, JSON.stringify(codes));
  for (const a of answers.filter((x) => x.status !== 201)) {
    assert.equal(a.status, 409, JSON.stringify(a.body));
    assert.equal(a.body.error.code, 'booking.conflict');
  }
  const held = (await staff.get(`/api/v1/bookings?venue=${open.id}&limit=500`)).body.items.filter((b) => b.purpose === '并发测试');
  assert.equal(held.length, 1, 'one booking row, the losers left nothing behind');
  // and overlapping (not equal) requests at the same moment: still one
  const overl = [
    { start: '18:00', end: '19:00' }, { start: '18:30', end: '19:30' }, { start: '18:30', end: '19:00' }, { start: '17:30', end: '20:00' },
  ];
  const res = await Promise.all(Array.from({ length: 40 }, (_, i) => who[i % 2].post('/api/v1/bookings', {
    venue_id: open.id, start: at(d, overl[i % 4].start), end: at(d, overl[i % 4].end), purpose: '重叠', for_unit: true,
  })));
  assert.equal(res.filter((x) => x.status === 201).length, 1, JSON.stringify(res.map((x) => x.status)));
  assert.ok(res.every((x) => x.status === 201 || x.body.error.code === 'booking.conflict'));
});

test('the rules: notice, how far ahead, longest, hours, blackouts, the slot grid, capacity and the weekly quota', async () => {
  const rule = async (who, start, end, code, v = venue) => {
    const r = await who.post('/api/v1/bookings', { venue_id: v.id, start, end, purpose: '规则' });
    assert.equal(r.status, code === 'request.invalid' ? 400 : 409, `${start}–${end}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.code, code);
    return r.body.error;
  };
  const now = new Date((await srv.json('/api/v1/meta')).body.server_time);
  // within the hour's notice (the next full half hour may be too soon or closed; both refuse)
  const soon = new Date(Math.ceil((now.getTime() + 1) / 1800e3) * 1800e3);
  const fmt = (t) => new Date(t.getTime() + 8 * 3600e3).toISOString().slice(0, 16) + ':00+08:00';
  const e1 = await resident.post('/api/v1/bookings', { venue_id: venue.id, start: fmt(soon), end: fmt(new Date(soon.getTime() + 1800e3)), purpose: 'x' });
  assert.ok(['booking.too_soon', 'booking.closed'].includes(e1.body.error?.code), JSON.stringify(e1.body));
  assert.equal((await rule(resident, at(day(15), '10:00'), at(day(15), '11:00'), 'booking.too_far')).details.max_days_ahead, 14);
  assert.equal((await rule(resident, at(day(3), '13:00'), at(day(3), '15:30'), 'booking.too_long')).details.max_duration_minutes, 120);
  assert.equal((await rule(resident, at(day(3), '07:00'), at(day(3), '08:30'), 'booking.closed')).details.why, 'opening_hours');
  await rule(resident, at(day(3), '11:30'), at(day(3), '13:00'), 'booking.closed'); // across lunch
  await rule(resident, at(day(3), '10:10'), at(day(3), '10:40'), 'request.invalid');
  const big = await resident.post('/api/v1/bookings', { venue_id: venue.id, start: at(day(3), '09:00'), end: at(day(3), '10:00'), purpose: 'x', attendees: 31 });
  assert.equal(big.body.error.details.field, 'attendees');
  // a blackout closes the venue for its time, and lifting it opens it again
  const bl = await staff.post(`/api/v1/venues/${venue.id}/blackouts`, { start: at(day(4), '00:00'), end: at(day(5), '00:00'), reason: '消防检查' });
  assert.equal(bl.status, 201);
  assert.equal((await rule(resident2, at(day(4), '14:00'), at(day(4), '15:00'), 'booking.closed')).details.why, 'blackout');
  assert.equal((await resident2.get(`/api/v1/venues/${venue.id}/slots?date=${day(4)}`)).body.items.every((s) => s.state === 'closed'), true);
  assert.ok((await resident2.get(`/api/v1/venues/${venue.id}`)).body.blackouts.some((b) => b.reason === '消防检查'));
  assert.equal((await staff.del(`/api/v1/venues/${venue.id}/blackouts/${bl.body.id}`)).status, 200);
  // the weekly quota (2 at this venue), in a fresh week; further ahead now, to reach the week after
  assert.equal((await staff.patch(`/api/v1/venues/${venue.id}`, { rules: { max_days_ahead: 21 } })).status, 200);
  assert.equal((await resident.get(`/api/v1/venues/${venue.id}`)).body.rules.max_days_ahead, 21);
  const monday = (() => { let k = 7; while (new Date(`${day(k)}T00:00:00Z`).getUTCDay() !== 1) k++; return k; })();
  for (const h of ['09:00', '10:00']) {
    const r = await resident2.post('/api/v1/bookings', { venue_id: venue.id, start: at(day(monday), h), end: at(day(monday), h.replace(':00', ':30')), purpose: '配额' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  assert.equal((await rule(resident2, at(day(monday + 1), '09:00'), at(day(monday + 1), '09:30'), 'booking.quota')).details.weekly_quota, 2);
  // the next week is a new week
  const r = await resident2.post('/api/v1/bookings', { venue_id: venue.id, start: at(day(monday + 7), '09:00'), end: at(day(monday + 7), '09:30'), purpose: '配额' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  // staff booking for a resident skips the residents' limits but not the hours
  const rid = (await staff.get('/api/v1/residents?limit=1')).body.items[0].id;
  const s = await staff.post('/api/v1/bookings', { venue_id: venue.id, resident_id: rid, start: at(day(3), '13:00'), end: at(day(3), '16:00'), purpose: '代约' });
  assert.equal(s.status, 201, JSON.stringify(s.body));
  assert.equal((await staff.post('/api/v1/bookings', { venue_id: venue.id, resident_id: rid, start: at(day(3), '06:00'), end: at(day(3), '07:00'), purpose: '代约' })).body.error.code, 'booking.closed');
  const both = await staff.post('/api/v1/bookings', { venue_id: venue.id, resident_id: rid, for_unit: true, start: at(day(3), '17:00'), end: at(day(3), '18:00'), purpose: 'x' });
  assert.equal(both.status, 400);
  const outside = (await staff2.get('/api/v1/residents?limit=1')).body.items[0].id;
  assert.equal((await staff.post('/api/v1/bookings', { venue_id: venue.id, resident_id: outside, start: at(day(3), '19:00'), end: at(day(3), '20:00'), purpose: 'x' })).body.error.details.field, 'resident_id');
});

test('approval: pending holds the slot, staff approve or reject with a reason, the resident hears of it', async () => {
  const d = day(2);
  const p = await resident.post('/api/v1/bookings', { venue_id: strict.id, start: at(d, '09:00'), end: at(d, '10:00'), purpose: '居民议事会' });
  assert.equal(p.status, 201);
  assert.equal(p.body.status, 'pending');
  const clash = await resident2.post('/api/v1/bookings', { venue_id: strict.id, start: at(d, '09:30'), end: at(d, '10:30'), purpose: 'x' });
  assert.equal(clash.body.error.code, 'booking.conflict');
  // the community's staff are told
  const unitMsgs = (await staff.get('/api/v1/messages')).body.items;
  assert.ok(unitMsgs.some((m) => m.kind === 'booking' && m.title.includes('龙桥社区会议室')), JSON.stringify(unitMsgs.slice(0, 3)));
  // a resident cannot approve; staff can
  assert.equal((await resident.post(`/api/v1/bookings/${p.body.id}/approve`)).status, 403);
  const ok = await staff.post(`/api/v1/bookings/${p.body.id}/approve`);
  assert.equal(ok.status, 200);
  assert.equal((await resident.get(`/api/v1/bookings/${p.body.id}`)).body.status, 'approved');
  assert.equal((await staff.post(`/api/v1/bookings/${p.body.id}/approve`)).body.error.code, 'booking.invalid_state');
  assert.ok((await resident.get('/api/v1/messages')).body.items.some((m) => m.title === '场地预约已通过'));
  // reject: a reason is required; the slot is free again
  const q = await resident2.post('/api/v1/bookings', { venue_id: strict.id, start: at(d, '14:00'), end: at(d, '15:00'), purpose: '排练' });
  assert.equal((await staff.post(`/api/v1/bookings/${q.body.id}/reject`, {})).status, 400);
  const no = await staff.post(`/api/v1/bookings/${q.body.id}/reject`, { reason: '当天另有安排' });
  assert.equal(no.status, 200);
  const rejected = (await resident2.get(`/api/v1/bookings/${q.body.id}`)).body;
  assert.equal(rejected.status, 'rejected');
  assert.equal(rejected.reason, '当天另有安排');
  assert.ok((await resident2.get('/api/v1/messages')).body.items.some((m) => m.title === '场地预约未通过' && m.body.includes('当天另有安排')));
  assert.equal((await resident.post('/api/v1/bookings', { venue_id: strict.id, start: at(d, '14:00'), end: at(d, '15:00'), purpose: '再约' })).status, 201);
  // the decisions are audited
  const auditor = await srv.login('auditor');
  const rows = (await auditor.get('/api/v1/audit?action=booking.reject&limit=10')).body.items;
  assert.ok(rows.some((a) => String(a.object_id) === String(q.body.id)));
});

test('cancelling frees the slot; a resident cancels only their own and only before the start', async () => {
  const d = day(3);
  const b = await resident.post('/api/v1/bookings', { venue_id: open.id, start: at(d, '09:00'), end: at(d, '10:00'), purpose: '取消测试' });
  assert.equal((await resident2.post(`/api/v1/bookings/${b.body.id}/cancel`)).status, 404);
  assert.equal((await resident.post(`/api/v1/bookings/${b.body.id}/cancel`)).status, 200);
  assert.equal((await resident.get(`/api/v1/bookings/${b.body.id}`)).body.status, 'cancelled');
  assert.equal((await resident.post(`/api/v1/bookings/${b.body.id}/cancel`)).body.error.code, 'booking.invalid_state');
  const again = await resident2.post('/api/v1/bookings', { venue_id: open.id, start: at(d, '09:00'), end: at(d, '10:00'), purpose: '接着用' });
  assert.equal(again.status, 201);
  // staff cancel with a reason; the resident is told
  assert.equal((await staff.post(`/api/v1/bookings/${again.body.id}/cancel`, { reason: '停电检修' })).status, 200);
  assert.ok((await resident2.get('/api/v1/messages')).body.items.some((m) => m.title === '场地预约已取消' && m.body.includes('停电检修')));
  // bad input
  assert.equal((await resident.post('/api/v1/bookings', { venue_id: open.id, start: '明天', end: at(d, '10:00'), purpose: 'x' })).body.error.details.field, 'start');
  assert.equal((await resident.post('/api/v1/bookings', { venue_id: open.id, start: at(d, '11:00'), end: at(d, '10:00'), purpose: 'x' })).body.error.details.field, 'end');
  assert.equal((await resident.post('/api/v1/bookings', { venue_id: open.id, start: at(d, '11:00'), end: at(d, '12:00'), purpose: '' })).body.error.details.field, 'purpose');
  assert.equal((await resident.post('/api/v1/bookings', { venue_id: 999999, start: at(d, '11:00'), end: at(d, '12:00'), purpose: 'x' })).status, 404);
  assert.equal((await sysadmin.post('/api/v1/bookings', { venue_id: open.id, start: at(d, '11:00'), end: at(d, '12:00'), purpose: 'x' })).status, 403);
});

test('check-in with the venue code when due; missed bookings become no-shows and bar booking for a while', async () => {
  // the default bar: 3 no-shows within 30 days, then 14 days without booking.
  // resident2's later bookings would become no-shows too as the clock moves: cancel them
  for (const b of (await resident2.get('/api/v1/bookings?status=approved&limit=100')).body.items) {
    assert.equal((await resident2.post(`/api/v1/bookings/${b.id}/cancel`)).status, 200, JSON.stringify(b));
  }
  const d = day(1);
  const times = [['19:00', '19:30'], ['20:00', '20:30'], ['21:00', '21:30']];
  const ids = [];
  for (const [s, e] of times) {
    const r = await resident2.post('/api/v1/bookings', { venue_id: open.id, start: at(d, s), end: at(d, e), purpose: '爽约测试' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    ids.push(r.body.id);
  }
  // a resident whose account is bound to their record misses three too
  const gw = await srv.login('gridworker');
  const reg = await srv.post('/api/v1/registrations', { phone: '19900003001', name: '爽约居民', password: PASSWORD, unit_id: gw.user.unit.id, address: '1幢' });
  assert.equal(reg.status, 201, JSON.stringify(reg.body));
  const hh = (await gw.get(`/api/v1/households?unit=${gw.user.unit.id}&limit=1`)).body.items[0];
  const bound = await gw.post(`/api/v1/registrations/${reg.body.id}/confirm`, { household_id: hh.id });
  assert.equal(bound.status, 200, JSON.stringify(bound.body));
  for (const [s, e] of [['18:30', '19:00'], ['19:30', '20:00'], ['20:30', '21:00']]) {
    const r = await (await login(srv, '19900003001', PASSWORD)).post('/api/v1/bookings', { venue_id: open.id, start: at(d, s), end: at(d, e), purpose: '爽约测试' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  const mine = await resident.post('/api/v1/bookings', { venue_id: open.id, start: at(d, '18:00'), end: at(d, '18:30'), purpose: '签到测试' });
  assert.equal(mine.status, 201);
  // too early to check in
  assert.equal((await resident.post('/api/v1/bookings/check-in', { code: open.public_code })).body.error.code, 'booking.no_check_in');
  // move to 17:50 of that day: check-in opens 15 minutes before
  const server = new Date((await srv.json('/api/v1/meta')).body.server_time);
  await advance(Math.round((new Date(at(d, '17:50')).getTime() - server.getTime()) / 1000));
  assert.equal((await resident.post('/api/v1/bookings/check-in', { code: 'WRONGCODE2' })).status, 404);
  const ci = await resident.post('/api/v1/bookings/check-in', { code: open.public_code });
  assert.equal(ci.status, 200, JSON.stringify(ci.body));
  assert.equal((await resident.get(`/api/v1/bookings/${mine.body.id}`)).body.status, 'checked_in');
  // the first of resident2's is marked a no-show by staff once it has started
  assert.equal((await staff.post(`/api/v1/bookings/${ids[0]}/no-show`)).body.error.code, 'booking.invalid_state');
  await advance(75 * 60); // 19:05
  assert.equal((await staff.post(`/api/v1/bookings/${ids[0]}/no-show`)).status, 200);
  await advance(150 * 60); // 21:35: the other two ended unchecked
  const list = (await resident2.get('/api/v1/bookings?status=no_show')).body.items.map((b) => b.id);
  for (const id of ids) assert.ok(list.includes(id), `${id} in ${list}`);
  assert.ok(!list.includes(mine.body.id));
  const barred = await resident2.post('/api/v1/bookings', { venue_id: open.id, start: at(day(2), '09:00'), end: at(day(2), '10:00'), purpose: 'x' });
  assert.equal(barred.status, 403);
  assert.equal(barred.body.error.code, 'booking.barred');
  assert.match(barred.body.error.details.until, /\+08:00$/);
  // others may still book; staff may book for the barred resident
  assert.equal((await resident.post('/api/v1/bookings', { venue_id: open.id, start: at(day(2), '09:00'), end: at(day(2), '10:00'), purpose: 'x' })).status, 201);
  const barredToo = await login(srv, '19900003001', PASSWORD);
  const self = await barredToo.post('/api/v1/bookings', { venue_id: open.id, start: at(day(2), '10:00'), end: at(day(2), '11:00'), purpose: 'x' });
  assert.equal(self.body.error?.code, 'booking.barred', JSON.stringify(self.body));
  const forThem = await staff.post('/api/v1/bookings', { venue_id: open.id, resident_id: barredToo.user.resident_id, start: at(day(2), '10:00'), end: at(day(2), '11:00'), purpose: '代约' });
  assert.equal(forThem.status, 201, JSON.stringify(forThem.body));
  assert.equal((await staff.get(`/api/v1/bookings/${forThem.body.id}`)).body.resident?.id, barredToo.user.resident_id);
  // after 14 days the bar lifts
  await advance(14 * 86400 + 3600);
  const free = await resident2.post('/api/v1/bookings', { venue_id: open.id, start: at(day(1), '09:00'), end: at(day(1), '10:00'), purpose: '又能约了' });
  assert.equal(free.status, 201, JSON.stringify(free.body));
});

test('a venue and its bookings follow their community when it moves, and keep it from being deleted', async () => {
  const district = await srv.login('district');
  const streets = (await district.get('/api/v1/units?kind=street&limit=2')).body.items;
  const c = await district.post('/api/v1/units', { parent_id: streets[0].id, name: '搬迁测试社区' });
  assert.equal(c.status, 201);
  const v = await district.post('/api/v1/venues', { unit_id: c.body.id, name: '搬迁测试活动室', capacity: 10, opening_hours: EVERY_DAY });
  assert.equal(v.status, 201, JSON.stringify(v.body));
  const b = await district.post('/api/v1/bookings', { venue_id: v.body.id, start: at(day(2), '09:00'), end: at(day(2), '10:00'), purpose: '搬迁', for_unit: true });
  assert.equal(b.status, 201, JSON.stringify(b.body));
  const del = await district.del(`/api/v1/units/${c.body.id}`);
  assert.equal(del.status, 409);
  assert.equal(del.body.error.code, 'unit.not_empty');
  assert.equal((await district.post(`/api/v1/units/${c.body.id}/move`, { parent_id: streets[1].id })).status, 200);
  const inNew = (await district.get(`/api/v1/venues?unit=${streets[1].id}&limit=500`)).body.items.map((x) => x.id);
  const inOld = (await district.get(`/api/v1/venues?unit=${streets[0].id}&limit=500`)).body.items.map((x) => x.id);
  assert.ok(inNew.includes(v.body.id) && !inOld.includes(v.body.id));
  const bNew = (await district.get(`/api/v1/bookings?unit=${streets[1].id}&venue=${v.body.id}`)).body.items.map((x) => x.id);
  const bOld = (await district.get(`/api/v1/bookings?unit=${streets[0].id}&venue=${v.body.id}`)).body.items.map((x) => x.id);
  assert.deepEqual(bNew, [b.body.id]);
  assert.deepEqual(bOld, []);
});

test('changing a venue\'s slot size cannot let a booking into time already booked', async () => {
  const hourly = await staff.post('/api/v1/venues', { unit_id: staff.user.unit.id, name: '整点场地', capacity: 10, slot_minutes: 60, opening_hours: EVERY_DAY, rules: { max_duration_minutes: 240, min_notice_minutes: 0 } });
  assert.equal(hourly.status, 201, JSON.stringify(hourly.body));
  const d = day(3);
  assert.equal((await (await srv.login('resident3')).post('/api/v1/bookings', { venue_id: hourly.body.id, start: at(d, '10:00'), end: at(d, '12:00'), purpose: '整点' })).status, 201);
  assert.equal((await staff.patch(`/api/v1/venues/${hourly.body.id}`, { slot_minutes: 30 })).status, 200);
  const inside = await (await srv.login('resident4')).post('/api/v1/bookings', { venue_id: hourly.body.id, start: at(d, '10:30'), end: at(d, '11:00'), purpose: '插空' });
  assert.equal(inside.status, 409, JSON.stringify(inside.body));
  assert.equal(inside.body.error.code, 'booking.conflict');
  const slots = (await (await srv.login('resident4')).get(`/api/v1/venues/${hourly.body.id}/slots?date=${d}`)).body.items;
  assert.equal(slots.find((x) => x.start === at(d, '10:30')).state, 'taken');
  assert.equal(slots.find((x) => x.start === at(d, '13:00')).state, 'free');
  assert.equal((await (await srv.login('resident4')).post('/api/v1/bookings', { venue_id: hourly.body.id, start: at(d, '13:00'), end: at(d, '13:30'), purpose: '午后' })).status, 201);
});

test('the weekly quota counts the bookings at that venue only', async () => {
  let k = 2;
  while (new Date(`${day(k)}T00:00:00Z`).getUTCDay() !== 1) k++;
  for (const [s, e] of [['20:00', '20:30'], ['20:30', '21:00']]) {
    const r = await (await srv.login('resident3')).post('/api/v1/bookings', { venue_id: open.id, start: at(day(k), s), end: at(day(k), e), purpose: '别处' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  const here = await (await srv.login('resident3')).post('/api/v1/bookings', { venue_id: venue.id, start: at(day(k + 1), '13:00'), end: at(day(k + 1), '13:30'), purpose: '本场地第一次' });
  assert.equal(here.status, 201, JSON.stringify(here.body));
});

test('an activity\'s venue booking is released through the activity, not cancelled under it', async () => {
  const d = day(4);
  const a = await staff.post('/api/v1/activities', { title: '场地占用测试', start: at(d, '19:00'), end: at(d, '20:00'), capacity: 5, venue_id: open.id });
  assert.equal(a.status, 201, JSON.stringify(a.body));
  const c = await staff.post(`/api/v1/bookings/${a.body.booking_id}/cancel`, { reason: 'x' });
  assert.equal(c.status, 409);
  assert.equal(c.body.error.code, 'booking.invalid_state');
  assert.equal(c.body.error.details.activity_id, a.body.id);
  assert.equal((await staff.post(`/api/v1/activities/${a.body.id}/cancel`, { reason: '改期' })).status, 200);
  assert.equal((await staff.get(`/api/v1/bookings/${a.body.booking_id}`)).body.status, 'cancelled');
});

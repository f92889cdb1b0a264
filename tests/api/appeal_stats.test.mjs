// Appeal KPIs and hotspots against a hand-computed fixture.
//
// The fixture is a known set of appeals in two sibling grids of 龙桥社区,
// driven through the API to known end states while the test clock moves in
// whole hours from T0, a Monday 09:00 +08:00. Every expected number below is
// worked out by hand from the definitions at the top of
// src/appeals/appeal_stats.c (and its code):
//
//   population        appeals placed (unit_path) in the subtree, created in
//                     [from, to), status not 'merged'
//   received          the population
//   accepted          accepted at some time (accepted_at set)
//   closed            status closed or rated;  closure_rate = closed/accepted
//   on_time_closed    closed and never overdue (overdue_at null);
//                     on_time_rate = on_time_closed/closed
//   reworked          rework_count > 0 (a failed verification) among those
//                     resolved at least once; rework_rate = reworked/resolved-once
//   rated, satisfied  latest rating set; satisfied or basically_satisfied;
//                     satisfaction_rate = satisfied/rated
//   handling hours    closed_at − created_at over closed ones; mean, and p90 as
//                     the nearest rank ceil(0.9·n) of the sorted hours
//   rates round to 4 decimals, hours to 2; a rate over 0 is null.
//
// Exactness: the clock moves forward by exact amounts to exact targets
// (T0 + h hours, re-read before every move), but real time still runs while
// requests are served, so a handling time is h hours plus a few seconds.
// Hours are therefore asserted within 0.01 (36 s); counts and rates exactly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDistrict, addUser } from './lib/district.mjs';

const GRID2 = '320506001001002';
const H = 3600;
let srv, gw, gw2, community, resident, district;
let grid1, grid2, community1, street1;
let T0; // epoch seconds of the fixture's Monday 09:00 +08:00
const ids = {}; // fixture name → appeal id

// ---- clock and sessions -------------------------------------------------

async function serverNow() {
  const r = await srv.json('/api/v1/_test/clock');
  assert.equal(r.status, 200);
  return Date.parse(r.body.now) / 1000;
}

// Moving the clock ends idle sessions: sign everybody in again.
async function signIn() {
  gw = await srv.login('gridworker');
  gw2 = await srv.login('gw2');
  community = await srv.login('longqiao');
  resident = await srv.login('resident');
  district = await srv.login('district');
}

async function advance(seconds) {
  if (seconds > 0) {
    const r = await srv.post('/api/v1/_test/clock', { advance_seconds: seconds });
    assert.equal(r.status, 200);
  }
  await signIn();
}

// Move the clock to T0 + h hours exactly (to the second).
async function at(h) {
  const now = await serverNow();
  const target = T0 + Math.round(h * H);
  assert.ok(target >= now, `the clock only moves forward (at ${h} h)`);
  await advance(target - now);
}

// "YYYY-MM-DD" of T0 + n days in Shanghai.
const ymd = (n) => new Date((T0 + n * 86400 + 8 * H) * 1000).toISOString().slice(0, 10);

// ---- actions ------------------------------------------------------------

async function report(name, unit, category) {
  const r = await resident.post('/api/v1/appeals', { category, title: `统计夹具 ${name}`, unit_id: unit.id });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  ids[name] = r.body.id;
}

async function act(who, name, body, status) {
  const r = await who.post(`/api/v1/appeals/${ids[name]}/actions`, body);
  assert.equal(r.status, 200, `${name} ${body.action}: ${JSON.stringify(r.body)}`);
  if (status) assert.equal(r.body.status, status, `${name} ${body.action}`);
  return r.body;
}

const acceptOnTheSpot = async (who, name) => {
  await act(who, name, { action: 'accept' }, 'accepted');
  await act(who, name, { action: 'dispatch', on_the_spot: true }, 'handling');
};
const resolve = (who, name) => act(who, name, { action: 'resolve', note: '已处理' }, 'resolved');
const pass = (name) => act(community, name, { action: 'verify', passed: true }, 'closed');
const fail = (name) => act(community, name, { action: 'verify', passed: false, note: '未处理到位，返工' }, 'handling');
const rate = (name, rating, status = 'rated') => act(resident, name, { action: 'rate', rating }, status);

async function unitByCode(code) {
  let cursor = '';
  for (;;) {
    const r = await district.get(`/api/v1/units?kind=grid&limit=500${cursor}`);
    const u = r.body.items.find((x) => x.code === code);
    if (u) return u;
    if (!r.body.next_cursor) throw new Error('no unit ' + code);
    cursor = `&cursor=${r.body.next_cursor}`;
  }
}

// ---- expectations -------------------------------------------------------

const ZERO = {
  received: 0, accepted: 0, closed: 0, closure_rate: null, on_time_closed: 0, on_time_rate: null,
  reworked: 0, rework_rate: null, rated: 0, satisfied: 0, satisfaction_rate: null,
  mean_handling_hours: null, p90_handling_hours: null,
};
const KEYS = Object.keys(ZERO);

// Counts and rates exactly; hours within 0.01 (see the top of the file).
function assertKpis(got, want, label) {
  assert.deepEqual(Object.keys(got).filter((k) => KEYS.includes(k)).sort(), [...KEYS].sort(), label);
  for (const k of KEYS) {
    if (k.endsWith('_hours') && want[k] !== null) {
      assert.equal(typeof got[k], 'number', `${label}.${k}`);
      assert.ok(Math.abs(got[k] - want[k]) <= 0.01, `${label}.${k}: ${got[k]} ≠ ${want[k]}`);
    } else {
      assert.equal(got[k], want[k], `${label}.${k}`);
    }
  }
}

const stats = (who, q) => who.get(`/api/v1/stats/appeals?${q}`);
const window = (from, to) => `unit=${community1.id}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;

// ---- the fixture ----------------------------------------------------------
//
// Grid 1 (gridworker's grid, G1) and grid 2 (GRID2, G2); all reported by the
// resident at T0 (t = 0 h). "env" is environment (grid level, accept within
// 4 h, handle within 2 working days: accepted Monday 10:00 → due Thursday
// 00:00 = T0 + 63 h); "noise" is noise (grid level, the same deadlines).
//
//  name cat    story                                        end      hours
//  A1   env    rejected at 1 h                              rejected   —
//  A2   env    accepted 1, resolved 5, verified 6, rated    rated      6
//              satisfied at 7
//  A3   env    accepted 1, resolved 70 (past the due at 63: closed    71
//              overdue), verified 71
//  A4   env    accepted 1, resolved 3, verify failed 4      rated      9
//              (rework), resolved 8, verified 9, rated
//              basically_satisfied at 10
//  A5   noise  accepted 1, resolved 2, verified 3, rated    rated     22
//              unsatisfied at 4 (reopens to handling, no
//              rework), resolved 20, verified 22, rated
//              unsatisfied again (stays rated)
//  A6   env    merged into A2 at 0                          merged  excluded
//  A7   noise  accepted 1, still handling                   open       —
//  B1   env    accepted 1, resolved 11, verified 12, rated  rated     12
//              satisfied at 13
//  B2   noise  accepted 1, resolved 2, failed 3, resolved   closed    30
//              4, failed 5, resolved 29, verified 30
//  B3   env    accepted 1, resolved 2, not yet verified     resolved   —
//  B4   noise  never accepted                               submitted  —
//
// Per appeal (A6 left out):       acc closed on-time resolved rework rating
//   A1 G1 env                      -    -      -       -       -     -
//   A2 G1 env                      y    y      y       y       -     satisfied
//   A3 G1 env                      y    y      - (late) y      -     -
//   A4 G1 env                      y    y      y       y       y     basically
//   A5 G1 noise                    y    y      y       y       -     unsatisfied
//   A7 G1 noise                    y    -      -       -       -     -
//   B1 G2 env                      y    y      y       y       -     satisfied
//   B2 G2 noise                    y    y      y       y       y     -
//   B3 G2 env                      y    -      -       y       -     -
//   B4 G2 noise                    -    -      -       -       -     -

// Totals: received 10; accepted 8; closed 6 (A2 A3 A4 A5 B1 B2) → 6/8 = 0.75;
// on time 5 (all but A3) → 5/6 = 0.8333; resolved once 7 (closed six + B3),
// reworked 2 (A4 B2) → 2/7 = 0.2857; rated 4 (A2 A4 A5 B1), satisfied 3 →
// 0.75; hours 6 71 9 22 12 30 → sorted 6 9 12 22 30 71, mean 150/6 = 25,
// p90 rank ceil(5.4) = 6 → 71 (linear interpolation would give 50.5, the
// floor rank 30).
const TOTALS = {
  received: 10, accepted: 8, closed: 6, closure_rate: 0.75, on_time_closed: 5, on_time_rate: 0.8333,
  reworked: 2, rework_rate: 0.2857, rated: 4, satisfied: 3, satisfaction_rate: 0.75,
  mean_handling_hours: 25, p90_handling_hours: 71,
};
// G1 (A1 A2 A3 A4 A5 A7): received 6; accepted 5; closed 4 → 0.8; on time 3 →
// 0.75; resolved once 4, reworked 1 (A4) → 0.25; rated 3, satisfied 2 (A2
// A4) → 0.6667; hours 6 9 22 71 → mean 108/4 = 27, p90 rank ceil(3.6) = 4 → 71.
const G1 = {
  received: 6, accepted: 5, closed: 4, closure_rate: 0.8, on_time_closed: 3, on_time_rate: 0.75,
  reworked: 1, rework_rate: 0.25, rated: 3, satisfied: 2, satisfaction_rate: 0.6667,
  mean_handling_hours: 27, p90_handling_hours: 71,
};
// G2 (B1 B2 B3 B4): received 4; accepted 3; closed 2 → 0.6667; on time 2 → 1;
// resolved once 3 (B1 B2 B3), reworked 1 (B2) → 0.3333; rated 1, satisfied 1
// → 1; hours 12 30 → mean 21, p90 rank ceil(1.8) = 2 → 30.
const G2 = {
  received: 4, accepted: 3, closed: 2, closure_rate: 0.6667, on_time_closed: 2, on_time_rate: 1,
  reworked: 1, rework_rate: 0.3333, rated: 1, satisfied: 1, satisfaction_rate: 1,
  mean_handling_hours: 21, p90_handling_hours: 30,
};
// environment (A1 A2 A3 A4 B1 B3): received 6; accepted 5; closed 4 (A2 A3 A4
// B1) → 0.8; on time 3 → 0.75; resolved once 5 (+B3), reworked 1 (A4) → 0.2;
// rated 3 (A2 A4 B1), satisfied 3 → 1; hours 6 9 12 71 → mean 98/4 = 24.5,
// p90 → 71.
const ENV = {
  received: 6, accepted: 5, closed: 4, closure_rate: 0.8, on_time_closed: 3, on_time_rate: 0.75,
  reworked: 1, rework_rate: 0.2, rated: 3, satisfied: 3, satisfaction_rate: 1,
  mean_handling_hours: 24.5, p90_handling_hours: 71,
};
// noise (A5 A7 B2 B4): received 4; accepted 3 (A5 A7 B2); closed 2 (A5 B2) →
// 0.6667; on time 2 → 1; resolved once 2, reworked 1 (B2) → 0.5; rated 1
// (A5, unsatisfied), satisfied 0 → 0; hours 22 30 → mean 26, p90 → 30.
const NOISE = {
  received: 4, accepted: 3, closed: 2, closure_rate: 0.6667, on_time_closed: 2, on_time_rate: 1,
  reworked: 1, rework_rate: 0.5, rated: 1, satisfied: 0, satisfaction_rate: 0,
  mean_handling_hours: 26, p90_handling_hours: 30,
};

before(async () => {
  srv = await startDistrict();
  addUser(srv.data.dir, 'gw2', 'grid_worker', GRID2);
  await signIn();
  grid1 = gw.user.unit;
  community1 = community.user.unit;
  grid2 = await unitByCode(GRID2);
  assert.equal(grid1.kind, 'grid');
  assert.equal(community1.kind, 'community');
  street1 = (await district.get(`/api/v1/units/${community1.id}`)).body.parent_id;
  assert.ok(street1, 'the community has a parent street');

  // T0: a Monday 09:00 in Shanghai at least 60 days ahead. The demo district
  // comes with a year of appeal history up to now; 60 days on, none of it is
  // inside any window used here (the stats windows start at T0, and the
  // hotspot windows, at most 45 days long, end at T0 + 40 days at the latest).
  const now = await serverNow();
  const sh = now + 8 * H;
  const midnight = sh - (sh % 86400); // Shanghai midnight, as if UTC
  const weekday = new Date(midnight * 1000).getUTCDay();
  let t = midnight + ((1 - weekday + 7) % 7) * 86400 + 9 * H - 8 * H;
  while (t < now + 60 * 86400) t += 7 * 86400;
  T0 = t;

  // t = 0: the reports, and a duplicate merged away at once.
  await at(0);
  for (const n of ['A1', 'A2', 'A3', 'A4', 'A6']) await report(n, grid1, 'environment');
  for (const n of ['A5', 'A7']) await report(n, grid1, 'noise');
  for (const n of ['B1', 'B3']) await report(n, grid2, 'environment');
  for (const n of ['B2', 'B4']) await report(n, grid2, 'noise');
  await act(gw, 'A6', { action: 'merge', into: ids.A2 }, 'merged');

  await at(1);
  await act(gw, 'A1', { action: 'reject', note: '不属于受理范围' }, 'rejected');
  for (const n of ['A2', 'A3', 'A4', 'A5', 'A7']) await acceptOnTheSpot(gw, n);
  for (const n of ['B1', 'B2', 'B3']) await acceptOnTheSpot(gw2, n);
  const a3 = (await gw.get(`/api/v1/appeals/${ids.A3}`)).body;
  assert.equal(Date.parse(a3.handle_due) / 1000, T0 + 63 * H, 'Monday + 2 working days → Thursday 00:00');

  await at(2);
  await resolve(gw, 'A5');
  await resolve(gw2, 'B2');
  await resolve(gw2, 'B3');
  await at(3);
  await resolve(gw, 'A4');
  await pass('A5');
  await fail('B2');
  await at(4);
  await fail('A4');
  await rate('A5', 'unsatisfied', 'handling'); // the first unsatisfied rating reopens
  await resolve(gw2, 'B2');
  await at(5);
  await resolve(gw, 'A2');
  await fail('B2');
  await at(6);
  await pass('A2');
  await at(7);
  await rate('A2', 'satisfied');
  await at(8);
  await resolve(gw, 'A4');
  await at(9);
  await pass('A4');
  await at(10);
  await rate('A4', 'basically_satisfied');
  await at(11);
  await resolve(gw2, 'B1');
  await at(12);
  await pass('B1');
  await at(13);
  await rate('B1', 'satisfied');
  await at(20);
  await resolve(gw, 'A5');
  await at(22);
  await pass('A5');
  await rate('A5', 'unsatisfied'); // the second does not reopen
  await at(29);
  await resolve(gw2, 'B2');
  await at(30);
  await pass('B2');
  // Thursday 07:00, past A3's deadline: the sweep flags it before it is resolved.
  await at(70);
  assert.equal((await srv.post('/api/v1/_test/sla-sweep', {})).status, 200);
  await resolve(gw, 'A3');
  await at(71);
  await pass('A3');
});

after(async () => {
  const r = await srv.stop();
  assert.equal(r.code, 0, 'server exits cleanly:\n' + srv.log().slice(-4000));
});

test('the fixture reached the intended end states', async () => {
  const want = {
    A1: 'rejected', A2: 'rated', A3: 'closed', A4: 'rated', A5: 'rated', A6: 'merged', A7: 'handling',
    B1: 'rated', B2: 'closed', B3: 'resolved', B4: 'submitted',
  };
  for (const [n, status] of Object.entries(want)) {
    const d = (await community.get(`/api/v1/appeals/${ids[n]}`)).body;
    assert.equal(d.status, status, n);
  }
  const a3 = (await community.get(`/api/v1/appeals/${ids.A3}`)).body;
  assert.equal(a3.was_overdue, true);
  for (const n of ['A2', 'A4', 'A5', 'B1', 'B2']) {
    const d = (await community.get(`/api/v1/appeals/${ids[n]}`)).body;
    assert.equal(d.was_overdue, false, n);
  }
  const a5 = (await community.get(`/api/v1/appeals/${ids.A5}`)).body;
  assert.deepEqual([a5.rating, a5.rework_count, a5.reopen_count], ['unsatisfied', 0, 1]);
  const b2 = (await community.get(`/api/v1/appeals/${ids.B2}`)).body;
  assert.equal(b2.rework_count, 2);
});

test('community KPIs: totals, each child grid and each category are exact', async () => {
  const r = await stats(community, window(ymd(0), ymd(5)));
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.unit.id, community1.id);
  assert.equal(r.body.unit.kind, 'community');
  assert.equal(r.body.from, `${ymd(0)}T00:00:00+08:00`);
  assert.equal(r.body.to, `${ymd(5)}T00:00:00+08:00`);
  assertKpis(r.body.totals, TOTALS, 'totals');

  // Every child unit is listed; only the two fixture grids have appeals.
  const kids = r.body.children;
  assert.ok(kids.length >= 2);
  assert.ok(kids.every((k) => k.unit.kind === 'grid'));
  const g1 = kids.find((k) => k.unit.id === grid1.id);
  const g2 = kids.find((k) => k.unit.id === grid2.id);
  assert.equal(g2.unit.code, GRID2);
  assertKpis(g1, G1, 'grid 1');
  assertKpis(g2, G2, 'grid 2');
  for (const k of kids.filter((x) => x !== g1 && x !== g2)) assertKpis(k, ZERO, k.unit.code);

  // Every category is listed; only environment and noise have appeals.
  const cats = r.body.categories;
  assert.ok(cats.length >= 11);
  assertKpis(cats.find((c) => c.category.code === 'environment'), ENV, 'environment');
  assertKpis(cats.find((c) => c.category.code === 'noise'), NOISE, 'noise');
  for (const c of cats.filter((x) => !['environment', 'noise'].includes(x.category.code))) {
    assertKpis(c, ZERO, c.category.code);
  }
});

test('a grid worker gets the KPIs of their own grid by default', async () => {
  const r = await stats(gw, `from=${ymd(0)}&to=${ymd(5)}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.unit.id, grid1.id);
  assertKpis(r.body.totals, G1, 'grid 1 as its own unit');
  // The appeals were placed on the grid itself, not on a building of it.
  for (const k of r.body.children) assertKpis(k, ZERO, k.unit.code);
  const env = r.body.categories.find((c) => c.category.code === 'environment');
  // A1 A2 A3 A4: accepted 3, closed 3 → 1; on time 2 → 0.6667; resolved 3,
  // reworked 1 → 0.3333; rated 2 satisfied 2; hours 6 9 71 → 28.67, p90 71.
  assertKpis(env, {
    received: 4, accepted: 3, closed: 3, closure_rate: 1, on_time_closed: 2, on_time_rate: 0.6667,
    reworked: 1, rework_rate: 0.3333, rated: 2, satisfied: 2, satisfaction_rate: 1,
    mean_handling_hours: 28.67, p90_handling_hours: 71,
  }, 'grid 1 environment');
});

test('the window is [from, to): a later appeal counts only when to is after it', async () => {
  // Saturday 10:00 (T0 + 5 days + 1 h): one more report in grid 1, a dispute.
  await at(5 * 24 + 1);
  await report('E1', grid1, 'dispute');
  let r = await stats(community, window(ymd(0), ymd(5)));
  assertKpis(r.body.totals, TOTALS, 'to = Saturday 00:00 excludes it');
  r = await stats(community, window(ymd(0), ymd(6)));
  assertKpis(r.body.totals, { ...TOTALS, received: 11 }, 'to = Sunday 00:00 includes it');
  assertKpis(r.body.children.find((k) => k.unit.id === grid1.id), { ...G1, received: 7 }, 'grid 1');
  assertKpis(r.body.categories.find((c) => c.category.code === 'dispute'), { ...ZERO, received: 1 }, 'dispute');
  // ... and to just after its creation second, with a full timestamp.
  const created = Date.parse((await community.get(`/api/v1/appeals/${ids.E1}`)).body.created_at) / 1000;
  const iso = (s) => new Date((s + 8 * H) * 1000).toISOString().slice(0, 19) + '+08:00';
  r = await stats(community, window(ymd(0), iso(created)));
  assert.equal(r.body.totals.received, 10, 'to equal to created_at excludes it');
  r = await stats(community, window(ymd(0), iso(created + 1)));
  assert.equal(r.body.totals.received, 11);
  r = await stats(community, window(iso(created), ymd(6)));
  assertKpis(r.body.totals, { ...ZERO, received: 1 }, 'from equal to created_at includes it');
});

test('an empty window gives zero counts and null rates and hours', async () => {
  const r = await stats(community, window('2000-01-01', '2000-01-02'));
  assert.equal(r.status, 200);
  assertKpis(r.body.totals, ZERO, 'totals');
  for (const k of r.body.children) assertKpis(k, ZERO, k.unit.code);
  for (const c of r.body.categories) assertKpis(c, ZERO, c.category.code);
});

test('from and to are validated', async () => {
  const bad = async (q, field) => {
    const r = await stats(community, `unit=${community1.id}&${q}`);
    assert.equal(r.status, 400, q);
    assert.equal(r.body.error.code, 'request.invalid');
    assert.equal(r.body.error.details.field, field, q);
  };
  await bad(`from=${ymd(1)}&to=${ymd(1)}`, 'from'); // from = to
  await bad(`from=${ymd(2)}&to=${ymd(1)}`, 'from'); // from > to
  await bad('from=yesterday', 'from');
  await bad('to=2026-13-01', 'to');
  await bad('from=2026-02-30', 'from');
  await bad(`from=${encodeURIComponent('2026-01-01T10:00')}`, 'from'); // no offset
  const r0 = await stats(community, 'unit=abc');
  assert.equal(r0.status, 400);
  assert.equal(r0.body.error.details.field, 'unit');
  // One second is a window; the default window is the last 30 days.
  let r = await stats(community, window('2026-01-01T00:00:00+08:00', '2026-01-01T00:00:01+08:00'));
  assert.equal(r.status, 200);
  r = await stats(community, `unit=${community1.id}`);
  assert.equal(r.status, 200);
  assert.equal(Date.parse(r.body.to) - Date.parse(r.body.from), 30 * 86400 * 1000);
});

test('units outside the scope are 404 and residents have no stats:read', async () => {
  let r = await stats(community, `unit=${street1}`);
  assert.equal(r.status, 404, 'the parent street is outside the community');
  r = await stats(gw, `unit=${grid2.id}`);
  assert.equal(r.status, 404, 'a sibling grid');
  r = await stats(community, 'unit=999999999');
  assert.equal(r.status, 404);
  r = await stats(resident, `unit=${community1.id}`);
  assert.equal(r.status, 403);
  r = await srv.json(`/api/v1/stats/appeals?unit=${community1.id}`);
  assert.equal(r.status, 401);
  // The street sees the same community numbers from above.
  const street = await srv.login('changqiao');
  r = await stats(street, `from=${ymd(0)}&to=${ymd(5)}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.unit.kind, 'street');
  assertKpis(r.body.totals, TOTALS, 'street totals');
  assertKpis(r.body.children.find((k) => k.unit.id === community1.id), TOTALS, 'the community as a child');
});

// ---- hotspots -------------------------------------------------------------
//
// Recurring (grid, category) pairs in the last `days` days, rejected and
// merged left out. At this point (Saturday, T0 + 5 d):
//   G1 environment  A2 A3 A4 (A1 rejected, A6 merged)   3
//   G1 noise        A5 A7                              2
//   G1 dispute      E1                                 1
//   G2 environment  B1 B3                              2
//   G2 noise        B2 B4                              2

const hotspots = (who, q) => who.get(`/api/v1/appeals/hotspots?${q}`);
const pairs = (items) => items.map((i) => `${i.grid.id}:${i.category.code}:${i.count}`).sort();

test('hotspots: a pair with three recurring appeals, not one with two', async () => {
  let r = await hotspots(community, `unit=${community1.id}&days=30&min_count=3`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.days, 30);
  assert.equal(r.body.min_count, 3);
  assert.equal(r.body.items.length, 1);
  const [it] = r.body.items;
  assert.equal(it.grid.id, grid1.id);
  assert.equal(it.grid.code, grid1.code);
  assert.equal(it.category.code, 'environment');
  assert.equal(it.count, 3, 'the rejected A1 and the merged A6 are left out');
  assert.deepEqual(it.appeal_ids, [ids.A2, ids.A3, ids.A4]);
  assert.ok(Date.parse(it.first_at) <= Date.parse(it.last_at));
  assert.ok(Math.abs(Date.parse(it.first_at) / 1000 - T0) < 60);

  // The defaults are days=30, min_count=3.
  r = await hotspots(community, `unit=${community1.id}`);
  assert.deepEqual(pairs(r.body.items), pairs([it]));

  r = await hotspots(community, `unit=${community1.id}&min_count=2`);
  assert.deepEqual(pairs(r.body.items), [
    `${grid1.id}:environment:3`, `${grid1.id}:noise:2`, `${grid2.id}:environment:2`, `${grid2.id}:noise:2`,
  ].sort());
  assert.equal(r.body.items[0].count, 3, 'the largest first');
});

test('hotspots: the category filter and the unit scope', async () => {
  let r = await hotspots(community, `unit=${community1.id}&min_count=2&category=noise`);
  assert.deepEqual(pairs(r.body.items), [`${grid1.id}:noise:2`, `${grid2.id}:noise:2`].sort());
  r = await hotspots(community, `unit=${community1.id}&category=noise`);
  assert.deepEqual(r.body.items, []);
  r = await hotspots(community, `unit=${community1.id}&min_count=2&category=environment`);
  assert.deepEqual(pairs(r.body.items), [`${grid1.id}:environment:3`, `${grid2.id}:environment:2`].sort());
  r = await hotspots(community, `unit=${grid2.id}&min_count=2`);
  assert.deepEqual(pairs(r.body.items), [`${grid2.id}:environment:2`, `${grid2.id}:noise:2`].sort());
  r = await hotspots(gw, 'min_count=2');
  assert.deepEqual(pairs(r.body.items), [`${grid1.id}:environment:3`, `${grid1.id}:noise:2`].sort());
  r = await hotspots(gw, `unit=${grid2.id}`);
  assert.equal(r.status, 404);
  r = await hotspots(resident, `unit=${community1.id}`);
  assert.equal(r.status, 403);
});

test('hotspots: days and min_count are validated', async () => {
  for (const [q, field] of [
    ['days=0', 'days'], ['days=367', 'days'], ['days=abc', 'days'], ['days=1.5', 'days'],
    ['min_count=1', 'min_count'], ['min_count=0', 'min_count'], ['min_count=x', 'min_count'],
  ]) {
    const r = await hotspots(community, `unit=${community1.id}&${q}`);
    assert.equal(r.status, 400, q);
    assert.equal(r.body.error.details.field, field, q);
  }
  let r = await hotspots(community, `unit=${community1.id}&days=366&min_count=2`);
  assert.equal(r.status, 200);
  // empty is absent: the defaults (docs/API.md, Conventions)
  r = await hotspots(community, `unit=${community1.id}&days=&min_count=`);
  assert.equal(r.status, 200);
  assert.equal(r.body.days, 30);
  assert.equal(r.body.min_count, 3);
  r = await hotspots(community, `unit=${community1.id}&days=1`);
  assert.deepEqual(r.body.items, [], 'the fixture is five days old');
});

test('hotspots: only the last `days` days count', async () => {
  // 40 days after T0: the fixture is outside a 30-day window.
  await at(40 * 24);
  let r = await hotspots(community, `unit=${community1.id}&days=30&min_count=2`);
  assert.deepEqual(r.body.items, []);
  r = await hotspots(community, `unit=${community1.id}&days=45`);
  assert.deepEqual(pairs(r.body.items), [`${grid1.id}:environment:3`]);

  // Three new environment reports in grid 2 today.
  for (const n of ['N1', 'N2', 'N3']) await report(n, grid2, 'environment');
  r = await hotspots(community, `unit=${community1.id}&days=1`);
  assert.equal(r.body.items.length, 1);
  assert.equal(r.body.items[0].grid.id, grid2.id);
  assert.equal(r.body.items[0].count, 3);
  assert.deepEqual(r.body.items[0].appeal_ids, [ids.N1, ids.N2, ids.N3]);
  // Over 45 days grid 2's environment pair is B1 B3 N1 N2 N3, ahead of grid 1's.
  r = await hotspots(community, `unit=${community1.id}&days=45`);
  assert.deepEqual(r.body.items.map((i) => `${i.grid.id}:${i.category.code}:${i.count}`),
    [`${grid2.id}:environment:5`, `${grid1.id}:environment:3`]);

  // The KPIs of the fixture's window do not depend on today.
  r = await stats(community, window(ymd(0), ymd(5)));
  assertKpis(r.body.totals, TOTALS, 'totals, 40 days later');
});

test('appeals placed on a building count for its grid', async () => {
  // Still T0 + 40 days. Grid 2 today: N1 N2 N3 environment on the grid; now
  // N4 environment and N5 noise on one of its buildings, N6 noise on the grid.
  // Rows come ordered by place, so N4 arrives after grid 2's noise row: the
  // environment pair must still be found and grown to 4.
  const b = await community.get(`/api/v1/units?parent=${grid2.id}&kind=building&limit=1`);
  assert.equal(b.status, 200);
  const building = b.body.items[0];
  assert.ok(building, 'grid 2 has a building');
  await report('N4', building, 'environment');
  await report('N5', building, 'noise');
  await report('N6', grid2, 'noise');
  let r = await hotspots(community, `unit=${community1.id}&days=1&min_count=2`);
  assert.deepEqual(r.body.items.map((i) => `${i.grid.id}:${i.category.code}:${i.count}`),
    [`${grid2.id}:environment:4`, `${grid2.id}:noise:2`]);
  assert.deepEqual(r.body.items[0].appeal_ids, [ids.N1, ids.N2, ids.N3, ids.N4]);
  assert.deepEqual([...r.body.items[1].appeal_ids].sort((x, y) => x - y), [ids.N5, ids.N6]);
  r = await hotspots(community, `unit=${building.id}&days=1&min_count=2`);
  assert.deepEqual(r.body.items, [], 'inside the building alone nothing recurs');

  // KPIs of today: all six in grid 2's row of the community, by where they are.
  r = await stats(community, window(ymd(40), ymd(41)));
  assertKpis(r.body.totals, { ...ZERO, received: 6 }, 'today');
  assertKpis(r.body.children.find((k) => k.unit.id === grid2.id), { ...ZERO, received: 6 }, 'grid 2 today');
  // ... and the building's own row in grid 2's.
  r = await stats(gw2, `from=${ymd(40)}&to=${ymd(41)}`);
  assert.equal(r.body.unit.id, grid2.id);
  assertKpis(r.body.children.find((k) => k.unit.id === building.id), { ...ZERO, received: 2 }, 'the building');
});

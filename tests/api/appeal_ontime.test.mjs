// On-time closure is decided from an appeal's history, not from when the SLA
// sweeper happened to run.
//
// The story: three appeals in the grid worker's grid are accepted and handled
// on the spot, and each asks for a 48-hour extension. C's is approved before
// its deadline; A's and B's only after theirs has passed. The sweeper runs
// once, after the deadline: before A's approval (so it sees A overdue) and
// after B's (so it never sees B overdue). All three are then resolved inside
// the extended deadline and closed. A and B have the same history — the
// deadline in force passed before the extension came — so both count as
// late; C counts on time.
//
// The periodic sweeper is held off (sla_sweep_seconds = 3600, longer than the
// test) so the only sweep is the one the test asks for.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDistrict } from './lib/district.mjs';

const GRID1 = '320506001001001';
let srv, gw, community, resident, district, grid1;
let start; // server time when the fixture began
const ids = {};

async function serverNow() {
  const r = await srv.json('/api/v1/_test/clock');
  assert.equal(r.status, 200);
  return Date.parse(r.body.now) / 1000;
}

// Moving the clock ends idle sessions: sign everybody in again.
async function signIn() {
  gw = await srv.login('gridworker');
  community = await srv.login('longqiao');
  resident = await srv.login('resident');
  district = await srv.login('district');
}

async function moveTo(t) {
  const now = await serverNow();
  assert.ok(t > now, 'the clock only moves forward');
  assert.equal((await srv.post('/api/v1/_test/clock', { advance_seconds: Math.ceil(t - now) })).status, 200);
  await signIn();
}

async function act(who, name, body, status) {
  const r = await who.post(`/api/v1/appeals/${ids[name]}/actions`, body);
  assert.equal(r.status, 200, `${name} ${body.action}: ${JSON.stringify(r.body)}`);
  if (status) assert.equal(r.body.status, status, `${name} ${body.action}`);
}

const detail = async (name) => (await community.get(`/api/v1/appeals/${ids[name]}`)).body;
const approve = (name) => act(community, name, { action: 'approve_extension' });

before(async () => {
  srv = await startDistrict({ config: 'sla_sweep_seconds = 3600' });
  await signIn();
  let cursor = '';
  for (;;) {
    const r = await district.get(`/api/v1/units?kind=grid&limit=500${cursor}`);
    grid1 = r.body.items.find((x) => x.code === GRID1);
    if (grid1 || !r.body.next_cursor) break;
    cursor = `&cursor=${r.body.next_cursor}`;
  }
  assert.ok(grid1, 'fixture: grid 1');
  start = await serverNow();
  await moveTo(start + 60); // the demo's history lies before the window
  for (const name of ['A', 'B', 'C']) {
    const r = await resident.post('/api/v1/appeals', { category: 'environment', title: `按时办结 ${name}`, unit_id: grid1.id });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    ids[name] = r.body.id;
    await act(gw, name, { action: 'accept' }, 'accepted');
    await act(gw, name, { action: 'dispatch', on_the_spot: true }, 'handling');
    await act(gw, name, { action: 'extend', hours: 48, note: '需要协调物业' }, 'handling');
  }
  await approve('C');
  const due = Math.max(...(await Promise.all(['A', 'B'].map(detail))).map((d) => Date.parse(d.handle_due) / 1000));
  await moveTo(due + 3600);
  await approve('B'); // nobody has swept yet
  const s = await srv.post('/api/v1/_test/sla-sweep', {});
  assert.equal(s.status, 200);
  await approve('A'); // after the sweep saw it overdue
  for (const name of ['A', 'B', 'C']) {
    await act(gw, name, { action: 'resolve', note: '已清理' }, 'resolved');
    await act(community, name, { action: 'verify', passed: true }, 'closed');
  }
});
after(async () => { await srv.stop(); });

test('the sweep saw A overdue and not B, C never', async () => {
  const a = await detail('A'), b = await detail('B'), c = await detail('C');
  assert.ok(a.timeline.some((e) => e.action === 'supervise'), 'A was supervised');
  assert.ok(!b.timeline.some((e) => e.action === 'supervise'), 'B was not');
  assert.ok(!c.timeline.some((e) => e.action === 'supervise'), 'C was not');
});

test('an extension approved after the deadline passed leaves the appeal late, swept or not', async () => {
  assert.equal((await detail('A')).was_overdue, true, 'A');
  assert.equal((await detail('B')).was_overdue, true, 'B');
  assert.equal((await detail('C')).was_overdue, false, 'C: extended before its deadline');
});

test('the on-time measure counts both late appeals alike', async () => {
  const from = new Date(start * 1000).toISOString();
  const r = await district.get(`/api/v1/stats/appeals?unit=${grid1.id}&from=${encodeURIComponent(from)}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.totals.received, 3);
  assert.equal(r.body.totals.closed, 3);
  assert.equal(r.body.totals.on_time_closed, 1);
  assert.equal(r.body.totals.on_time_rate, 0.3333);
});

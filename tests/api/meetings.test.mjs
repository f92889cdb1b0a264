// Meetings (议事会议): the roster, the meeting types' settings, meetings with
// invitations, attendance, proposals, votes and the resolution. docs/API.md,
// "Meetings"; /work/specs/meetings-api.md.
//
// Quorate when present * 100 > quorum_pct * invited; a proposal passes when
// the meeting is quorate and for * 100 > pass_pct * present. A community's
// staff never see another community's roster or meetings. Every refusal has
// its status and stable code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDistrict, addUser } from './lib/district.mjs';
import { png } from './lib/images.mjs';

const STREET1 = '320506001';
const COMM1 = '320506001001', COMM2 = '320506001002';
const GRID1 = '320506001001001';
const TODAY_14 = '2026-11-25T14:00:00+08:00'; // the test clock's day
const TOMORROW_10 = '2026-11-26T10:00:00+08:00';

let srv, district, changqiao, longqiao, hubleader, gridworker, resident, cs2;
const U = {};
let reps = []; // ten active representatives of 龙桥
let repResident; // the one bound to the resident's account
let rep2; // one of the neighbouring community's roster

async function findUnit(client, code) {
  const kind = { 9: 'street', 12: 'community', 15: 'grid' }[code.length];
  for (let cursor = '';;) {
    const r = await client.get(`/api/v1/units?kind=${kind}&limit=500${cursor}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const u = r.body.items.find((x) => x.code === code);
    if (u) return u;
    assert.ok(r.body.next_cursor, `fixture: unit ${code}`);
    cursor = `&cursor=${r.body.next_cursor}`;
  }
}

function assertError(r, status, code, field) {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.equal(r.body.error.code, code, JSON.stringify(r.body));
  if (field) assert.equal(r.body.error.details.field, field, JSON.stringify(r.body));
}

async function addRep(client, body) {
  const r = await client.post('/api/v1/representatives', body);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

function meetingBody(extra = {}) {
  return {
    type: 'yishi_yiyi', unit_id: U.comm1.id, title: '货车占道问题一事一议',
    starts_at: TODAY_14, place: '社区议事厅', agenda: '一、通报情况；二、提出议案；三、表决',
    invitees: reps.map((r) => r.id), ...extra,
  };
}

async function schedule(client = longqiao, extra = {}) {
  const r = await client.post('/api/v1/meetings', meetingBody(extra));
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

async function attend(id, present, client = longqiao) {
  const r = await client.post(`/api/v1/meetings/${id}/attendance`, { present });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

async function propose(id, title, extra = {}) {
  const r = await longqiao.post(`/api/v1/meetings/${id}/proposals`, { title, ...extra });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

const vote = (pid, representative_id, v, client = longqiao) =>
  client.post(`/api/v1/proposals/${pid}/votes`, { representative_id, vote: v });

async function votes(pid, list) {
  for (const [rep, v] of list) {
    const r = await vote(pid, rep, v);
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  return (await longqiao.get(`/api/v1/meetings/${(await proposalMeeting(pid))}`)).body.proposals.find((p) => p.id === pid);
}
const proposalMeetings = new Map();
async function proposalMeeting(pid) { return proposalMeetings.get(pid); }

before(async () => {
  srv = await startDistrict();
  addUser(srv.data.dir, 'mt.cs2', 'community_staff', COMM2);
  [district, changqiao, longqiao, hubleader, gridworker, resident, cs2] = await Promise.all(
    ['district', 'changqiao', 'longqiao', 'hubleader', 'gridworker', 'resident', 'mt.cs2'].map((u) => srv.login(u)));
  for (const [k, code] of Object.entries({ street1: STREET1, comm1: COMM1, comm2: COMM2, grid1: GRID1 }))
    U[k] = await findUnit(district, code);
  const kinds = ['party_member', 'resident', 'building_leader', 'owner', 'women', 'volunteer', 'party_member', 'resident', 'committee_member', 'organisation'];
  repResident = await addRep(longqiao, { unit_id: U.comm1.id, name: '测试居民代表甲', kind: 'resident', account_id: resident.user.id, phone: '13912345678' });
  reps.push(repResident);
  for (let i = 1; i < 10; i++)
    reps.push(await addRep(longqiao, { unit_id: U.comm1.id, name: `代表${i}`, kind: kinds[i], organisation: kinds[i] === 'organisation' ? '龙桥物业公司' : '' }));
  rep2 = await addRep(cs2, { unit_id: U.comm2.id, name: '邻社区代表', kind: 'resident' });
});
after(async () => { await srv.stop(); });

// ---- meeting types ----------------------------------------------------------

test('the ten meeting types start at 50 / 50', async () => {
  const r = await longqiao.get('/api/v1/meeting-types');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.items.map((t) => t.type), ['yishi_yiyi', 'hearing', 'coordination', 'council',
    'homeland_council', 'joint_committee', 'party_org', 'two_committees', 'party_members', 'residents']);
  for (const t of r.body.items) assert.deepEqual([t.quorum_pct, t.pass_pct], [50, 50]);
});

test('only an account at the district root changes the settings', async () => {
  assertError(await changqiao.put('/api/v1/meeting-types/hearing', { quorum_pct: 60, pass_pct: 60 }), 403, 'meeting.settings_district');
  assertError(await longqiao.put('/api/v1/meeting-types/hearing', { quorum_pct: 60, pass_pct: 60 }), 403, 'auth.forbidden');
  assertError(await district.put('/api/v1/meeting-types/nope', { quorum_pct: 60, pass_pct: 60 }), 404, 'route.not_found');
  assertError(await district.put('/api/v1/meeting-types/hearing', { quorum_pct: 101, pass_pct: 60 }), 400, 'request.invalid', 'quorum_pct');
  assertError(await district.put('/api/v1/meeting-types/hearing', { quorum_pct: 60 }), 400, 'request.invalid', 'pass_pct');
  // 100 % could never be exceeded; under 50 % a minority would pass
  assertError(await district.put('/api/v1/meeting-types/hearing', { quorum_pct: 100, pass_pct: 60 }), 400, 'request.invalid', 'quorum_pct');
  assertError(await district.put('/api/v1/meeting-types/hearing', { quorum_pct: 60, pass_pct: 49 }), 400, 'request.invalid', 'pass_pct');
  const r = await district.put('/api/v1/meeting-types/hearing', { quorum_pct: 66, pass_pct: 75 });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual([r.body.type, r.body.quorum_pct, r.body.pass_pct], ['hearing', 66, 75]);
  assert.ok(r.body.updated_at.endsWith('+08:00'));
});

test('a meeting keeps the settings its type had when it was scheduled', async () => {
  const m = await schedule(longqiao, { type: 'hearing', title: '听证会' });
  assert.deepEqual([m.quorum_pct, m.pass_pct], [66, 75]);
  const r = await district.put('/api/v1/meeting-types/hearing', { quorum_pct: 50, pass_pct: 50 });
  assert.equal(r.status, 200);
  const again = await longqiao.get(`/api/v1/meetings/${m.id}`);
  assert.deepEqual([again.body.quorum_pct, again.body.pass_pct], [66, 75]);
  assert.deepEqual([(await schedule(longqiao, { type: 'hearing' })).quorum_pct], [50]);
});

// ---- the roster -------------------------------------------------------------

test('a representative is kept with a masked phone and an account', async () => {
  const r = await longqiao.get(`/api/v1/representatives/${repResident.id}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.phone_mask, '139****5678');
  assert.equal(r.body.account_id, resident.user.id);
  assert.equal(r.body.unit_id, U.comm1.id);
  assert.equal(r.body.active, true);
  assert.ok(!JSON.stringify(r.body).includes('13912345678'));
});

test('the roster refuses bad input with stable codes', async () => {
  const base = { unit_id: U.comm1.id, name: '张三', kind: 'resident' };
  assertError(await longqiao.post('/api/v1/representatives', { ...base, kind: 'mayor' }), 400, 'request.invalid', 'kind');
  assertError(await longqiao.post('/api/v1/representatives', { ...base, name: '' }), 400, 'request.invalid', 'name');
  assertError(await longqiao.post('/api/v1/representatives', { ...base, phone: '12345' }), 400, 'request.invalid', 'phone');
  assertError(await longqiao.post('/api/v1/representatives', { ...base, account_id: 99999999 }), 400, 'request.invalid', 'account_id');
  assertError(await longqiao.post('/api/v1/representatives', { ...base, unit_id: U.grid1.id }), 400, 'request.invalid', 'unit_id');
  assertError(await longqiao.post('/api/v1/representatives', { ...base, unit_id: U.comm2.id }), 404, 'route.not_found');
  assertError(await longqiao.post('/api/v1/representatives', { ...base, extra: 1 }), 400, 'request.invalid', 'extra');
  assertError(await longqiao.post('/api/v1/representatives', { ...base, account_id: resident.user.id }), 409, 'meeting.account_taken');
  assertError(await gridworker.post('/api/v1/representatives', base), 403, 'auth.forbidden');
  assertError(await hubleader.post('/api/v1/representatives', base), 404, 'route.not_found');
});

test("a community's staff never see another community's roster", async () => {
  assertError(await cs2.get(`/api/v1/representatives/${repResident.id}`), 404, 'route.not_found');
  assertError(await cs2.get(`/api/v1/representatives?unit=${U.comm1.id}`), 404, 'route.not_found');
  const own = await cs2.get('/api/v1/representatives?limit=500');
  assert.equal(own.status, 200);
  assert.ok(own.body.items.some((r) => r.id === rep2.id));
  assert.ok(own.body.items.every((r) => r.unit_id === U.comm2.id));
  assertError(await longqiao.get(`/api/v1/representatives/${rep2.id}`), 404, 'route.not_found');
  assertError(await longqiao.patch(`/api/v1/representatives/${rep2.id}`, { name: 'x' }), 404, 'route.not_found');
  // the street sees both; the hub leader of a grid sees its community's roster
  const street = await changqiao.get(`/api/v1/representatives?limit=500`);
  assert.ok(street.body.items.some((r) => r.id === rep2.id) && street.body.items.some((r) => r.id === repResident.id));
  const hub = await hubleader.get('/api/v1/representatives?limit=500');
  assert.equal(hub.status, 200);
  assert.ok(reps.every((r) => hub.body.items.some((x) => x.id === r.id)));
  assert.ok(hub.body.items.every((r) => r.unit_id === U.comm1.id));
  const filtered = await longqiao.get(`/api/v1/representatives?unit=${U.comm1.id}&kind=organisation`);
  assert.ok(filtered.body.items.some((r) => r.organisation === '龙桥物业公司'));
  assert.ok(filtered.body.items.every((r) => r.kind === 'organisation' && r.unit_id === U.comm1.id));
  assertError(await longqiao.get('/api/v1/representatives?kind=mayor'), 400, 'request.invalid', 'kind');
  assertError(await longqiao.get('/api/v1/representatives?active=yes'), 400, 'request.invalid', 'active');
  const byName = await longqiao.get(`/api/v1/representatives?q=${encodeURIComponent('测试居民代表')}`);
  assert.deepEqual(byName.body.items.map((r) => r.id), [repResident.id]);
  const wild = await longqiao.get(`/api/v1/representatives?q=${encodeURIComponent('%')}`);
  assert.deepEqual(wild.body.items, []); // LIKE's wildcards are taken literally
  const page1 = await longqiao.get(`/api/v1/representatives?unit=${U.comm1.id}&limit=4`);
  const page2 = await longqiao.get(`/api/v1/representatives?unit=${U.comm1.id}&limit=4&cursor=${page1.body.next_cursor}`);
  assert.equal(page1.body.items.length, 4);
  assert.ok(page2.body.items[0].id > page1.body.items[3].id);
});

test('a representative is edited, the phone cleared, deactivated and bound to an account', async () => {
  const r0 = await addRep(longqiao, { unit_id: U.comm1.id, name: '临时代表', kind: 'volunteer', phone: '13800001111' });
  const r = await longqiao.patch(`/api/v1/representatives/${r0.id}`, { name: '志愿者代表', phone: null, active: false });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual([r.body.name, r.body.phone_mask, r.body.active, r.body.kind], ['志愿者代表', null, false, 'volunteer']);
  // an inactive representative cannot be invited
  const m = await longqiao.post('/api/v1/meetings', meetingBody({ invitees: [reps[0].id, r0.id] }));
  assertError(m, 400, 'request.invalid', 'invitees[1]');
  assertError(await longqiao.patch(`/api/v1/representatives/${r0.id}`, { account_id: resident.user.id }), 409, 'meeting.account_taken');
  const bound = await longqiao.patch(`/api/v1/representatives/${r0.id}`, { account_id: longqiao.user.id });
  assert.equal(bound.body.account_id, longqiao.user.id);
  const unbound = await longqiao.patch(`/api/v1/representatives/${r0.id}`, { account_id: null });
  assert.deepEqual([unbound.body.account_id, unbound.body.name], [null, '志愿者代表']);
  const inactive = await longqiao.get(`/api/v1/representatives?unit=${U.comm1.id}&active=0`);
  assert.ok(inactive.body.items.some((r) => r.id === r0.id));
  assert.ok(inactive.body.items.every((r) => r.active === false));
  assertError(await longqiao.patch(`/api/v1/representatives/${r0.id}`, { unit_id: U.comm1.id }), 400, 'request.invalid', 'unit_id');
});

// ---- scheduling ----------------------------------------------------------------

test('staff schedule a meeting; invitees with an account get a notice', async () => {
  const m = await schedule();
  assert.equal(m.state, 'scheduled');
  assert.equal(m.invited, 10);
  assert.equal(m.present, 0);
  assert.equal(m.quorate, false);
  assert.equal(m.starts_at, TODAY_14);
  assert.equal(m.unit_name, '龙桥社区');
  assert.equal(m.invitees.length, 10);
  assert.ok(m.invitees.every((i) => i.present === null));
  assert.equal(m.invitees.find((i) => i.representative_id === repResident.id).has_account, true);
  const msgs = await resident.get('/api/v1/messages');
  assert.ok(msgs.body.items.some((x) => x.kind === 'meeting' && x.title === '货车占道问题一事一议'), JSON.stringify(msgs.body));
});

test('scheduling refuses bad input with stable codes', async () => {
  const bad = async (extra, status, code, field, client = longqiao) =>
    assertError(await client.post('/api/v1/meetings', meetingBody(extra)), status, code, field);
  await bad({ type: 'party' }, 400, 'request.invalid', 'type');
  await bad({ title: '' }, 400, 'request.invalid', 'title');
  await bad({ title: 'x'.repeat(101) }, 400, 'request.invalid', 'title');
  await bad({ starts_at: '2026-11-25' }, 400, 'request.invalid', 'starts_at');
  await bad({ starts_at: '2028-01-01T10:00:00+08:00' }, 400, 'request.invalid', 'starts_at');
  await bad({ ends_at: '2026-11-25T13:00:00+08:00' }, 400, 'request.invalid', 'ends_at');
  await bad({ ends_at: '2026-11-26T03:00:00+08:00' }, 400, 'request.invalid', 'ends_at');
  await bad({ place: undefined }, 400, 'request.invalid', 'place');
  await bad({ invitees: [] }, 400, 'request.invalid', 'invitees');
  await bad({ invitees: [reps[0].id, reps[0].id] }, 400, 'request.invalid', 'invitees[1]');
  await bad({ invitees: [reps[0].id, rep2.id] }, 400, 'request.invalid', 'invitees[1]');
  await bad({ invitees: [reps[0].id, 'x'] }, 400, 'request.invalid', 'invitees[1]');
  await bad({ matter_id: 99999999 }, 400, 'request.invalid', 'matter_id');
  await bad({ unit_id: U.comm2.id }, 404, 'route.not_found');
  await bad({ unit_id: U.comm2.id, invitees: [rep2.id] }, 404, 'route.not_found');
  await bad({ unit_id: U.street1.parent_id }, 404, 'route.not_found');
  await bad({}, 403, 'auth.forbidden', undefined, gridworker);
  await bad({}, 403, 'auth.forbidden', undefined, resident);
  // a street's meeting uses the street's roster, so 龙桥's representatives are not its invitees
  await bad({ unit_id: U.street1.id }, 400, 'request.invalid', 'invitees[0]', changqiao);
});

test('the district cannot hold a meeting of its own', async () => {
  const rootId = U.street1.parent_id;
  assert.ok(rootId, 'fixture: the district root');
  assertError(await district.post('/api/v1/meetings', meetingBody({ unit_id: rootId })), 400, 'request.invalid', 'unit_id');
});

test('a hub leader schedules a meeting of its grid with the community roster', async () => {
  const m = await schedule(hubleader, { unit_id: U.grid1.id, invitees: [reps[1].id, reps[2].id] });
  assert.equal(m.unit_id, U.grid1.id);
  assert.equal(m.invited, 2);
  // the community's staff see it (their subtree); the neighbour does not
  assert.equal((await longqiao.get(`/api/v1/meetings/${m.id}`)).status, 200);
  assertError(await cs2.get(`/api/v1/meetings/${m.id}`), 404, 'route.not_found');
});

// ---- attendance -----------------------------------------------------------------

test('attendance opens on the day of the meeting', async () => {
  const m = await schedule(longqiao, { starts_at: TOMORROW_10 });
  assertError(await longqiao.post(`/api/v1/meetings/${m.id}/attendance`, { present: [reps[0].id] }), 409, 'meeting.not_started');
});

test('attendance names only invitees, and half of those invited is not a quorum', async () => {
  const m = await schedule();
  assertError(await longqiao.post(`/api/v1/meetings/${m.id}/attendance`, { present: [reps[0].id, rep2.id] }), 400, 'request.invalid', 'present[1]');
  assertError(await longqiao.post(`/api/v1/meetings/${m.id}/attendance`, { present: 'all' }), 400, 'request.invalid', 'present');
  assertError(await longqiao.post(`/api/v1/meetings/${m.id}/attendance`, { present: [], x: 1 }), 400, 'request.invalid', 'present');
  const half = await attend(m.id, reps.slice(0, 5).map((r) => r.id));
  assert.deepEqual([half.state, half.invited, half.present, half.quorate], ['held', 10, 5, false]);
  assert.equal(half.invitees.filter((i) => i.present === true).length, 5);
  assert.equal(half.invitees.filter((i) => i.present === false).length, 5);
  assert.ok(half.held_at);
  // before any vote the list may be sent again: six of ten is a quorum
  const six = await attend(m.id, reps.slice(0, 6).map((r) => r.id));
  assert.deepEqual([six.state, six.present, six.quorate], ['held', 6, true]);
});

// ---- proposals and votes ---------------------------------------------------------

let held; // a quorate meeting: 10 invited, 6 present
let pTie, pMajority, pRaced;

test('proposals are raised only in a held meeting', async () => {
  const m = await schedule();
  assertError(await longqiao.post(`/api/v1/meetings/${m.id}/proposals`, { title: '增设限高杆' }), 409, 'meeting.invalid_state');
  held = await attend(m.id, reps.slice(0, 6).map((r) => r.id));
  assertError(await longqiao.post(`/api/v1/meetings/${m.id}/proposals`, { title: '' }), 400, 'request.invalid', 'title');
  assertError(await longqiao.post(`/api/v1/meetings/${m.id}/proposals`, { title: 'x', proposer_id: rep2.id }), 400, 'request.invalid', 'proposer_id');
  pTie = await propose(m.id, '设置货车禁行标志', { text: '在村道入口设置禁行标志', proposer_id: reps[0].id });
  assert.deepEqual([pTie.meeting_id, pTie.proposer_id, pTie.proposer_name, pTie.for, pTie.passed], [m.id, reps[0].id, '测试居民代表甲', 0, false]);
  pMajority = await propose(m.id, '增设可开启式限高杆');
  pRaced = await propose(m.id, '安排志愿者巡查');
  for (const p of [pTie, pMajority, pRaced]) proposalMeetings.set(p.id, m.id);
  assertError(await cs2.post(`/api/v1/meetings/${m.id}/proposals`, { title: 'x' }), 404, 'route.not_found');
});

test('half of those present voting for is not a majority; one more is', async () => {
  const tie = await votes(pTie.id, [[reps[0].id, 'for'], [reps[1].id, 'for'], [reps[2].id, 'for'],
    [reps[3].id, 'against'], [reps[4].id, 'abstain'], [reps[5].id, 'against']]);
  assert.deepEqual([tie.for, tie.against, tie.abstain, tie.votes_cast, tie.passed], [3, 2, 1, 6, false]);
  const maj = await votes(pMajority.id, [[reps[0].id, 'for'], [reps[1].id, 'for'], [reps[2].id, 'for'], [reps[3].id, 'for']]);
  assert.deepEqual([maj.for, maj.passed], [4, true]);
  assert.deepEqual(maj.votes.map((v) => v.vote), ['for', 'for', 'for', 'for']);
});

test('only present invitees vote, once each, with a known vote', async () => {
  assertError(await vote(pMajority.id, reps[7].id, 'for'), 409, 'meeting.not_present'); // invited, absent
  assertError(await vote(pMajority.id, rep2.id, 'for'), 409, 'meeting.not_present'); // not invited
  assertError(await vote(pMajority.id, reps[0].id, 'against'), 409, 'meeting.already_voted');
  assertError(await vote(pMajority.id, reps[5].id, 'yes'), 400, 'request.invalid', 'vote');
  assertError(await longqiao.post(`/api/v1/proposals/${pMajority.id}/votes`, { vote: 'for' }), 400, 'request.invalid', 'representative_id');
  assertError(await vote(99999999, reps[5].id, 'for'), 404, 'route.not_found');
  assertError(await vote(pMajority.id, reps[5].id, 'for', cs2), 404, 'route.not_found');
  assertError(await vote(pMajority.id, reps[5].id, 'for', gridworker), 403, 'auth.forbidden');
});

test('twenty raced votes of one representative leave exactly one', async () => {
  const all = await Promise.all(Array.from({ length: 20 }, (_, i) => vote(pRaced.id, reps[5].id, i % 2 ? 'for' : 'against')));
  const codes = all.map((r) => r.status).sort();
  assert.equal(codes.filter((s) => s === 201).length, 1, JSON.stringify(all.map((r) => r.body)));
  assert.ok(all.filter((r) => r.status !== 201).every((r) => r.status === 409 && r.body.error.code === 'meeting.already_voted'));
  const m = await longqiao.get(`/api/v1/meetings/${held.id}`);
  assert.equal(m.body.proposals.find((p) => p.id === pRaced.id).votes_cast, 1);
});

test('attendance cannot change once a vote is cast', async () => {
  assertError(await longqiao.post(`/api/v1/meetings/${held.id}/attendance`, { present: reps.map((r) => r.id) }), 409, 'meeting.votes_cast');
});

test('nothing passes in a meeting without a quorum, even unanimously', async () => {
  const m = await schedule();
  await attend(m.id, reps.slice(0, 5).map((r) => r.id));
  const p = await propose(m.id, '全体同意的议案');
  proposalMeetings.set(p.id, m.id);
  const t = await votes(p.id, reps.slice(0, 5).map((r) => [r.id, 'for']));
  assert.deepEqual([t.for, t.passed], [5, false]);
  assertError(await longqiao.post(`/api/v1/meetings/${m.id}/resolution`, { text: '决议', adopted: [p.id] }), 409, 'meeting.not_passed');
  // closed without adopting anything: the record of a meeting that failed
  const r = await longqiao.post(`/api/v1/meetings/${m.id}/resolution`, { text: '未达到法定人数，议案未通过' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual([r.body.state, r.body.passed, r.body.quorate], ['closed', false, false]);
});

// ---- the resolution --------------------------------------------------------------

test('the resolution checks what it adopts, names and creates', async () => {
  const url = `/api/v1/meetings/${held.id}/resolution`;
  assertError(await longqiao.post(url, { text: '' }), 400, 'request.invalid', 'text');
  const nt = await longqiao.post(url, { text: '决议', adopted: [pTie.id] });
  assertError(nt, 409, 'meeting.not_passed');
  assert.equal(nt.body.error.details.proposal_id, pTie.id);
  const other = await schedule();
  assertError(await longqiao.post(`/api/v1/meetings/${other.id}/resolution`, { text: '决议' }), 409, 'meeting.invalid_state');
  assertError(await longqiao.post(url, { text: '决议', adopted: [pTie.id + 100000] }), 400, 'request.invalid', 'adopted[0]');
  assertError(await longqiao.post(url, { text: '决议', project: { title: 'x', type: 'environment', goal: 'y', budget_fen: 1 } }), 409, 'meeting.no_adopted');
  assertError(await longqiao.post(url, { text: '决议', adopted: [pMajority.id], project: { title: 'x', type: 'road', goal: 'y', budget_fen: 1 } }), 400, 'request.invalid', 'project.type');
  assertError(await longqiao.post(url, { text: '决议', appointees: [{ name: '李四' }] }), 400, 'request.invalid', 'appointees[0].role');
  assertError(await longqiao.post(url, { text: '决议', appointees: [{ name: '李四', role: '管理员', representative_id: rep2.id }] }), 400, 'request.invalid', 'appointees[0]');
  assertError(await longqiao.post(url, { text: '决议', photos: ['0'.repeat(64)] }), 400, 'request.invalid');
  // nothing of the refused attempts was kept
  const still = await longqiao.get(`/api/v1/meetings/${held.id}`);
  assert.equal(still.body.state, 'held');
  assert.ok(still.body.proposals.every((p) => !p.adopted));
});

test('a resolution adopts the passed proposal, appoints, creates a project and closes the meeting', async () => {
  const photo = await srv.fetch('/api/v1/attachments', { method: 'POST', headers: { 'content-type': 'image/png' }, body: png(8, 8) });
  assert.equal(photo.status, 201);
  const photoId = (await photo.json()).id;
  const r = await longqiao.post(`/api/v1/meetings/${held.id}/resolution`, {
    text: '在村道入口增设可开启式限高杆，由村民管理员负责开启。', minutes: '会议纪要……', adopted: [pMajority.id],
    appointees: [{ name: '王五', role: '限高杆管理员', representative_id: reps[1].id }, { name: '赵六', role: '巡查员' }],
    photos: [photoId],
    project: { title: '增设可开启式限高杆', type: 'environment', goal: '防止货车占道', budget_fen: 800000 },
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const m = r.body;
  assert.deepEqual([m.state, m.passed, m.quorate], ['closed', true, true]);
  assert.ok(m.closed_at);
  assert.deepEqual(m.resolution.adopted, [pMajority.id]);
  assert.deepEqual(m.resolution.photos, [photoId]);
  assert.deepEqual(m.resolution.appointees, [{ name: '王五', role: '限高杆管理员', representative_id: reps[1].id },
    { name: '赵六', role: '巡查员', representative_id: null }]);
  assert.equal(m.proposals.find((p) => p.id === pMajority.id).adopted, true);
  const p = await longqiao.get(`/api/v1/projects/${m.resolution.project_id}`);
  assert.equal(p.status, 200, JSON.stringify(p.body));
  assert.deepEqual([p.body.state, p.body.title, p.body.budget_fen, p.body.year], ['proposed', '增设可开启式限高杆', 800000, 2026]);
  // closed is final
  assertError(await longqiao.post(`/api/v1/meetings/${held.id}/resolution`, { text: '再来一次' }), 409, 'meeting.invalid_state');
  assertError(await vote(pRaced.id, reps[4].id, 'for'), 409, 'meeting.invalid_state');
  assertError(await longqiao.post(`/api/v1/meetings/${held.id}/proposals`, { title: 'x' }), 409, 'meeting.invalid_state');
  assertError(await longqiao.post(`/api/v1/meetings/${held.id}/cancel`, { reason: 'x' }), 409, 'meeting.invalid_state');
});

test('two raced resolutions close the meeting once', async () => {
  const m = await schedule();
  await attend(m.id, reps.slice(0, 6).map((r) => r.id));
  const all = await Promise.all(Array.from({ length: 8 }, (_, i) => longqiao.post(`/api/v1/meetings/${m.id}/resolution`, { text: `决议 ${i}` })));
  assert.equal(all.filter((r) => r.status === 200).length, 1);
  assert.ok(all.filter((r) => r.status !== 200).every((r) => r.body.error.code === 'meeting.invalid_state'));
});

// ---- cancelling, venues ---------------------------------------------------------------

async function meetingRoom() {
  const r = await longqiao.get(`/api/v1/venues?unit=${U.comm1.id}&limit=100`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const v = r.body.items.find((x) => x.name.includes('会议室'));
  assert.ok(v, 'fixture: the meeting room');
  return v;
}

test('a meeting at a venue books it, and cancelling frees it', async () => {
  const v = await meetingRoom();
  const at = { venue_id: v.id, place: undefined, starts_at: '2026-11-26T14:00:00+08:00', ends_at: '2026-11-26T16:00:00+08:00' };
  const m = await schedule(longqiao, at);
  assert.equal(m.venue_id, v.id);
  assert.equal(m.place, v.name);
  assert.ok(m.booking_id);
  assert.equal((await longqiao.get(`/api/v1/bookings/${m.booking_id}`)).body.status, 'approved');
  assertError(await longqiao.post('/api/v1/meetings', meetingBody(at)), 409, 'booking.conflict');
  assertError(await longqiao.post('/api/v1/meetings', meetingBody({ ...at, starts_at: '2026-11-26T12:00:00+08:00', ends_at: '2026-11-26T13:00:00+08:00' })), 409, 'booking.closed');
  assertError(await longqiao.post('/api/v1/meetings', meetingBody({ ...at, ends_at: undefined })), 400, 'request.invalid', 'ends_at');
  assertError(await longqiao.post('/api/v1/meetings', meetingBody({ ...at, starts_at: '2026-11-25T08:00:00+08:00', ends_at: '2026-11-25T09:00:00+08:00' })), 400, 'request.invalid', 'starts_at');
  assertError(await longqiao.post(`/api/v1/meetings/${m.id}/cancel`, {}), 400, 'request.invalid', 'reason');
  const c = await longqiao.post(`/api/v1/meetings/${m.id}/cancel`, { reason: '台风停会' });
  assert.equal(c.status, 200, JSON.stringify(c.body));
  assert.deepEqual([c.body.state, c.body.cancel_reason], ['cancelled', '台风停会']);
  assert.ok(c.body.cancelled_at);
  assert.equal((await longqiao.get(`/api/v1/bookings/${m.booking_id}`)).body.status, 'cancelled');
  assertError(await longqiao.post(`/api/v1/meetings/${m.id}/cancel`, { reason: '再取消' }), 409, 'meeting.invalid_state');
  assertError(await longqiao.post(`/api/v1/meetings/${m.id}/attendance`, { present: [] }), 409, 'meeting.invalid_state');
  // the slot is free again
  const again = await schedule(longqiao, at);
  assert.ok(again.booking_id);
  const msgs = await resident.get('/api/v1/messages');
  assert.ok(msgs.body.items.some((x) => x.kind === 'meeting' && x.title.startsWith('会议取消')));
});

// ---- lists and scope ------------------------------------------------------------------

test("a community's staff never see another community's meetings", async () => {
  const mine = await schedule(cs2, { unit_id: U.comm2.id, invitees: [rep2.id], title: '邻社区协调会', type: 'coordination' });
  assertError(await longqiao.get(`/api/v1/meetings/${mine.id}`), 404, 'route.not_found');
  assertError(await longqiao.post(`/api/v1/meetings/${mine.id}/cancel`, { reason: 'x' }), 404, 'route.not_found');
  assertError(await longqiao.post(`/api/v1/meetings/${mine.id}/attendance`, { present: [] }), 404, 'route.not_found');
  assertError(await longqiao.post(`/api/v1/meetings/${mine.id}/resolution`, { text: 'x' }), 404, 'route.not_found');
  const list = await longqiao.get('/api/v1/meetings?limit=500');
  assert.equal(list.status, 200);
  assert.ok(list.body.items.length > 5);
  assert.ok(list.body.items.every((m) => m.unit_id !== U.comm2.id));
  const theirs = await cs2.get('/api/v1/meetings?limit=500');
  assert.ok(theirs.body.items.some((m) => m.id === mine.id));
  assert.ok(theirs.body.items.every((m) => m.unit_id !== U.comm1.id));
  assertError(await longqiao.get(`/api/v1/meetings?unit=${U.comm2.id}`), 404, 'route.not_found');
  const street = await changqiao.get(`/api/v1/meetings?unit=${U.comm2.id}&limit=500`);
  assert.ok(street.body.items.some((m) => m.id === mine.id));
});

test('the list filters by type, state and day and pages by cursor', async () => {
  const closed = await longqiao.get('/api/v1/meetings?state=closed&limit=500');
  assert.ok(closed.body.items.length >= 2 && closed.body.items.every((m) => m.state === 'closed'));
  assert.ok(closed.body.items.every((m) => !('invitees' in m) && !('proposals' in m)));
  const hearings = await longqiao.get('/api/v1/meetings?type=hearing');
  assert.ok(hearings.body.items.length >= 2 && hearings.body.items.every((m) => m.type === 'hearing'));
  const tomorrow = await longqiao.get('/api/v1/meetings?from=2026-11-26&to=2026-11-26');
  assert.ok(tomorrow.body.items.length >= 2 && tomorrow.body.items.every((m) => m.starts_at.startsWith('2026-11-26')));
  const p1 = await longqiao.get('/api/v1/meetings?limit=2');
  assert.equal(p1.body.items.length, 2);
  const p2 = await longqiao.get(`/api/v1/meetings?limit=2&cursor=${p1.body.next_cursor}`);
  assert.ok(p2.body.items[0].id < p1.body.items[1].id);
  assertError(await longqiao.get('/api/v1/meetings?state=open'), 400, 'request.invalid', 'state');
  assertError(await longqiao.get('/api/v1/meetings?type=x'), 400, 'request.invalid', 'type');
  assertError(await longqiao.get('/api/v1/meetings?from=26-11-2026'), 400, 'request.invalid', 'from');
  assertError(await resident.get('/api/v1/meetings'), 403, 'auth.forbidden');
});

// ---- under units -------------------------------------------------------------------

test('a grid meeting moves with its grid and keeps it from being deleted', async () => {
  const g = await district.post('/api/v1/units', { parent_id: U.comm1.id, name: '议事测试网格' });
  assert.equal(g.status, 201, JSON.stringify(g.body));
  const m = await schedule(longqiao, { unit_id: g.body.id, invitees: [reps[0].id] });
  assertError(await district.del(`/api/v1/units/${g.body.id}`), 409, 'unit.not_empty');
  const moved = await district.post(`/api/v1/units/${g.body.id}/move`, { parent_id: U.comm2.id });
  assert.equal(moved.status, 200, JSON.stringify(moved.body));
  assertError(await longqiao.get(`/api/v1/meetings/${m.id}`), 404, 'route.not_found');
  const seen = await cs2.get(`/api/v1/meetings?unit=${g.body.id}`);
  assert.deepEqual(seen.body.items.map((x) => x.id), [m.id]);
});

test('a community with a roster is not deleted', async () => {
  const c = await district.post('/api/v1/units', { parent_id: U.street1.id, name: '议事测试社区' });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const r = await addRep(changqiao, { unit_id: c.body.id, name: '新社区代表', kind: 'resident' });
  assertError(await district.del(`/api/v1/units/${c.body.id}`), 409, 'unit.not_empty');
  assert.equal((await changqiao.get(`/api/v1/representatives/${r.id}`)).status, 200);
});

// ---- the demo ------------------------------------------------------------------------

test("the demo's 泾峰社区 一事一议 and 家天下社区 家园议事会", async (t) => {
  const yy = await district.get('/api/v1/meetings?type=yishi_yiyi&state=closed&limit=500');
  const jf = yy.body.items.find((m) => m.unit_name === '泾峰社区');
  if (!jf) return t.skip('shuniu demo does not call demo_meetings() yet');
  const m = (await district.get(`/api/v1/meetings/${jf.id}`)).body;
  assert.deepEqual([m.invited, m.present, m.quorate, m.passed], [25, 22, true, true]);
  assert.equal(m.invitees.filter((i) => i.kind === 'party_member').length + m.invitees.filter((i) => i.kind === 'resident').length, 25);
  assert.equal(m.proposals.length, 6);
  assert.deepEqual(m.proposals.filter((p) => p.passed).map((p) => p.title), ['增设可开启式限高杆']);
  assert.deepEqual(m.proposals.filter((p) => p.adopted).map((p) => p.title), ['增设可开启式限高杆']);
  const edge = m.proposals.find((p) => p.title === '划定货车临时停放区');
  assert.deepEqual([edge.for, edge.passed], [11, false]); // 11 of 22 present is not more than half
  assert.equal(m.resolution.appointees.length, 4);
  assert.match(m.resolution.text, /管理规则/);
  const hc = await district.get('/api/v1/meetings?type=homeland_council&state=closed&limit=500');
  const jtx = hc.body.items.find((x) => x.unit_name === '家天下社区');
  const full = (await district.get(`/api/v1/meetings/${jtx.id}`)).body;
  assert.ok(full.invitees.filter((i) => i.kind === 'organisation').map((i) => i.organisation).includes('家天下小区业主委员会'));
  const p = await district.get(`/api/v1/projects/${full.resolution.project_id}`);
  assert.deepEqual([p.status, p.body.title], [200, '家天下小区污水管道更换']);
});

test('who voted how is not for org:read alone: departments, property companies, volunteers and the system administrator read no roster, meeting, matter or committee', async () => {
  for (const who of ['department', 'property', 'volunteer', 'sysadmin']) {
    const s = await srv.login(who);
    for (const path of ['/api/v1/representatives', `/api/v1/representatives/${reps[0].id}`, '/api/v1/meetings',
      '/api/v1/matters', '/api/v1/joint-committees', '/api/v1/organisations']) {
      const r = await s.get(path);
      assert.equal(r.status, 403, `${who} ${path}: ${r.status}`);
      assert.equal(r.body.error.code, 'auth.forbidden');
    }
  }
  // the grid's own staff still read them
  assert.equal((await gridworker.get('/api/v1/representatives')).status, 200);
});

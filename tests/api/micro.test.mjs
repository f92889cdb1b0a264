// 微实事: a round per community with a budget and two windows; residents of the
// community propose, staff admit (with a costed estimate) or decline (with a
// reason), residents vote once each within the budget, the results follow the
// documented rule (most votes first, ties by lower cost then lower id, skipping
// what no longer fits), and publishing makes the chosen proposals projects.
// All on a community made here, so every count below is counted by hand; the
// windows are moved through on the test clock.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDistrict, addUser, login } from './lib/district.mjs';
import { png } from './lib/images.mjs';

const PASSWORD = 'Micro-Passw0rd-7';
let srv, admin, mstaff, ostaff, auditor, demoResident;
let street, comm, comm2, grid;
const V = {}; // resident clients by name: v1..v6 in comm, x in comm2, u unbound
const P = {}; // proposal ids
let R; // the main round
let T0; // the server's time at the start (ms)

const iso = (ms) => new Date(ms).toISOString();
const H = 3600e3, D = 24 * H;
async function serverTime() {
  return new Date((await srv.json('/api/v1/meta')).body.server_time).getTime();
}

async function signIn() {
  admin = await srv.login('district');
  mstaff = await srv.login('mstaff');
  ostaff = await srv.login('ostaff');
  auditor = await srv.login('auditor');
  demoResident = await srv.login('resident');
  for (const k of Object.keys(V)) {
    const phone = V[k].phone;
    V[k] = await login(srv, phone, PASSWORD);
    V[k].phone = phone;
  }
}
// Move the server's clock to T0 + ms; idle sessions end, so sign in again.
async function moveTo(ms) {
  const secs = Math.round((T0 + ms - (await serverTime())) / 1000);
  assert.ok(secs > 0, 'the clock only moves forward');
  assert.equal((await srv.post('/api/v1/_test/clock', { advance_seconds: secs })).status, 200);
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
// A resident account from self-registration, confirmed into a household (or not at all).
async function registered(phone, name, gridId, householdId) {
  const r = await srv.post('/api/v1/registrations', { phone, name, password: PASSWORD, unit_id: gridId, address: '1幢' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  if (householdId) {
    const c = await admin.post(`/api/v1/registrations/${r.body.id}/confirm`, { household_id: householdId });
    assert.equal(c.status, 200, JSON.stringify(c.body));
  }
  const client = await login(srv, phone, PASSWORD);
  client.phone = phone;
  return client;
}

function roundBody(over = {}) {
  // proposals from an hour ago for a day; voting from day 2 to day 4
  return {
    unit_id: comm.id, title: '2026年第一轮微实事', budget_fen: 100000,
    proposal_start: iso(T0 - H), proposal_end: iso(T0 + D),
    voting_start: iso(T0 + 2 * D), voting_end: iso(T0 + 4 * D), ...over,
  };
}

before(async () => {
  srv = await startDistrict();
  admin = await srv.login('district');
  street = (await srv.login('changqiao')).user.unit;
  comm = await unit(street.id, '微实事测试社区');
  grid = await unit(comm.id, '微实事第一网格');
  const building = await unit(grid.id, '1幢');
  comm2 = await unit(street.id, '微实事邻社区');
  const grid2 = await unit(comm2.id, '邻网格');
  const building2 = await unit(grid2.id, '2幢');
  addUser(srv.data.dir, 'mstaff', 'community_staff', comm.code);
  addUser(srv.data.dir, 'ostaff', 'community_staff', comm2.code);
  for (let i = 1; i <= 6; i++) {
    const h = await household(building.id, `10${i}`);
    V[`v${i}`] = await registered(`1990000700${i}`, `居民${i}`, grid.id, h);
  }
  V.x = await registered('19900007101', '邻居', grid2.id, await household(building2.id, '201'));
  V.u = await registered('19900007102', '未绑定', grid.id, null);
  T0 = await serverTime();
  await signIn();
});

after(async () => {
  const r = await srv.stop();
  assert.equal(r.code, 0, srv.log().slice(-3000));
});

test('the demo: 龙桥社区 has a round in its voting window that the demo resident may vote in', async () => {
  const list = (await demoResident.get('/api/v1/micro-rounds')).body.items;
  const round = list.find((x) => x.unit.name === '龙桥社区');
  assert.ok(round, JSON.stringify(list));
  assert.equal(round.state, 'voting');
  assert.equal(round.budget_fen, 10000000);
  assert.equal(round.counts.admitted, 6);
  const one = (await demoResident.get(`/api/v1/micro-rounds/${round.id}`)).body;
  assert.equal(one.can_vote, true);
  assert.equal(one.my_ballot, null);
  assert.equal(one.proposals.length, 6);
  assert.ok(one.proposals.some((p) => p.title === '楼道灯更换'));
  const staff = (await (await srv.login('longqiao')).get(`/api/v1/micro-rounds/${round.id}`)).body;
  assert.ok(staff.proposals.some((p) => p.status === 'declined' && p.decline_reason));
});

test('staff create a round for a community in scope; windows must be ordered, the unit a community', async () => {
  const r = await mstaff.post('/api/v1/micro-rounds', roundBody());
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.state, 'proposing');
  R = r.body.id;
  const bad = async (over, field) => {
    const b = await mstaff.post('/api/v1/micro-rounds', roundBody(over));
    assert.equal(b.status, 400, JSON.stringify(over));
    assert.equal(b.body.error.code, 'request.invalid');
    assert.equal(b.body.error.details.field, field);
  };
  await bad({ proposal_end: iso(T0 - 2 * H) }, 'proposal_end');
  await bad({ voting_start: iso(T0 + D - H) }, 'voting_start');
  await bad({ voting_end: iso(T0 + 2 * D) }, 'voting_end');
  await bad({ voting_end: '2026-12-01' }, 'voting_end');
  await bad({ budget_fen: 0 }, 'budget_fen');
  await bad({ title: '' }, 'title');
  await bad({ unit_id: grid.id }, 'unit_id');
  await bad({ extra: 1 }, 'extra');
  // another community's staff: outside their scope, as if absent; residents may not
  assert.equal((await ostaff.post('/api/v1/micro-rounds', roundBody())).status, 404);
  assert.equal((await V.v1.post('/api/v1/micro-rounds', roundBody())).status, 403);
  const rows = (await auditor.get('/api/v1/audit?action=micro.round_create')).body.items;
  assert.ok(rows.some((a) => String(a.object_id) === String(R)));
});

test('rounds are listed for staff in scope and for residents of the community only', async () => {
  const mine = (await mstaff.get('/api/v1/micro-rounds')).body.items;
  assert.ok(mine.some((x) => x.id === R));
  const one = mine.find((x) => x.id === R);
  assert.equal(one.unit.id, comm.id);
  assert.equal(one.budget_fen, 100000);
  assert.match(one.voting_end, /\+08:00$/);
  assert.ok(!(await ostaff.get('/api/v1/micro-rounds')).body.items.some((x) => x.id === R));
  assert.equal((await ostaff.get(`/api/v1/micro-rounds/${R}`)).status, 404);
  assert.equal((await ostaff.get(`/api/v1/micro-rounds?unit=${comm.id}`)).status, 404);
  assert.ok((await V.v1.get('/api/v1/micro-rounds')).body.items.some((x) => x.id === R));
  assert.ok(!(await V.x.get('/api/v1/micro-rounds')).body.items.some((x) => x.id === R));
  assert.equal((await V.x.get(`/api/v1/micro-rounds/${R}`)).status, 404);
  const seen = await V.v1.get(`/api/v1/micro-rounds/${R}`);
  assert.equal(seen.status, 200);
  assert.equal(seen.body.can_vote, true);
  assert.equal(seen.body.my_ballot, null);
});

test('residents of the community propose in the proposal window; staff, neighbours and unbound accounts are refused', async () => {
  const body = (title, estimate_fen) => ({ title, description: `${title}：居民提议，请社区评估。`, estimate_fen });
  const ps = [['楼道灯更换', 30000], ['健身器材', 50000], ['小区停车线', 60000], ['垃圾分类亭', 10000],
    ['儿童滑梯', 20000], ['外墙涂鸦', 5000], ['宠物乐园', 90000]];
  const who = [V.v1, V.v2, V.v3, V.v4, V.v5, V.v1, V.v2];
  const up = await srv.fetch('/api/v1/attachments', { method: 'POST', headers: { 'content-type': 'image/png' }, body: png(8, 8) });
  assert.equal(up.status, 201);
  const photo = (await up.json()).id;
  for (let i = 0; i < ps.length; i++) {
    const r = await who[i].post(`/api/v1/micro-rounds/${R}/proposals`, { ...body(...ps[i]), ...(i === 0 ? { photos: [photo] } : {}) });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.status, 'submitted');
    P[i + 1] = r.body.id;
  }
  for (const c of [mstaff, V.x, V.u, demoResident]) {
    const r = await c.post(`/api/v1/micro-rounds/${R}/proposals`, body('x', 1));
    assert.equal(r.status, 403, JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'micro.not_resident');
  }
  const b = await V.v1.post(`/api/v1/micro-rounds/${R}/proposals`, { title: 'x', description: 'y', estimate_fen: -1 });
  assert.equal(b.body.error.details.field, 'estimate_fen');
  const ph = await V.v1.post(`/api/v1/micro-rounds/${R}/proposals`, { ...body('x', 1), photos: ['0'.repeat(64)] });
  assert.equal(ph.body.error.details.field, 'photos');
  assert.equal((await V.v1.post('/api/v1/micro-rounds/999999/proposals', body('x', 1))).status, 404);
  // voting has not opened: a ballot now is refused with the window
  const early = await V.v1.post(`/api/v1/micro-rounds/${R}/ballots`, { proposal_ids: [P[1]] });
  assert.equal(early.status, 409);
  assert.equal(early.body.error.code, 'micro.window_closed');
  assert.match(early.body.error.details.opens_at, /\+08:00$/);
  // a round whose proposal window has not opened
  const later = await mstaff.post('/api/v1/micro-rounds', roundBody({ title: '下一轮', proposal_start: iso(T0 + 30 * D),
    proposal_end: iso(T0 + 31 * D), voting_start: iso(T0 + 32 * D), voting_end: iso(T0 + 33 * D) }));
  assert.equal(later.body.state, 'upcoming');
  const r = await V.v1.post(`/api/v1/micro-rounds/${later.body.id}/proposals`, body('x', 1));
  assert.equal(r.status, 409);
  assert.equal(r.body.error.code, 'micro.window_closed');
});

test('staff admit with a costed estimate or decline with a reason, once; others may not', async () => {
  const act = (c, id, body) => c.post(`/api/v1/micro-proposals/${id}/actions`, body);
  // cost_fen: the costed estimate (may differ from the resident's)
  const costs = { 1: 60000, 2: 50000, 3: 30000, 4: 10000, 5: 20000 };
  for (const [k, cost] of Object.entries(costs)) {
    const r = await act(mstaff, P[k], { action: 'admit', cost_fen: cost });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.status, 'admitted');
    assert.equal(r.body.cost_fen, cost);
  }
  assert.equal((await act(mstaff, P[6], { action: 'admit' })).body.error.details.field, 'cost_fen');
  assert.equal((await act(mstaff, P[6], { action: 'decline' })).body.error.details.field, 'reason');
  assert.equal((await act(mstaff, P[6], { action: 'decline', reason: '' })).body.error.details.field, 'reason');
  assert.equal((await act(mstaff, P[6], { action: 'merge' })).body.error.details.field, 'action');
  const d = await act(mstaff, P[6], { action: 'decline', reason: '外墙属于公共维修基金范围' });
  assert.equal(d.status, 200);
  assert.equal(d.body.status, 'declined');
  const again = await act(mstaff, P[6], { action: 'admit', cost_fen: 1 });
  assert.equal(again.status, 409);
  assert.equal(again.body.error.code, 'micro.invalid_state');
  assert.equal(again.body.error.details.status, 'declined');
  assert.equal((await act(ostaff, P[7], { action: 'admit', cost_fen: 1 })).status, 404);
  assert.equal((await act(V.v1, P[7], { action: 'admit', cost_fen: 1 })).status, 403);
  // P[7] stays submitted: never admitted, never in the results
  const rows = (await auditor.get('/api/v1/audit?action=micro.decline')).body.items;
  assert.ok(rows.some((a) => String(a.object_id) === String(P[6])));
});

test('staff see every proposal with its proposer; residents the admitted ones and their own, never a proposer', async () => {
  const s = (await mstaff.get(`/api/v1/micro-rounds/${R}`)).body;
  assert.equal(s.proposals.length, 7);
  const p1 = s.proposals.find((p) => p.id === P[1]);
  assert.equal(p1.proposer.account_id, V.v1.user.id);
  assert.equal(p1.cost_fen, 60000);
  assert.equal(p1.photos.length, 1);
  assert.match(p1.photos[0], /^[0-9a-f]{64}$/);
  assert.equal(p1.estimate_fen, 30000); // the resident's estimate; staff costed it higher
  assert.equal(s.proposals.find((p) => p.id === P[6]).decline_reason, '外墙属于公共维修基金范围');
  assert.equal(s.counts.admitted, 5);
  const r3 = (await V.v3.get(`/api/v1/micro-rounds/${R}`)).body;
  assert.deepEqual(r3.proposals.map((p) => p.id).sort((a, b) => a - b), [P[1], P[2], P[3], P[4], P[5]]);
  assert.ok(r3.proposals.every((p) => !('proposer' in p)));
  assert.equal(r3.proposals.find((p) => p.id === P[3]).mine, true);
  // v2 sees their own submitted one (7) besides the admitted
  const r2 = (await V.v2.get(`/api/v1/micro-rounds/${R}`)).body;
  assert.ok(r2.proposals.some((p) => p.id === P[7] && p.status === 'submitted' && p.mine));
  assert.ok(!r2.proposals.some((p) => p.id === P[6]));
  assert.ok(!JSON.stringify(r3).includes('居民1'));
  // no results before the voting window closes, signed in or not
  const early = await srv.json(`/api/v1/micro-rounds/${R}/results`);
  assert.equal(early.status, 409);
  assert.equal(early.body.error.code, 'micro.results_not_ready');
});

test('after the proposal window no proposals; after voting opens no decisions', async () => {
  await moveTo(2 * D + H); // voting is open
  const r = await V.v1.post(`/api/v1/micro-rounds/${R}/proposals`, { title: '迟到的提议', description: '晚了', estimate_fen: 1 });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.code, 'micro.window_closed');
  const d = await mstaff.post(`/api/v1/micro-proposals/${P[7]}/actions`, { action: 'admit', cost_fen: 1 });
  assert.equal(d.status, 409);
  assert.equal(d.body.error.code, 'micro.invalid_state');
  assert.equal((await mstaff.get(`/api/v1/micro-rounds/${R}`)).body.state, 'voting');
});

test('only residents of the community vote: staff, a neighbour, the demo resident and an unbound account are 403', async () => {
  for (const c of [mstaff, admin, V.x, demoResident, V.u]) {
    const r = await c.post(`/api/v1/micro-rounds/${R}/ballots`, { proposal_ids: [P[4]] });
    assert.equal(r.status, 403, JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'micro.not_resident');
  }
  assert.equal((await V.x.get(`/api/v1/micro-rounds/${R}`)).status, 404);
});

test('a ballot chooses admitted proposals of the round, each once, within the budget', async () => {
  const vote = (ids) => V.v1.post(`/api/v1/micro-rounds/${R}/ballots`, { proposal_ids: ids });
  const over = await vote([P[1], P[2]]); // 60000 + 50000 > 100000
  assert.equal(over.status, 409);
  assert.equal(over.body.error.code, 'micro.over_budget');
  assert.equal(over.body.error.details.total_fen, 110000);
  assert.equal(over.body.error.details.budget_fen, 100000);
  for (const bad of [[P[6]], [P[7]], [P[4], 999999]]) {
    const r = await vote(bad);
    assert.equal(r.status, 400, JSON.stringify(bad));
    assert.equal(r.body.error.code, 'micro.invalid_choice');
  }
  assert.equal((await vote([])).body.error.details.field, 'proposal_ids');
  assert.equal((await vote([P[4], P[4]])).body.error.details.field, 'proposal_ids');
  assert.equal((await vote(['x'])).body.error.details.field, 'proposal_ids');
  assert.equal((await V.v1.post(`/api/v1/micro-rounds/${R}/ballots`, {})).body.error.details.field, 'proposal_ids');
  // exactly the budget is fine
  const ok = await vote([P[1], P[3], P[4]]);
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  assert.equal(ok.body.total_fen, 100000);
  const mine = (await V.v1.get(`/api/v1/micro-rounds/${R}`)).body.my_ballot;
  assert.deepEqual(mine.proposal_ids, [P[1], P[3], P[4]].sort((a, b) => a - b));
});

test('one ballot per resident: a second is 409 micro.already_voted', async () => {
  const r = await V.v1.post(`/api/v1/micro-rounds/${R}/ballots`, { proposal_ids: [P[2]] });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.code, 'micro.already_voted');
  for (const [c, ids] of [[V.v2, [P[1], P[3]]], [V.v3, [P[2], P[3]]], [V.v4, [P[2]]], [V.v5, [P[2]]]]) {
    const b = await c.post(`/api/v1/micro-rounds/${R}/ballots`, { proposal_ids: ids });
    assert.equal(b.status, 201, JSON.stringify(b.body));
  }
  const rows = (await auditor.get('/api/v1/audit?action=micro.vote')).body.items;
  assert.ok(rows.length >= 5);
});

test('twenty simultaneous ballots from one resident store exactly one', async () => {
  const all = await Promise.all(Array.from({ length: 20 }, () =>
    V.v6.post(`/api/v1/micro-rounds/${R}/ballots`, { proposal_ids: [P[5]] })));
  const codes = all.map((r) => r.status);
  assert.equal(codes.filter((s) => s === 201).length, 1, JSON.stringify(codes));
  assert.equal(codes.filter((s) => s === 409).length, 19, JSON.stringify(all.map((r) => r.body)));
  assert.ok(all.filter((r) => r.status === 409).every((r) => r.body.error.code === 'micro.already_voted'));
  assert.equal((await mstaff.get(`/api/v1/micro-rounds/${R}`)).body.counts.ballots, 6);
});

test('after the voting window: no ballots; public results follow the rule, skipping what no longer fits', async () => {
  await moveTo(4 * D + H);
  const late = await V.v2.post(`/api/v1/micro-rounds/${R}/ballots`, { proposal_ids: [P[4]] });
  assert.equal(late.body.error.code, 'micro.window_closed');
  // votes: 1 楼道灯 2 (60000), 2 健身器材 3 (50000), 3 停车线 3 (30000), 4 垃圾亭 1 (10000), 5 滑梯 1 (20000)
  // rank: 3 (3 votes, cheaper) · 2 · 1 · 4 (1 vote, cheaper) · 5
  // budget 100000: take 3 (70000 left), take 2 (20000 left), skip 1, take 4 (10000 left), skip 5
  const r = await srv.json(`/api/v1/micro-rounds/${R}/results`); // no sign-in
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.published, false);
  assert.equal(r.body.ballots, 6);
  assert.equal(r.body.round.state, 'closed');
  assert.deepEqual(r.body.items.map((i) => i.id), [P[3], P[2], P[1], P[4], P[5]]);
  assert.deepEqual(r.body.items.map((i) => i.votes), [3, 3, 2, 1, 1]);
  assert.deepEqual(r.body.items.map((i) => i.rank), [1, 2, 3, 4, 5]);
  assert.deepEqual(r.body.items.map((i) => i.chosen), [true, true, false, true, false]);
  assert.equal(r.body.chosen_total_fen, 90000);
  assert.equal(r.body.items[0].title, '小区停车线');
  const text = JSON.stringify(r.body);
  for (const leak of ['居民', 'account', 'proposer', 'resident']) assert.ok(!text.includes(leak), leak);
  assert.equal((await srv.json('/api/v1/micro-rounds/999999/results')).status, 404);
});

test('publishing freezes the results and makes each chosen proposal an approved micro project; once', async () => {
  const pub = (c) => c.post(`/api/v1/micro-rounds/${R}/actions`, { action: 'publish' });
  assert.equal((await pub(V.v1)).status, 403);
  assert.equal((await pub(ostaff)).status, 404);
  assert.equal((await mstaff.post(`/api/v1/micro-rounds/${R}/actions`, { action: 'close' })).body.error.details.field, 'action');
  const r = await pub(mstaff);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.published, true);
  assert.equal(r.body.round.state, 'published');
  const chosen = r.body.items.filter((i) => i.chosen);
  assert.deepEqual(chosen.map((i) => i.id), [P[3], P[2], P[4]]);
  assert.ok(chosen.every((i) => Number.isInteger(i.project_id)));
  assert.ok(r.body.items.filter((i) => !i.chosen).every((i) => i.project_id === null));
  const year = Number(new Date(T0 + 4 * D + 8 * H).toISOString().slice(0, 4));
  for (const i of chosen) {
    const p = await mstaff.get(`/api/v1/projects/${i.project_id}`);
    assert.equal(p.status, 200, JSON.stringify(p.body));
    assert.equal(p.body.type, 'micro');
    assert.equal(p.body.state, 'approved');
    assert.equal(p.body.budget_fen, i.cost_fen);
    assert.equal(p.body.title, i.title);
    assert.equal(p.body.year, year);
    assert.equal(p.body.unit.id, comm.id);
  }
  const again = await pub(mstaff);
  assert.equal(again.status, 409);
  assert.equal(again.body.error.code, 'micro.already_published');
  // the public results now read the frozen ones, the same
  const frozen = await srv.json(`/api/v1/micro-rounds/${R}/results`);
  assert.deepEqual(frozen.body.items, r.body.items);
  assert.match(frozen.body.published_at, /\+08:00$/);
  const staffView = (await mstaff.get(`/api/v1/micro-rounds/${R}`)).body;
  assert.equal(staffView.proposals.find((p) => p.id === P[3]).project_id, chosen[0].project_id);
  const rows = (await auditor.get('/api/v1/audit?action=micro.publish')).body.items;
  assert.ok(rows.some((a) => String(a.object_id) === String(R)));
});

test('publishing before the voting window closes is 409', async () => {
  const b = await mstaff.post('/api/v1/micro-rounds', roundBody({ title: '未结束轮', proposal_start: iso(T0 + 4 * D),
    proposal_end: iso(T0 + 5 * D), voting_start: iso(T0 + 5 * D), voting_end: iso(T0 + 6 * D) }));
  assert.equal(b.status, 201, JSON.stringify(b.body));
  const r = await mstaff.post(`/api/v1/micro-rounds/${b.body.id}/actions`, { action: 'publish' });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.code, 'micro.results_not_ready');
});

test('five simultaneous publishes of a closed round: one publishes, four are 409', async () => {
  const now = await serverTime();
  const b = await mstaff.post('/api/v1/micro-rounds', roundBody({ title: '已结束的空轮', proposal_start: iso(now - 4 * D),
    proposal_end: iso(now - 3 * D), voting_start: iso(now - 2 * D), voting_end: iso(now - D) }));
  assert.equal(b.status, 201, JSON.stringify(b.body));
  assert.equal(b.body.state, 'closed');
  const all = await Promise.all(Array.from({ length: 5 }, () =>
    mstaff.post(`/api/v1/micro-rounds/${b.body.id}/actions`, { action: 'publish' })));
  const codes = all.map((r) => r.status).sort();
  assert.deepEqual(codes, [200, 409, 409, 409, 409], JSON.stringify(all.map((r) => r.body)));
  assert.ok(all.filter((r) => r.status === 409).every((r) => r.body.error.code === 'micro.already_published'));
  const done = all.find((r) => r.status === 200).body;
  assert.equal(done.published, true);
  assert.deepEqual(done.items, []);
  assert.equal(done.chosen_total_fen, 0);
});

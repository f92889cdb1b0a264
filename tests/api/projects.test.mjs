// Projects (便民实事 and more): docs/API.md, "Projects".
//
// A project belongs to a street, community or grid in the creator's scope and
// a year; proposed → approved (by the street or district above) → in_progress
// → completed, or cancelled with a reason. Sources: appeals the caller sees, a
// hotspot counted as GET /api/v1/appeals/hotspots counts it, commitment items
// of the project's community. Every refusal has its status and code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDistrict, addUser } from './lib/district.mjs';
import { png } from './lib/images.mjs';

const STREET1 = '320506001', STREET2 = '320506002';
const COMM1 = '320506001001', COMM2 = '320506001002';
const GRID1 = '320506001001001', GRID2 = '320506001001002', GRID3 = '320506001001003';
const YEAR = 2026; // the test clock's Shanghai year

let srv, district, changqiao, longqiao, hubleader, gridworker, resident, cs2, street2;
const U = {};
let appealGrid1 = [], appealComm2, appealGrid2;

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

function body(extra = {}) {
  return {
    unit_id: U.comm1.id, year: YEAR, type: 'environment', title: '龙桥社区楼道堆物清理',
    goal: '清理楼道堆物，消除消防隐患', budget_fen: 1200000, ...extra,
  };
}

async function create(client = longqiao, extra = {}) {
  const r = await client.post('/api/v1/projects', body(extra));
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

const act = (client, id, action, extra = {}) => client.post(`/api/v1/projects/${id}/actions`, { action, ...extra });

function assertError(r, status, code, field) {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.equal(r.body.error.code, code, JSON.stringify(r.body));
  if (field) assert.equal(r.body.error.details.field, field, JSON.stringify(r.body));
}

before(async () => {
  srv = await startDistrict();
  addUser(srv.data.dir, 'proj.cs2', 'community_staff', COMM2);
  addUser(srv.data.dir, 'proj.street2', 'street_officer', STREET2);
  [district, changqiao, longqiao, hubleader, gridworker, resident, cs2, street2] = await Promise.all(
    ['district', 'changqiao', 'longqiao', 'hubleader', 'gridworker', 'resident', 'proj.cs2', 'proj.street2'].map((u) => srv.login(u)));
  for (const [k, code] of Object.entries({ street1: STREET1, comm1: COMM1, comm2: COMM2, grid1: GRID1, grid2: GRID2, grid3: GRID3 }))
    U[k] = await findUnit(district, code);
  const report = async (unit_id, title, category = 'noise') => {
    const r = await resident.post('/api/v1/appeals', { category, title, unit_id });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id;
  };
  for (let i = 0; i < 3; i++) appealGrid1.push(await report(U.grid1.id, `夜间噪音扰民 ${i}`));
  appealGrid2 = await report(U.grid2.id, '二网格路面破损', 'facility_repair');
  const c2 = await findUnit(district, COMM2 + '001');
  appealComm2 = await report(c2.id, '隔壁社区的诉求', 'facility_repair');
});
after(async () => { await srv.stop(); });

// ---- creating ------------------------------------------------------------

test('community staff create a proposed project with milestones and sources', async () => {
  const p = await create(longqiao, {
    responsible_unit_id: U.grid1.id, responsible_person: '张建国',
    milestones: [{ title: '摸排堆物点位', due_date: '2026-12-10' }, { title: '集中清理', due_date: '2026-12-20' }],
    appeal_ids: appealGrid1.slice(0, 2),
  });
  assert.equal(p.state, 'proposed');
  assert.equal(p.percent, 0);
  assert.equal(p.unit.id, U.comm1.id);
  assert.equal(p.unit.kind, 'community');
  assert.equal(p.responsible_unit.id, U.grid1.id);
  assert.equal(p.responsible_person, '张建国');
  assert.deepEqual(p.milestones.map((m) => [m.title, m.due_date, m.done_at]),
    [['摸排堆物点位', '2026-12-10', null], ['集中清理', '2026-12-20', null]]);
  assert.deepEqual(p.sources.appeals.map((a) => a.id), appealGrid1.slice(0, 2));
  assert.ok(p.sources.appeals.every((a) => a.case_no && a.title.startsWith('夜间噪音') && a.category === 'noise' && a.status && a.submitted_at.endsWith('+08:00')));
  assert.equal(p.sources.hotspot, null);
  assert.deepEqual(p.events.map((e) => e.kind), ['created']);
  assert.equal(p.events[0].actor.id, longqiao.user.id);
  const again = await longqiao.get(`/api/v1/projects/${p.id}`);
  assert.equal(again.status, 200);
  assert.deepEqual(again.body, p);
});

test('a hub leader creates a project for their grid, not for another grid', async () => {
  const p = await create(hubleader, { unit_id: U.grid1.id, type: 'dispute_mediation', title: '第一网格邻里调解室' });
  assert.equal(p.unit.kind, 'grid');
  assertError(await hubleader.post('/api/v1/projects', body({ unit_id: U.grid2.id })), 404, 'route.not_found');
});

test('creating needs project:write and a unit in scope', async () => {
  assertError(await gridworker.post('/api/v1/projects', body({ unit_id: U.grid1.id })), 403, 'auth.forbidden');
  assertError(await changqiao.post('/api/v1/projects', body()), 403, 'auth.forbidden');
  assertError(await cs2.post('/api/v1/projects', body()), 404, 'route.not_found');
  assertError(await longqiao.post('/api/v1/projects', body({ unit_id: 999999 })), 404, 'route.not_found');
});

test('a project belongs to a street, community or grid, not a building', async () => {
  const b = await district.get(`/api/v1/units?parent=${U.grid1.id}&kind=building&limit=1`);
  const building = b.body.items[0];
  assert.ok(building, 'fixture: a building');
  assertError(await longqiao.post('/api/v1/projects', body({ unit_id: building.id })), 400, 'request.invalid', 'unit_id');
  const street = await create(district, { unit_id: U.street1.id });
  assert.equal(street.unit.kind, 'street');
});

test('bad type, year, budget, title and milestones are refused naming the field', async () => {
  assertError(await longqiao.post('/api/v1/projects', body({ type: 'parade' })), 400, 'request.invalid', 'type');
  assertError(await longqiao.post('/api/v1/projects', body({ year: YEAR - 6 })), 400, 'request.invalid', 'year');
  assertError(await longqiao.post('/api/v1/projects', body({ year: YEAR + 2 })), 400, 'request.invalid', 'year');
  assertError(await longqiao.post('/api/v1/projects', body({ budget_fen: -1 })), 400, 'request.invalid', 'budget_fen');
  assertError(await longqiao.post('/api/v1/projects', body({ budget_fen: 10000000001 })), 400, 'request.invalid', 'budget_fen');
  assertError(await longqiao.post('/api/v1/projects', body({ budget_fen: '100' })), 400, 'request.invalid', 'budget_fen');
  assertError(await longqiao.post('/api/v1/projects', body({ title: '' })), 400, 'request.invalid', 'title');
  assertError(await longqiao.post('/api/v1/projects', body({ title: '长'.repeat(101) })), 400, 'request.invalid', 'title');
  const { goal, ...noGoal } = body();
  assert.ok(goal);
  assertError(await longqiao.post('/api/v1/projects', noGoal), 400, 'request.invalid', 'goal');
  assertError(await longqiao.post('/api/v1/projects', body({ milestones: [{ title: 'x', due_date: '2026-02-30' }] })), 400, 'request.invalid', 'milestones[0].due_date');
  assertError(await longqiao.post('/api/v1/projects', body({ milestones: [{ title: 'x' }] })), 400, 'request.invalid');
  assertError(await longqiao.post('/api/v1/projects', body({ responsible_unit_id: 99999999 })), 400, 'request.invalid', 'responsible_unit_id');
  assertError(await longqiao.post('/api/v1/projects', body({ colour: 'red' })), 400, 'request.invalid', 'colour');
  for (const y of [YEAR - 5, YEAR + 1]) assert.equal((await create(longqiao, { year: y })).year, y);
});

// ---- sources ---------------------------------------------------------------

test('appeals outside the caller\'s scope are refused as if absent', async () => {
  let r = await longqiao.post('/api/v1/projects', body({ appeal_ids: [appealGrid1[0], appealComm2] }));
  assertError(r, 400, 'request.invalid', 'appeal_ids');
  assert.equal(r.body.error.details.id, appealComm2);
  r = await hubleader.post('/api/v1/projects', body({ unit_id: U.grid1.id, appeal_ids: [appealGrid2] }));
  assertError(r, 400, 'request.invalid', 'appeal_ids');
  assert.equal(r.body.error.details.id, appealGrid2);
  r = await longqiao.post('/api/v1/projects', body({ appeal_ids: [987654321] }));
  assertError(r, 400, 'request.invalid', 'appeal_ids');
  assertError(await longqiao.post('/api/v1/projects', body({ appeal_ids: [appealGrid1[0], appealGrid1[0]] })), 400, 'request.invalid', 'appeal_ids');
  assertError(await longqiao.post('/api/v1/projects', body({ appeal_ids: ['1'] })), 400, 'request.invalid', 'appeal_ids');
});

test('a hotspot is counted as GET /appeals/hotspots counts it and kept as a snapshot', async () => {
  const h = await district.get(`/api/v1/appeals/hotspots?unit=${U.grid1.id}&days=30&category=noise`);
  assert.equal(h.status, 200);
  const spot = h.body.items.find((x) => x.grid.id === U.grid1.id && x.category.code === 'noise');
  assert.ok(spot && spot.count >= 3, JSON.stringify(h.body));
  const p = await create(longqiao, { type: 'dispute_mediation', hotspot: { grid_id: U.grid1.id, category: 'noise', days: 30 } });
  const s = p.sources.hotspot;
  assert.equal(s.grid.id, U.grid1.id);
  assert.equal(s.grid.code, GRID1);
  assert.equal(s.category.code, 'noise');
  assert.ok(s.category.name);
  assert.equal(s.count, spot.count);
  assert.deepEqual(s.appeal_ids, spot.appeal_ids);
  assert.equal(s.days, 30);
  assert.ok(s.taken_at.endsWith('+08:00'));
});

test('a hotspot with too few appeals, outside the community or of no category is refused', async () => {
  const h = await district.get(`/api/v1/appeals/hotspots?unit=${U.grid3.id}&days=1&min_count=2&category=traffic`);
  assert.equal(h.status, 200);
  assert.equal(h.body.items.length, 0, 'fixture: no traffic hotspot in grid 3 today');
  let r = await longqiao.post('/api/v1/projects', body({ hotspot: { grid_id: U.grid3.id, category: 'traffic', days: 1 } }));
  assertError(r, 409, 'project.no_hotspot');
  assert.equal(r.body.error.details.min_count, 3);
  const other = await findUnit(district, COMM2 + '001');
  r = await longqiao.post('/api/v1/projects', body({ hotspot: { grid_id: other.id, category: 'noise' } }));
  assertError(r, 400, 'request.invalid', 'hotspot.grid_id');
  r = await longqiao.post('/api/v1/projects', body({ hotspot: { grid_id: U.comm1.id, category: 'noise' } }));
  assertError(r, 400, 'request.invalid', 'hotspot.grid_id');
  r = await longqiao.post('/api/v1/projects', body({ hotspot: { grid_id: U.grid1.id, category: 'no_such' } }));
  assertError(r, 400, 'request.invalid', 'hotspot.category');
  r = await longqiao.post('/api/v1/projects', body({ hotspot: { grid_id: U.grid1.id, category: 'noise', days: 0 } }));
  assertError(r, 400, 'request.invalid', 'hotspot.days');
});

test('commitment items that do not exist are refused', async () => {
  const r = await longqiao.post('/api/v1/projects', body({ commitment_item_ids: [987654321] }));
  assertError(r, 400, 'request.invalid', 'commitment_item_ids');
  assert.equal(r.body.error.details.id, 987654321);
});

test('sources are added later; a link there already is kept once', async () => {
  const p = await create(longqiao, { appeal_ids: [appealGrid1[0]] });
  const r = await longqiao.post(`/api/v1/projects/${p.id}/sources`, { appeal_ids: [appealGrid1[0], appealGrid1[2]] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.sources.appeals.map((a) => a.id), [appealGrid1[0], appealGrid1[2]]);
  assert.deepEqual(r.body.events.map((e) => e.kind), ['created', 'sources']);
  assertError(await longqiao.post(`/api/v1/projects/${p.id}/sources`, { appeal_ids: [appealComm2] }), 400, 'request.invalid', 'appeal_ids');
  assertError(await cs2.post(`/api/v1/projects/${p.id}/sources`, { appeal_ids: [] }), 404, 'route.not_found');
  assert.equal((await act(longqiao, p.id, 'cancel', { reason: '重复立项' })).status, 200);
  assertError(await longqiao.post(`/api/v1/projects/${p.id}/sources`, { appeal_ids: [appealGrid1[1]] }), 409, 'project.invalid_state');
});

test('staff who cannot see a linked appeal see it without its title', async () => {
  const p = await create(longqiao, { appeal_ids: [appealGrid2] });
  assert.ok(p.sources.appeals[0].title);
  const r = await changqiao.get(`/api/v1/projects/${p.id}`);
  assert.equal(r.body.sources.appeals[0].title, '二网格路面破损');
  // the grid-1 hub leader does not see a community project at all
  assertError(await hubleader.get(`/api/v1/projects/${p.id}`), 404, 'route.not_found');
  const g = await create(longqiao, { unit_id: U.grid1.id, appeal_ids: [appealGrid2] });
  const seen = await hubleader.get(`/api/v1/projects/${g.id}`);
  assert.equal(seen.status, 200);
  assert.equal(seen.body.sources.appeals[0].case_no, p.sources.appeals[0].case_no);
  assert.equal(seen.body.sources.appeals[0].title, undefined);
});

// ---- the state machine -------------------------------------------------------

test('PATCH changes a proposed project and replaces its milestones; not once approved', async () => {
  const p = await create(longqiao, { milestones: [{ title: 'a', due_date: '2026-12-01' }] });
  let r = await longqiao.patch(`/api/v1/projects/${p.id}`, { title: '改名后的项目', budget_fen: 800000, milestones: [{ title: 'b', due_date: '2026-12-02' }] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.title, '改名后的项目');
  assert.equal(r.body.budget_fen, 800000);
  assert.equal(r.body.goal, p.goal);
  assert.deepEqual(r.body.milestones.map((m) => m.title), ['b']);
  assertError(await longqiao.patch(`/api/v1/projects/${p.id}`, { type: 'parade' }), 400, 'request.invalid', 'type');
  assertError(await longqiao.patch(`/api/v1/projects/${p.id}`, { year: YEAR - 6 }), 400, 'request.invalid', 'year');
  r = await longqiao.patch(`/api/v1/projects/${p.id}`, { responsible_unit_id: U.grid1.id });
  assert.equal(r.body.responsible_unit.id, U.grid1.id);
  r = await longqiao.patch(`/api/v1/projects/${p.id}`, { responsible_unit_id: null });
  assert.equal(r.status, 200);
  assert.equal(r.body.responsible_unit, null);
  assert.deepEqual(r.body.milestones.map((m) => m.title), ['b'], 'milestones not sent stay');
  assert.deepEqual(r.body.events.map((e) => e.kind), ['created', 'updated', 'updated', 'updated']);
  assertError(await cs2.patch(`/api/v1/projects/${p.id}`, { title: 'x' }), 404, 'route.not_found');
  assert.equal((await act(changqiao, p.id, 'approve')).status, 200);
  r = await longqiao.patch(`/api/v1/projects/${p.id}`, { title: '再改' });
  assertError(r, 409, 'project.invalid_state');
  assert.equal(r.body.error.details.state, 'approved');
});

test('approval is for the street or district above, with project:approve', async () => {
  const p = await create(longqiao);
  assertError(await act(longqiao, p.id, 'approve'), 403, 'auth.forbidden');
  assertError(await act(street2, p.id, 'approve'), 404, 'route.not_found');
  const r = await act(changqiao, p.id, 'approve', { note: '同意立项' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.state, 'approved');
  assert.ok(r.body.approved_at.endsWith('+08:00'));
  const ev = r.body.events.at(-1);
  assert.equal(ev.kind, 'approved');
  assert.equal(ev.note, '同意立项');
  assert.equal(ev.actor.id, changqiao.user.id);
  // a street's own project is approved by the district, not by the street
  const s = await create(district, { unit_id: U.street1.id });
  assertError(await act(changqiao, s.id, 'approve'), 403, 'project.not_approver');
  assert.equal((await act(district, s.id, 'approve')).status, 200);
});

test('two approvals at once: one 200, the other 409 project.invalid_state', async () => {
  for (let round = 0; round < 3; round++) {
    const p = await create(longqiao);
    const other = await srv.login('changqiao');
    const rs = await Promise.all([act(changqiao, p.id, 'approve'), act(other, p.id, 'approve')]);
    const codes = rs.map((r) => r.status).sort();
    assert.deepEqual(codes, [200, 409], JSON.stringify(rs.map((r) => r.body)));
    assert.equal(rs.find((r) => r.status === 409).body.error.code, 'project.invalid_state');
    const got = await longqiao.get(`/api/v1/projects/${p.id}`);
    assert.equal(got.body.events.filter((e) => e.kind === 'approved').length, 1);
  }
});

test('a project runs start → progress → milestones → complete', async () => {
  const p = await create(longqiao, { milestones: [{ title: '选址', due_date: '2026-12-05' }] });
  const other = await create(longqiao, { milestones: [{ title: '别的', due_date: '2026-12-05' }] });
  assertError(await act(longqiao, p.id, 'start'), 409, 'project.invalid_state');
  assert.equal((await act(changqiao, p.id, 'approve')).status, 200);
  assertError(await act(longqiao, p.id, 'progress', { percent: 10 }), 409, 'project.invalid_state');
  assertError(await act(gridworker, p.id, 'start'), 404, 'route.not_found'); // not in a grid's scope
  const g = await create(longqiao, { unit_id: U.grid1.id });
  await act(changqiao, g.id, 'approve');
  assertError(await act(gridworker, g.id, 'start'), 403, 'auth.forbidden'); // seen, not written
  let r = await act(longqiao, p.id, 'start');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.state, 'in_progress');
  const photo = await srv.fetch('/api/v1/attachments', { method: 'POST', headers: { 'content-type': 'image/png' }, body: png(8, 8) });
  assert.equal(photo.status, 201);
  const photoId = (await photo.json()).id;
  assertError(await act(longqiao, p.id, 'progress', {}), 400, 'request.invalid', 'percent');
  assertError(await act(longqiao, p.id, 'progress', { percent: 101 }), 400, 'request.invalid', 'percent');
  assertError(await act(longqiao, p.id, 'progress', { percent: 20, photos: ['0'.repeat(64)] }), 400, 'request.invalid');
  r = await act(longqiao, p.id, 'progress', { percent: 40, note: '已完成摸排', photos: [photoId] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.percent, 40);
  const ev = r.body.events.at(-1);
  assert.deepEqual([ev.kind, ev.percent, ev.note, ev.photos], ['progress', 40, '已完成摸排', [photoId]]);
  const mid = r.body.milestones[0].id;
  assertError(await act(longqiao, p.id, 'milestone_done', { milestone_id: other.milestones[0].id }), 400, 'request.invalid', 'milestone_id');
  assertError(await act(longqiao, p.id, 'milestone_done', {}), 400, 'request.invalid', 'milestone_id');
  r = await act(longqiao, p.id, 'milestone_done', { milestone_id: mid });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.ok(r.body.milestones[0].done_at);
  assertError(await act(longqiao, p.id, 'milestone_done', { milestone_id: mid }), 409, 'project.milestone_done');
  assertError(await act(longqiao, p.id, 'complete', {}), 400, 'request.invalid', 'outcome');
  r = await act(longqiao, p.id, 'complete', { outcome: '清理堆物 120 处', photos: [photoId] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.state, 'completed');
  assert.equal(r.body.percent, 100);
  assert.equal(r.body.outcome, '清理堆物 120 处');
  assert.deepEqual(r.body.outcome_photos, [photoId]);
  assert.ok(r.body.completed_at);
  assert.deepEqual(r.body.events.map((e) => e.kind), ['created', 'approved', 'started', 'progress', 'milestone_done', 'completed']);
  for (const a of ['approve', 'start', 'complete']) assertError(await act(longqiao, p.id, a, { outcome: 'x' }), a === 'approve' ? 403 : 409, a === 'approve' ? 'auth.forbidden' : 'project.invalid_state');
  r = await act(longqiao, p.id, 'cancel', { reason: '晚了' });
  assertError(r, 409, 'project.invalid_state');
  assert.deepEqual(r.body.error.details, { state: 'completed', action: 'cancel' });
});

test('cancel needs a reason; it ends a proposed, approved or running project', async () => {
  const p = await create(longqiao);
  assertError(await act(longqiao, p.id, 'cancel'), 400, 'request.invalid', 'reason');
  assertError(await act(longqiao, p.id, 'cancel', { reason: '' }), 400, 'request.invalid', 'reason');
  let r = await act(longqiao, p.id, 'cancel', { reason: '居民意见不一' });
  assert.equal(r.status, 200);
  assert.equal(r.body.state, 'cancelled');
  assert.equal(r.body.cancel_reason, '居民意见不一');
  assert.ok(r.body.cancelled_at);
  assertError(await act(longqiao, p.id, 'cancel', { reason: '再次' }), 409, 'project.invalid_state');
  assertError(await act(changqiao, p.id, 'approve'), 409, 'project.invalid_state');
  const q = await create(longqiao);
  await act(changqiao, q.id, 'approve');
  await act(longqiao, q.id, 'start');
  r = await act(changqiao, q.id, 'cancel', { reason: '街道统筹调整' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.state, 'cancelled');
  assertError(await act(gridworker, q.id, 'cancel', { reason: 'x' }), 404, 'route.not_found');
});

test('an unknown action, or photos where none belong, is 400', async () => {
  const p = await create(longqiao);
  assertError(await act(longqiao, p.id, 'explode'), 400, 'request.invalid', 'action');
  assertError(await longqiao.post(`/api/v1/projects/${p.id}/actions`, {}), 400, 'request.invalid', 'action');
  assertError(await act(longqiao, p.id, 'cancel', { reason: 'x', photos: [] }), 400, 'request.invalid', 'photos');
  assertError(await act(longqiao, 99999999, 'start'), 404, 'route.not_found');
});

// ---- reading ---------------------------------------------------------------

test('lists filter by unit, year, type, state and appeal, newest first, paged', async () => {
  const a = await create(hubleader, { unit_id: U.grid1.id, type: 'meal_delivery', title: '一网格助餐', appeal_ids: [appealGrid1[1]] });
  const b = await create(hubleader, { unit_id: U.grid1.id, type: 'meal_delivery', title: '一网格助餐二', year: YEAR + 1 });
  await act(changqiao, b.id, 'approve');
  let r = await longqiao.get(`/api/v1/projects?unit=${U.grid1.id}&type=meal_delivery`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.items.map((x) => x.id).filter((id) => id === a.id || id === b.id), [b.id, a.id]);
  assert.ok(r.body.items.every((x) => x.type === 'meal_delivery' && x.unit.id === U.grid1.id));
  r = await longqiao.get(`/api/v1/projects?unit=${U.grid1.id}&type=meal_delivery&year=${YEAR + 1}`);
  assert.ok(r.body.items.some((x) => x.id === b.id) && r.body.items.every((x) => x.year === YEAR + 1));
  r = await longqiao.get(`/api/v1/projects?unit=${U.grid1.id}&state=approved`);
  assert.ok(r.body.items.some((x) => x.id === b.id) && r.body.items.every((x) => x.state === 'approved'));
  r = await longqiao.get(`/api/v1/projects?appeal=${appealGrid1[1]}`);
  assert.ok(r.body.items.some((x) => x.id === a.id));
  assert.ok(!r.body.items.some((x) => x.id === b.id));
  const first = await longqiao.get('/api/v1/projects?limit=1');
  assert.equal(first.body.items.length, 1);
  assert.ok(first.body.next_cursor);
  const second = await longqiao.get(`/api/v1/projects?limit=1&cursor=${first.body.next_cursor}`);
  assert.ok(second.body.items[0].id < first.body.items[0].id);
  assertError(await longqiao.get('/api/v1/projects?type=parade'), 400, 'request.invalid', 'type');
  assertError(await longqiao.get('/api/v1/projects?state=done'), 400, 'request.invalid', 'state');
  assertError(await longqiao.get('/api/v1/projects?year=20x6'), 400, 'request.invalid', 'year');
  assertError(await longqiao.get('/api/v1/projects?item=abc'), 400, 'request.invalid', 'item');
});

test('scope: staff see their subtree only; outside is 404', async () => {
  const p = await create(longqiao);
  assertError(await cs2.get(`/api/v1/projects/${p.id}`), 404, 'route.not_found');
  assertError(await cs2.get(`/api/v1/projects?unit=${U.comm1.id}`), 404, 'route.not_found');
  const mine = await cs2.get('/api/v1/projects?limit=500');
  assert.equal(mine.status, 200);
  assert.ok(!mine.body.items.some((x) => x.id === p.id));
  assert.ok((await changqiao.get(`/api/v1/projects/${p.id}`)).status === 200);
  assertError(await resident.get(`/api/v1/projects/${p.id}`), 403, 'auth.forbidden');
  assertError(await srv.json(`/api/v1/projects/${p.id}`), 401, 'auth.required');
});

test('an item filter lists the projects that serve a commitment item', async () => {
  const r = await longqiao.get('/api/v1/projects?item=987654321');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.items, []);
});

// A commitment list of its own (a term no demo list has) with one item, made through the
// commitments API; undefined while that module is not on this branch.
async function commitmentItem(client, unit, title) {
  const l = await client.post('/api/v1/commitment-lists', { unit_id: unit.id, term_start: '2031-01-01', term_end: '2035-12-31', title: `${unit.name}测试承诺清单` });
  if (l.status === 404 && l.body?.error?.code === 'route.not_found') return undefined;
  assert.equal(l.status, 201, JSON.stringify(l.body));
  const i = await client.post(`/api/v1/commitment-lists/${l.body.id}/items`, {
    title, detail: '为居民办实事', category: 'livelihood', target: '年内完成', due_date: '2032-06-30',
  });
  assert.equal(i.status, 201, JSON.stringify(i.body));
  return i.body.id;
}

test('a project serves commitment items of its community; the item lists its projects', async (t) => {
  const item = await commitmentItem(longqiao, U.comm1, '加装电梯惠民实事');
  if (item === undefined) { t.skip('the commitments module is not on this branch yet'); return; }
  const other = await commitmentItem(cs2, U.comm2, '隔壁社区的承诺');
  const p = await create(hubleader, { unit_id: U.grid1.id, commitment_item_ids: [item] });
  assert.deepEqual(p.commitment_items.map((x) => [x.id, x.title]), [[item, '加装电梯惠民实事']]);
  assert.equal(p.commitment_items[0].unit_id, U.comm1.id);
  let r = await longqiao.get(`/api/v1/projects?item=${item}`);
  assert.deepEqual(r.body.items.map((x) => x.id), [p.id]);
  r = await longqiao.post('/api/v1/projects', body({ commitment_item_ids: [other] }));
  assertError(r, 400, 'request.invalid', 'commitment_item_ids');
  assert.equal(r.body.error.details.id, other);
  const q = await create(longqiao);
  r = await longqiao.post(`/api/v1/projects/${q.id}/sources`, { commitment_item_ids: [item] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await longqiao.get(`/api/v1/projects?item=${item}`);
  assert.deepEqual(r.body.items.map((x) => x.id), [q.id, p.id]);
});

// ---- the public view (the lead's public module serves projects_public()) --------

test('public projects carry no appeal title, reporter or responsible person', async (t) => {
  const p = await create(longqiao, { appeal_ids: appealGrid1, responsible_person: '李四', hotspot: { grid_id: U.grid1.id, category: 'noise' } });
  const r = await srv.json(`/api/v1/public/units/${COMM1}/projects?year=${YEAR}`);
  if (r.status === 404 && r.body?.error?.code === 'route.not_found' && !r.body.error.details) {
    const probe = await srv.json(`/api/v1/public/units/${COMM1}`);
    if (probe.status === 404) { t.skip('the public module is not on this branch yet'); return; }
  }
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const item = r.body.items.find((x) => x.id === p.id);
  assert.ok(item, 'the project is public');
  assert.equal(item.sources.appeals.length, 3);
  for (const a of item.sources.appeals) assert.deepEqual(Object.keys(a).sort(), ['case_no', 'category', 'status', 'submitted_at']);
  assert.equal(item.sources.hotspot.appeal_ids, undefined);
  assert.ok(item.sources.hotspot.count >= 3);
  const text = JSON.stringify(r.body);
  assert.ok(!text.includes('夜间噪音扰民'), 'no appeal title');
  assert.ok(!text.includes('李四'), 'no responsible person');
  assert.ok(!text.includes(resident.user.display_name || '龙桥社区 居民'), 'no reporter');
});

// ---- under units ---------------------------------------------------------------

test('a project moves with its grid and keeps the grid from being deleted', async () => {
  const g = await district.post('/api/v1/units', { parent_id: U.comm1.id, name: '项目测试网格' });
  assert.equal(g.status, 201, JSON.stringify(g.body));
  const p = await create(longqiao, { unit_id: g.body.id });
  assertError(await district.del(`/api/v1/units/${g.body.id}`), 409, 'unit.not_empty');
  const m = await district.post(`/api/v1/units/${g.body.id}/move`, { parent_id: U.comm2.id });
  assert.equal(m.status, 200, JSON.stringify(m.body));
  assertError(await longqiao.get(`/api/v1/projects/${p.id}`), 404, 'route.not_found');
  const seen = await cs2.get(`/api/v1/projects/${p.id}`);
  assert.equal(seen.status, 200);
  const listed = await cs2.get(`/api/v1/projects?unit=${g.body.id}`);
  assert.deepEqual(listed.body.items.map((x) => x.id), [p.id]);
});

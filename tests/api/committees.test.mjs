// Area joint committees (片区型"大党委"): /work/specs/committees-api.md, docs/API.md
// "Joint committees".
//
// The organisation register (kept by a street or the district, phones sealed
// and masked), committees over two or more communities of their unit with
// member organisations, and the four lists — needs, resources, projects,
// responsibilities — with their state changes, the match view, scope (a
// committee is seen from its unit and its communities; changed from its
// unit; community staff add needs of their own community), a resource two
// projects race for (one 201, one 409) and overdue on the test clock.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDistrict, addUser } from './lib/district.mjs';

const STREET1 = '320506001', STREET2 = '320506002';
const COMM1 = '320506001001', COMM2 = '320506001002', COMM3 = '320506001003';
const GRID1 = '320506001001001';

let srv, district, changqiao, longqiao, gridworker, resident, cs2, cs3, street2;
const U = {};
let org = {}, jc, appeals = [], appealOther;

async function findUnit(client, code) {
  const kind = { 1: 'district', 9: 'street', 12: 'community', 15: 'grid' }[code.length];
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

function ok(r, status = 200) {
  assert.equal(r.status, status, JSON.stringify(r.body));
  return r.body;
}

const P = (id = jc.id) => `/api/v1/joint-committees/${id}`;

async function addOrg(client, extra) {
  return ok(await client.post('/api/v1/organisations', {
    unit_id: U.street1.id, kind: 'enterprise', contact_person: '联系人', ...extra,
  }), 201);
}

async function need(client = changqiao, extra = {}) {
  return ok(await client.post(`${P()}/needs`, {
    community_id: U.comm1.id, title: '老年活动室缺少座椅', source: 'resident', ...extra,
  }), 201);
}

async function resource(extra = {}) {
  return ok(await changqiao.post(`${P()}/resources`, {
    organisation_id: org.ent.id, kind: 'equipment', title: '折叠桌椅', quantity: 20,
    quantity_unit: '套', ...extra,
  }), 201);
}

before(async () => {
  srv = await startDistrict();
  addUser(srv.data.dir, 'jc.cs2', 'community_staff', COMM2);
  addUser(srv.data.dir, 'jc.cs3', 'community_staff', COMM3);
  addUser(srv.data.dir, 'jc.street2', 'street_officer', STREET2);
  [district, changqiao, longqiao, gridworker, resident, cs2, cs3, street2] = await Promise.all(
    ['district', 'changqiao', 'longqiao', 'gridworker', 'resident', 'jc.cs2', 'jc.cs3', 'jc.street2'].map((u) => srv.login(u)));
  for (const [k, code] of Object.entries({ street1: STREET1, street2: STREET2, comm1: COMM1, comm2: COMM2, comm3: COMM3, grid1: GRID1 }))
    U[k] = await findUnit(district, code);
  const report = async (unit_id, title, category = 'noise') =>
    ok(await resident.post('/api/v1/appeals', { category, title, unit_id }), 201).id;
  for (let i = 0; i < 3; i++) appeals.push(await report(U.grid1.id, `夜间施工噪音 ${i}`));
  const c2grid = await findUnit(district, COMM2 + '001');
  appealOther = await report(c2grid.id, '隔壁社区路灯不亮', 'facility_repair');
});
after(async () => { await srv.stop(); });

// ---- the organisation register ------------------------------------------------

test('a street officer registers organisations; the phone is sealed and shown masked', async () => {
  org.ent = await addOrg(changqiao, { name: '苏州长桥精密机械有限公司', phone: '13912345678', address: '长桥街道工业园1号' });
  assert.equal(org.ent.kind, 'enterprise');
  assert.equal(org.ent.unit.id, U.street1.id);
  assert.equal(org.ent.phone_mask, '139****5678');
  assert.ok(!JSON.stringify(org.ent).includes('13912345678'));
  org.gov = await addOrg(changqiao, { name: '长桥街道城管中队', kind: 'gov' });
  assert.equal(org.gov.phone_mask, null);
  org.school = await addOrg(changqiao, { name: '长桥实验小学', kind: 'school' });
  org.social = await addOrg(changqiao, { name: '长桥为老服务社', kind: 'social_org' });
  org.distr = await addOrg(district, { name: '区卫健委', kind: 'gov', unit_id: U.street1.parent_id });
  assert.equal(org.distr.unit.kind, 'district');
  org.other = await addOrg(street2, { name: '苏苑街道某企业', unit_id: U.street2.id });
  const list = ok(await changqiao.get('/api/v1/organisations?kind=enterprise')).items;
  assert.ok(list.some((o) => o.id === org.ent.id && o.phone_mask === '139****5678'));
  assert.ok(!list.some((o) => o.id === org.other.id), 'another street\'s register is not listed');
});

test('the register refuses bad input with stable codes', async () => {
  assertError(await changqiao.post('/api/v1/organisations', { unit_id: U.street1.id, name: 'x', kind: 'company' }), 400, 'request.invalid', 'kind');
  assertError(await changqiao.post('/api/v1/organisations', { unit_id: U.comm1.id, name: 'x', kind: 'gov' }), 400, 'request.invalid', 'unit_id');
  assertError(await changqiao.post('/api/v1/organisations', { unit_id: U.street1.id, name: 'x', kind: 'gov', phone: '12345' }), 400, 'request.invalid', 'phone');
  assertError(await changqiao.post('/api/v1/organisations', { unit_id: U.street1.id, name: '', kind: 'gov' }), 400, 'request.invalid', 'name');
  assertError(await changqiao.post('/api/v1/organisations', { unit_id: U.street1.id, name: 'x', kind: 'gov', extra: 1 }), 400, 'request.invalid', 'extra');
  assertError(await changqiao.post('/api/v1/organisations', { unit_id: U.street2.id, name: 'x', kind: 'gov' }), 404, 'route.not_found');
  assertError(await changqiao.post('/api/v1/organisations', { unit_id: U.street1.id, name: '长桥街道城管中队', kind: 'gov' }), 409, 'committee.organisation_exists');
  assertError(await gridworker.post('/api/v1/organisations', { unit_id: U.street1.id, name: 'y', kind: 'gov' }), 403, 'auth.forbidden');
});

test('community staff read their street\'s register but cannot change it; other streets see nothing', async () => {
  const r = ok(await longqiao.get(`/api/v1/organisations/${org.ent.id}`));
  assert.equal(r.name, '苏州长桥精密机械有限公司');
  assert.deepEqual(r.committees, []);
  assertError(await longqiao.patch(`/api/v1/organisations/${org.ent.id}`, { note: 'x' }), 403, 'committee.not_manager');
  assertError(await street2.get(`/api/v1/organisations/${org.ent.id}`), 404, 'route.not_found');
  assertError(await street2.patch(`/api/v1/organisations/${org.ent.id}`, { note: 'x' }), 404, 'route.not_found');
  const usable = ok(await longqiao.get(`/api/v1/organisations?unit=${U.street1.id}&limit=200`)).items;
  assert.ok(usable.some((o) => o.id === org.ent.id));
  assert.ok(!usable.some((o) => o.id === org.other.id));
  assertError(await longqiao.get(`/api/v1/organisations?unit=${U.street2.id}`), 404, 'route.not_found');
  assertError(await longqiao.get('/api/v1/organisations?kind=shop'), 400, 'request.invalid', 'kind');
});

test('PATCH keeps the phone unless it is sent; reveal gives the number and is audited', async () => {
  let o = ok(await changqiao.patch(`/api/v1/organisations/${org.ent.id}`, { contact_person: '李经理' }));
  assert.equal(o.contact_person, '李经理');
  assert.equal(o.phone_mask, '139****5678');
  const rv = ok(await changqiao.post(`/api/v1/organisations/${org.ent.id}/reveal`));
  assert.equal(rv.phone, '13912345678');
  assertError(await longqiao.post(`/api/v1/organisations/${org.ent.id}/reveal`), 403, 'committee.not_manager');
  o = ok(await changqiao.patch(`/api/v1/organisations/${org.gov.id}`, { phone: '051265551234' }));
  assert.ok(o.phone_mask && !o.phone_mask.includes('65551234'), o.phone_mask);
  o = ok(await changqiao.patch(`/api/v1/organisations/${org.gov.id}`, { phone: null }));
  assert.equal(o.phone_mask, null);
  assert.equal(ok(await changqiao.post(`/api/v1/organisations/${org.gov.id}/reveal`)).phone, null);
  assertError(await changqiao.patch(`/api/v1/organisations/${org.gov.id}`, { name: '长桥实验小学' }), 409, 'committee.organisation_exists');
});

// ---- committees ------------------------------------------------------------------

test('a street officer creates a committee over two of its communities with members', async () => {
  jc = ok(await changqiao.post('/api/v1/joint-committees', {
    name: '长桥片区联合党委', unit_id: U.street1.id, community_ids: [U.comm1.id, U.comm2.id],
    secretary: '张书记', note: '片区共建',
    members: [{ organisation_id: org.ent.id, role: '成员单位' }, { organisation_id: org.gov.id, role: '副书记单位' },
      { organisation_id: org.school.id, role: '共建单位' }, { organisation_id: org.social.id, role: '成员单位' }],
  }), 201);
  assert.equal(jc.unit.id, U.street1.id);
  assert.deepEqual(jc.communities.map((c) => c.id).sort((a, b) => a - b), [U.comm1.id, U.comm2.id].sort((a, b) => a - b));
  assert.equal(jc.member_count, 4);
  assert.equal(jc.members.length, 4);
  assert.equal(jc.can_write, true);
  assert.equal(jc.counts.needs_open, 0);
  assert.equal(jc.members.find((m) => m.organisation.id === org.ent.id).organisation.phone_mask, '139****5678');
  const o = ok(await changqiao.get(`/api/v1/organisations/${org.ent.id}`));
  assert.deepEqual(o.committees, [{ id: jc.id, name: '长桥片区联合党委', role: '成员单位' }]);
});

test('a committee refuses bad units, communities and members', async () => {
  const b = (x) => ({ name: '另一个片区', unit_id: U.street1.id, community_ids: [U.comm1.id, U.comm2.id], ...x });
  assertError(await changqiao.post('/api/v1/joint-committees', b({ community_ids: [U.comm1.id] })), 400, 'request.invalid', 'community_ids');
  let r = await changqiao.post('/api/v1/joint-committees', b({ community_ids: [U.comm1.id, U.grid1.id] }));
  assertError(r, 400, 'request.invalid', 'community_ids');
  assert.equal(r.body.error.details.id, U.grid1.id);
  assertError(await changqiao.post('/api/v1/joint-committees', b({ community_ids: [U.comm1.id, U.comm1.id] })), 400, 'request.invalid', 'community_ids');
  assertError(await changqiao.post('/api/v1/joint-committees', b({ unit_id: U.comm1.id })), 400, 'request.invalid', 'unit_id');
  assertError(await changqiao.post('/api/v1/joint-committees', b({ unit_id: U.street2.id })), 404, 'route.not_found');
  r = await changqiao.post('/api/v1/joint-committees', b({ members: [{ organisation_id: org.other.id, role: '成员' }] }));
  assertError(r, 400, 'request.invalid', 'members[0].organisation_id');
  assertError(await changqiao.post('/api/v1/joint-committees', b({ members: [{ organisation_id: org.ent.id }] })), 400, 'request.invalid', 'members[0].role');
  assertError(await changqiao.post('/api/v1/joint-committees', b({ name: '长桥片区联合党委' })), 409, 'committee.name_taken');
  assertError(await longqiao.post('/api/v1/joint-committees', b({})), 404, 'route.not_found');
  assertError(await resident.post('/api/v1/joint-committees', b({})), 403, 'auth.forbidden');
});

test('a committee is seen from its unit and its communities, and changed only from its unit', async () => {
  const seen = ok(await longqiao.get(P()));
  assert.equal(seen.can_write, false);
  assert.equal(ok(await cs2.get(P())).id, jc.id);
  assert.equal(ok(await district.get(P())).can_write, true);
  for (const c of [cs3, street2, gridworker]) assertError(await c.get(P()), 404, 'route.not_found');
  assertError(await resident.get(P()), 403, 'auth.forbidden');
  assertError(await resident.get(`/api/v1/organisations/${org.ent.id}`), 403, 'auth.forbidden');
  assert.ok(ok(await longqiao.get('/api/v1/joint-committees')).items.some((x) => x.id === jc.id));
  assert.ok(!ok(await cs3.get('/api/v1/joint-committees')).items.some((x) => x.id === jc.id));
  assert.ok(!ok(await street2.get('/api/v1/joint-committees')).items.some((x) => x.id === jc.id));
  assertError(await longqiao.patch(P(), { secretary: '王书记' }), 403, 'committee.not_manager');
  assertError(await street2.patch(P(), { secretary: '王书记' }), 404, 'route.not_found');
  const r = ok(await changqiao.patch(P(), { secretary: '王书记' }));
  assert.equal(r.secretary, '王书记');
  assert.equal(r.name, '长桥片区联合党委');
  assertError(await changqiao.patch(P(), { name: '' }), 400, 'request.invalid', 'name');
});

test('members are added, re-roled and removed', async () => {
  const extra = await addOrg(changqiao, { name: '长桥物业公司', kind: 'resident_unit' });
  let r = ok(await changqiao.post(`${P()}/members`, { organisation_id: extra.id, role: '成员单位' }));
  assert.equal(r.member_count, 5);
  r = ok(await changqiao.post(`${P()}/members`, { organisation_id: extra.id, role: '兼职委员单位' }));
  assert.equal(r.members.find((m) => m.organisation.id === extra.id).role, '兼职委员单位');
  assertError(await changqiao.post(`${P()}/members`, { organisation_id: org.other.id, role: 'x' }), 400, 'request.invalid', 'organisation_id');
  assertError(await longqiao.post(`${P()}/members`, { organisation_id: extra.id, role: 'x' }), 403, 'committee.not_manager');
  r = ok(await changqiao.del(`${P()}/members/${extra.id}`));
  assert.equal(r.member_count, 4);
  assertError(await changqiao.del(`${P()}/members/${extra.id}`), 404, 'route.not_found');
});

// ---- needs and resources -----------------------------------------------------------

test('needs: community staff add needs of their own community only', async () => {
  const n = await need(longqiao);
  assert.equal(n.state, 'open');
  assert.equal(n.community.id, U.comm1.id);
  assert.equal(n.source, 'resident');
  assert.deepEqual(n.wants, []);
  assertError(await longqiao.post(`${P()}/needs`, { community_id: U.comm2.id, title: 'x', source: 'resident' }), 403, 'committee.not_manager');
  const n2 = await need(cs2, { community_id: U.comm2.id, title: '小区门口缺少非机动车停车棚', wants: ['money', 'equipment'] });
  assert.deepEqual(n2.wants, ['money', 'equipment']);
  assertError(await changqiao.post(`${P()}/needs`, { community_id: U.comm3.id, title: 'x', source: 'resident' }), 400, 'request.invalid', 'community_id');
  assertError(await cs3.post(`${P()}/needs`, { community_id: U.comm1.id, title: 'x', source: 'resident' }), 404, 'route.not_found');
});

test('needs: sources are checked by their kind', async () => {
  const b = (x) => ({ community_id: U.comm1.id, title: '施工噪音扰民', ...x });
  assertError(await changqiao.post(`${P()}/needs`, b({ source: 'rumour' })), 400, 'request.invalid', 'source');
  assertError(await changqiao.post(`${P()}/needs`, b({ source: 'appeal' })), 400, 'request.invalid', 'appeal_ids');
  assertError(await changqiao.post(`${P()}/needs`, b({ source: 'resident', appeal_ids: [appeals[0]] })), 400, 'request.invalid', 'appeal_ids');
  let r = await changqiao.post(`${P()}/needs`, b({ source: 'appeal', appeal_ids: [appeals[0], appealOther] }));
  assertError(r, 400, 'request.invalid', 'appeal_ids');
  assert.equal(r.body.error.details.id, appealOther);
  const a = ok(await longqiao.post(`${P()}/needs`, b({ source: 'appeal', appeal_ids: [appeals[0], appeals[1]] })), 201);
  assert.deepEqual(a.appeals.map((x) => x.id), [appeals[0], appeals[1]]);
  assert.ok(a.appeals[0].case_no && !('title' in a.appeals[0]));
  r = await changqiao.post(`${P()}/needs`, b({ source: 'hotspot', hotspot: { grid_id: U.grid1.id, category: 'facility_repair' } }));
  assertError(r, 409, 'committee.no_hotspot');
  assertError(await changqiao.post(`${P()}/needs`, b({ source: 'hotspot', hotspot: { grid_id: U.comm1.id, category: 'noise' } })), 400, 'request.invalid', 'hotspot.grid_id');
  assertError(await changqiao.post(`${P()}/needs`, b({ source: 'hotspot', hotspot: { grid_id: U.grid1.id, category: 'nosuch' } })), 400, 'request.invalid', 'hotspot.category');
  const h = ok(await changqiao.post(`${P()}/needs`, b({ source: 'hotspot', hotspot: { grid_id: U.grid1.id, category: 'noise', days: 7 } })), 201);
  assert.equal(h.hotspot.count >= 3, true);
  assert.equal(h.hotspot.grid.id, U.grid1.id);
  assertError(await changqiao.post(`${P()}/needs`, b({ source: 'visit' })), 400, 'request.invalid', 'organisation_id');
  assertError(await changqiao.post(`${P()}/needs`, b({ source: 'visit', organisation_id: org.other.id })), 400, 'request.invalid', 'organisation_id');
  const v = ok(await changqiao.post(`${P()}/needs`, b({ source: 'visit', organisation_id: org.ent.id, title: '企业招工难', wants: ['skills'] })), 201);
  assert.equal(v.organisation.id, org.ent.id);
  assertError(await changqiao.post(`${P()}/needs`, b({ source: 'resident', wants: ['room', 'room'] })), 400, 'request.invalid', 'wants');
  assertError(await changqiao.post(`${P()}/needs`, b({ source: 'resident', wants: ['cars'] })), 400, 'request.invalid', 'wants');
});

test('resources: members offer them, money in fen, the rest with a quantity', async () => {
  const room = await resource({ kind: 'room', title: '会议室', quantity: 1, quantity_unit: '间', organisation_id: org.school.id });
  assert.equal(room.state, 'available');
  assert.equal(room.quantity, 1);
  assert.equal(room.amount_fen, null);
  const money = await resource({ kind: 'money', title: '共建资金', quantity: undefined, quantity_unit: undefined, amount_fen: 2000000 });
  assert.equal(money.amount_fen, 2000000);
  assert.equal(money.quantity, null);
  const b = (x) => ({ organisation_id: org.ent.id, kind: 'equipment', title: '桌椅', quantity: 1, quantity_unit: '套', ...x });
  assertError(await changqiao.post(`${P()}/resources`, b({ kind: 'money', amount_fen: 100 })), 400, 'request.invalid', 'quantity');
  assertError(await changqiao.post(`${P()}/resources`, { organisation_id: org.ent.id, kind: 'money', title: 'x' }), 400, 'request.invalid', 'amount_fen');
  assertError(await changqiao.post(`${P()}/resources`, b({ amount_fen: 100 })), 400, 'request.invalid', 'amount_fen');
  assertError(await changqiao.post(`${P()}/resources`, b({ quantity_unit: undefined })), 400, 'request.invalid', 'quantity_unit');
  assertError(await changqiao.post(`${P()}/resources`, b({ quantity: 0 })), 400, 'request.invalid', 'quantity');
  assertError(await changqiao.post(`${P()}/resources`, b({ kind: 'land' })), 400, 'request.invalid', 'kind');
  assertError(await changqiao.post(`${P()}/resources`, b({ organisation_id: org.distr.id })), 400, 'request.invalid', 'organisation_id');
  assertError(await longqiao.post(`${P()}/resources`, b({})), 403, 'committee.not_manager');
  const list = ok(await longqiao.get(`${P()}/resources?kind=money`)).items;
  assert.deepEqual(list.map((x) => x.id), [money.id]);
  assertError(await longqiao.get(`${P()}/resources?state=gone`), 400, 'request.invalid', 'state');
  assertError(await changqiao.del(`${P()}/members/${org.school.id}`), 409, 'committee.member_in_use');
});

// ---- projects ------------------------------------------------------------------------

test('a project matches needs with resources in one step', async () => {
  const n = await need();
  const r1 = await resource(), r2 = await resource({ kind: 'volunteers', title: '青年志愿者', quantity: 10, quantity_unit: '人' });
  const p = ok(await changqiao.post(`${P()}/projects`, { title: '活动室改造', need_ids: [n.id], resource_ids: [r1.id, r2.id] }), 201);
  assert.equal(p.state, 'planned');
  assert.deepEqual(p.needs.map((x) => [x.id, x.state]), [[n.id, 'matched']]);
  assert.deepEqual(p.resources.map((x) => [x.id, x.state]), [[r1.id, 'committed'], [r2.id, 'committed']]);
  assert.equal(ok(await changqiao.get(`${P()}/needs/${n.id}`)).project.id, p.id);
  // a second project may take neither again; nothing of it is written
  const n3 = await need();
  let r = await changqiao.post(`${P()}/projects`, { title: 'x', need_ids: [n3.id], resource_ids: [r1.id] });
  assertError(r, 409, 'committee.resource_taken');
  assert.deepEqual([r.body.error.details.id, r.body.error.details.state], [r1.id, 'committed']);
  assert.equal(ok(await changqiao.get(`${P()}/needs/${n3.id}`)).state, 'open');
  r = await changqiao.post(`${P()}/projects`, { title: 'x', need_ids: [n.id], resource_ids: [(await resource()).id] });
  assertError(r, 409, 'committee.need_taken');
  assert.equal(r.body.error.details.state, 'matched');
  // planned → running → done settles the needs and resources
  assertError(await changqiao.post(`${P()}/projects/${p.id}/state`, { state: 'done' }), 409, 'committee.invalid_state');
  assert.equal(ok(await changqiao.post(`${P()}/projects/${p.id}/state`, { state: 'running' })).state, 'running');
  const done = ok(await changqiao.post(`${P()}/projects/${p.id}/state`, { state: 'done' }));
  assert.equal(done.state, 'done');
  assert.ok(done.done_at && done.started_at);
  assert.deepEqual(done.needs.map((x) => x.state), ['met']);
  assert.deepEqual(done.resources.map((x) => x.state), ['used', 'used']);
  assertError(await changqiao.post(`${P()}/projects/${p.id}/state`, { state: 'running' }), 409, 'committee.invalid_state');
  assertError(await changqiao.patch(`${P()}/projects/${p.id}`, { title: '改名' }), 409, 'committee.invalid_state');
});

test('project input is checked: ids of this committee, at least one of each', async () => {
  const n = await need(), r = await resource();
  assertError(await changqiao.post(`${P()}/projects`, { title: 'x', need_ids: [], resource_ids: [r.id] }), 400, 'request.invalid', 'need_ids');
  assertError(await changqiao.post(`${P()}/projects`, { title: 'x', need_ids: [n.id] }), 400, 'request.invalid', 'resource_ids');
  const res = await changqiao.post(`${P()}/projects`, { title: 'x', need_ids: [n.id], resource_ids: [r.id, 999999] });
  assertError(res, 400, 'request.invalid', 'resource_ids');
  assert.equal(res.body.error.details.id, 999999);
  assertError(await changqiao.post(`${P()}/projects`, { title: 'x', need_ids: [n.id], resource_ids: [r.id], project_id: 999999 }), 400, 'request.invalid', 'project_id');
  assertError(await longqiao.post(`${P()}/projects`, { title: 'x', need_ids: [n.id], resource_ids: [r.id] }), 403, 'committee.not_manager');
  assertError(await changqiao.post(`${P()}/needs/${n.id}/state`, { state: 'matched' }), 409, 'committee.invalid_state');
  assertError(await changqiao.post(`${P()}/needs/${n.id}/state`, { state: 'closed' }), 400, 'request.invalid', 'state');
});

test('two projects racing for one resource: one 201, one 409, the loser writes nothing', async () => {
  const r = await resource({ title: '共享投影仪' });
  const n1 = await need(), n2 = await need();
  const [a, b] = await Promise.all([
    changqiao.post(`${P()}/projects`, { title: '甲', need_ids: [n1.id], resource_ids: [r.id] }),
    changqiao.post(`${P()}/projects`, { title: '乙', need_ids: [n2.id], resource_ids: [r.id] }),
  ]);
  const statuses = [a.status, b.status].sort();
  assert.deepEqual(statuses, [201, 409], JSON.stringify([a.body, b.body]));
  const loser = a.status === 409 ? a : b, winner = a.status === 201 ? a : b;
  assert.equal(loser.body.error.code, 'committee.resource_taken');
  const loserNeed = winner === a ? n2 : n1;
  assert.equal(ok(await changqiao.get(`${P()}/needs/${loserNeed.id}`)).state, 'open');
  assert.equal(ok(await changqiao.get(`${P()}/resources/${r.id}`)).project.id, winner.body.id);
  const titles = ok(await changqiao.get(`${P()}/projects?limit=200`)).items.map((x) => x.title);
  assert.equal(titles.filter((t) => t === '甲' || t === '乙').length, 1);
});

test('a database failure at any step of a project answers 503 and takes all or nothing', async () => {
  const n = await need(), r = await resource({ title: '故障注入用的桌椅' });
  const stateOf = async (list, id) => ok(await changqiao.get(`${P()}/${list}/${id}`)).state;
  let done = false;
  for (let after = 1; after <= 80 && !done; after++) {
    ok(await srv.post('/api/v1/_test/db-fail', { after }));
    const res = await changqiao.post(`${P()}/projects`, { title: `故障注入 ${after}`, need_ids: [n.id], resource_ids: [r.id] });
    ok(await srv.post('/api/v1/_test/db-fail', { after: 0 }));
    const taken = (await stateOf('needs', n.id)) === 'matched';
    assert.equal((await stateOf('resources', r.id)) === 'committed', taken, `step ${after}: all or nothing`);
    const mine = ok(await changqiao.get(`${P()}/projects?limit=200`)).items.filter((x) => x.title.startsWith('故障注入 '));
    assert.equal(mine.length, taken ? 1 : 0, `step ${after}`);
    if (res.status !== 201) assert.equal(res.status, 503, `step ${after}: ${JSON.stringify(res.body)}`);
    done = res.status === 201 || taken;
  }
  assert.ok(done, 'the project goes through once the fault is past');
});

test('a committee project links a project of src/projects inside its unit', async () => {
  const p = ok(await longqiao.post('/api/v1/projects', {
    unit_id: U.comm1.id, year: 2026, type: 'environment', title: '活动室适老化改造', goal: '改造', budget_fen: 100000,
  }), 201);
  const n = await need(), r = await resource();
  const cp = ok(await changqiao.post(`${P()}/projects`, { title: '适老化', need_ids: [n.id], resource_ids: [r.id], project_id: p.id }), 201);
  assert.equal(cp.project.id, p.id);
  assert.equal(cp.project.unit.id, U.comm1.id);
  let u = ok(await changqiao.patch(`${P()}/projects/${cp.id}`, { project_id: null, detail: '先行' }));
  assert.equal(u.project, null);
  assert.equal(u.detail, '先行');
  u = ok(await changqiao.patch(`${P()}/projects/${cp.id}`, { project_id: p.id }));
  assert.equal(u.project.id, p.id);
});

// ---- needs and resources settled by hand, lists, match ----------------------------------

test('needs are met and resources used by hand; community staff settle their own needs', async () => {
  const n = await need(longqiao);
  assertError(await cs2.post(`${P()}/needs/${n.id}/state`, { state: 'met' }), 403, 'committee.not_manager');
  const m = ok(await longqiao.post(`${P()}/needs/${n.id}/state`, { state: 'met' }));
  assert.equal(m.state, 'met');
  assert.ok(m.met_at);
  assertError(await longqiao.post(`${P()}/needs/${n.id}/state`, { state: 'met' }), 409, 'committee.invalid_state');
  const r = await resource();
  assertError(await longqiao.post(`${P()}/resources/${r.id}/state`, { state: 'used' }), 403, 'committee.not_manager');
  assert.equal(ok(await changqiao.post(`${P()}/resources/${r.id}/state`, { state: 'used' })).state, 'used');
  assertError(await changqiao.post(`${P()}/resources/${r.id}/state`, { state: 'committed' }), 409, 'committee.invalid_state');
});

test('the match view puts open needs beside available resources with candidates', async () => {
  const n = await need(changqiao, { title: '需要场地开展四点半课堂', wants: ['room'] });
  const room = await resource({ kind: 'room', title: '学校多功能厅', quantity: 1, quantity_unit: '间', organisation_id: org.school.id });
  const m = ok(await longqiao.get(`${P()}/match`));
  assert.equal(m.truncated, false);
  assert.ok(m.needs.every((x) => x.state === 'open'));
  assert.ok(m.resources.every((x) => x.state === 'available'));
  const mn = m.needs.find((x) => x.id === n.id);
  assert.ok(mn.candidates.includes(room.id));
  assert.ok(mn.candidates.every((id) => m.resources.find((x) => x.id === id).kind === 'room'));
  const k = ok(await longqiao.get(`${P()}/match?kind=room`));
  assert.ok(k.resources.every((x) => x.kind === 'room'));
  assert.ok(k.needs.every((x) => x.wants.includes('room')));
  assert.ok(k.needs.some((x) => x.id === n.id));
  assertError(await longqiao.get(`${P()}/match?kind=land`), 400, 'request.invalid', 'kind');
  assertError(await cs3.get(`${P()}/match`), 404, 'route.not_found');
});

test('lists filter and page; items of another committee are 404', async () => {
  const open = ok(await longqiao.get(`${P()}/needs?state=open&limit=2`));
  assert.equal(open.items.length, 2);
  assert.ok(open.next_cursor);
  const next = ok(await longqiao.get(`${P()}/needs?state=open&limit=2&cursor=${open.next_cursor}`));
  assert.ok(next.items.every((x) => x.id < open.items[1].id));
  assert.ok(ok(await longqiao.get(`${P()}/needs?source=appeal`)).items.every((x) => x.source === 'appeal'));
  assert.ok(ok(await longqiao.get(`${P()}/needs?community_id=${U.comm2.id}`)).items.every((x) => x.community.id === U.comm2.id));
  assertError(await longqiao.get(`${P()}/needs?source=x`), 400, 'request.invalid', 'source');
  const other = ok(await district.post('/api/v1/joint-committees', {
    name: '全区联合党委', unit_id: (await findUnit(district, STREET1)).id, community_ids: [U.comm1.id, U.comm3.id],
  }), 201);
  const n = await need();
  assertError(await changqiao.get(`/api/v1/joint-committees/${other.id}/needs/${n.id}`), 404, 'route.not_found');
  assertError(await changqiao.post(`/api/v1/joint-committees/${other.id}/needs/${n.id}/state`, { state: 'met' }), 404, 'route.not_found');
  assertError(await changqiao.get(`${P()}/needs/999999`), 404, 'route.not_found');
  assertError(await changqiao.get(`${P(999999)}`), 404, 'route.not_found');
});

// ---- responsibilities and overdue on the test clock (last: it moves the clock) ----------

test('responsibilities: who does what by when, refused when unclear', async () => {
  const n = await need();
  const b = (x) => ({ need_id: n.id, organisation_id: org.ent.id, task: '提供桌椅', due_date: '2026-12-20', ...x });
  assertError(await changqiao.post(`${P()}/responsibilities`, b({ project_id: 1 })), 400, 'request.invalid', 'project_id');
  assertError(await changqiao.post(`${P()}/responsibilities`, b({ need_id: undefined })), 400, 'request.invalid', 'project_id');
  assertError(await changqiao.post(`${P()}/responsibilities`, b({ organisation_id: undefined })), 400, 'request.invalid', 'organisation_id');
  assertError(await changqiao.post(`${P()}/responsibilities`, b({ organisation_id: org.distr.id })), 400, 'request.invalid', 'organisation_id');
  assertError(await changqiao.post(`${P()}/responsibilities`, b({ due_date: '2026-13-01' })), 400, 'request.invalid', 'due_date');
  assertError(await changqiao.post(`${P()}/responsibilities`, b({ need_id: 999999 })), 400, 'request.invalid', 'need_id');
  assertError(await longqiao.post(`${P()}/responsibilities`, b({})), 403, 'committee.not_manager');
  const d = ok(await changqiao.post(`${P()}/responsibilities`, b({ organisation_id: undefined, person: '王主任' })), 201);
  assert.equal(d.person, '王主任');
  assert.equal(d.organisation, null);
  assert.equal(d.need.id, n.id);
  assert.equal(d.overdue, false);
});

test('overdue follows the Shanghai date of the test clock', async () => {
  const n = await need(), r = await resource();
  const p = ok(await changqiao.post(`${P()}/projects`, { title: '桌椅配送', need_ids: [n.id], resource_ids: [r.id] }), 201);
  // the clock reads 2026-11-25 (Shanghai) or later here; due tomorrow of the server's day
  const today = ok(await srv.json('/api/v1/_test/clock')).now.slice(0, 10); // "…+08:00": the Shanghai day
  const tomorrow = new Date(Date.parse(today + 'T00:00:00Z') + 86400e3).toISOString().slice(0, 10);
  const d = ok(await changqiao.post(`${P()}/responsibilities`, { project_id: p.id, organisation_id: org.ent.id, person: '李经理', task: '送达桌椅', due_date: tomorrow }), 201);
  const d2 = ok(await changqiao.post(`${P()}/responsibilities`, { project_id: p.id, person: '张', task: '验收', due_date: tomorrow }), 201);
  assert.equal(d.overdue, false);
  assert.equal(d.project.id, p.id);
  assert.equal(ok(await changqiao.get(`${P()}/responsibilities?overdue=1`)).items.filter((x) => x.id === d.id).length, 0);
  const before = ok(await changqiao.get(P())).counts.responsibilities_overdue;
  // tomorrow is still not overdue; the day after it is
  // sessions do not outlive the jump: sign in again after each
  ok(await srv.post('/api/v1/_test/clock', { advance_seconds: 86400 }));
  [changqiao, longqiao] = await Promise.all([srv.login('changqiao'), srv.login('longqiao')]);
  assert.equal(ok(await changqiao.get(`${P()}/responsibilities/${d.id}`)).overdue, false);
  ok(await srv.post('/api/v1/_test/clock', { advance_seconds: 86400 }));
  [changqiao, longqiao] = await Promise.all([srv.login('changqiao'), srv.login('longqiao')]);
  assert.equal(ok(await changqiao.get(`${P()}/responsibilities/${d.id}`)).overdue, true);
  const od = ok(await changqiao.get(`${P()}/responsibilities?overdue=1`)).items.map((x) => x.id);
  assert.ok(od.includes(d.id) && od.includes(d2.id));
  assert.equal(ok(await changqiao.get(P())).counts.responsibilities_overdue, before + 2);
  assert.deepEqual(ok(await changqiao.get(`${P()}/projects/${p.id}`)).responsibilities, { open: 2, done: 0, overdue: 2 });
  const done = ok(await changqiao.post(`${P()}/responsibilities/${d.id}/state`, { state: 'done' }));
  assert.equal(done.overdue, false);
  assert.ok(done.done_at);
  assertError(await changqiao.post(`${P()}/responsibilities/${d.id}/state`, { state: 'done' }), 409, 'committee.invalid_state');
  assert.deepEqual(ok(await changqiao.get(`${P()}/projects/${p.id}`)).responsibilities, { open: 1, done: 1, overdue: 1 });
  assertError(await changqiao.get(`${P()}/responsibilities?overdue=yes`), 400, 'request.invalid', 'overdue');
  const byProject = ok(await longqiao.get(`${P()}/responsibilities?project_id=${p.id}&state=open`)).items;
  assert.deepEqual(byProject.map((x) => x.id), [d2.id]);
});

test('every change is in the audit log', async () => {
  const auditor = await srv.login('auditor');
  for (const a of ['organisation.create', 'organisation.update', 'organisation.reveal', 'committee.create',
    'committee.update', 'committee.member_add', 'committee.member_remove', 'committee.need_create',
    'committee.need_state', 'committee.resource_create', 'committee.resource_state', 'committee.project_create',
    'committee.project_update', 'committee.project_state', 'committee.responsibility_create',
    'committee.responsibility_state']) {
    const r = ok(await auditor.get(`/api/v1/audit?action=${a}&limit=5`));
    assert.ok(r.items.length > 0, a);
  }
});

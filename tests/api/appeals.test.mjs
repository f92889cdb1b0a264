// The appeal closed loop: submission from every channel, every transition and
// refusal, scope, idempotency, the SLA clock, messages and tracking.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDistrict, addUser } from './lib/district.mjs';

const GRID2 = '320506001001002';
let srv, district, street, community, hub, gw, gw2, resident, auditor;
let grid1, grid2, community1;

async function unitByCode(code) {
  for (const kind of ['community', 'grid']) {
    let cursor = '';
    for (;;) {
      const r = await district.get(`/api/v1/units?kind=${kind}&limit=500${cursor}`);
      const u = r.body.items.find((x) => x.code === code);
      if (u) return u;
      if (!r.body.next_cursor) break;
      cursor = `&cursor=${r.body.next_cursor}`;
    }
  }
  throw new Error('no unit ' + code);
}

const act = (who, id, body) => who.post(`/api/v1/appeals/${id}/actions`, body);
// Moving the clock ends idle sessions: sign everybody in again.
async function advance(seconds) {
  const r = await srv.post('/api/v1/_test/clock', { advance_seconds: seconds });
  assert.equal(r.status, 200);
  await signIn();
}

async function signIn() {
  district = await srv.login('district');
  street = await srv.login('changqiao');
  community = await srv.login('longqiao');
  hub = await srv.login('hubleader');
  gw = await srv.login('gridworker');
  gw2 = await srv.login('gw2');
  resident = await srv.login('resident');
  auditor = await srv.login('auditor');
}
const sweep = () => srv.post('/api/v1/_test/sla-sweep', {});

async function report(who, extra = {}) {
  const body = { category: 'environment', title: '楼道堆放垃圾', description: '3号楼一单元楼道堆满杂物', unit_id: grid1.id, ...extra };
  const r = who ? await who.post('/api/v1/appeals', body) : await srv.post('/api/v1/appeals', body);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

before(async () => {
  srv = await startDistrict();
  addUser(srv.data.dir, 'gw2', 'grid_worker', GRID2);
  await signIn();
  grid1 = gw.user.unit;
  grid2 = await unitByCode(GRID2);
  community1 = community.user.unit;
  assert.equal(grid1.kind, 'grid');
});

after(async () => {
  const r = await srv.stop();
  assert.equal(r.code, 0, 'server exits cleanly:\n' + srv.log().slice(-4000));
});

test('categories are seeded with levels and deadlines', async () => {
  const r = await srv.json('/api/v1/appeal-categories');
  assert.equal(r.status, 200);
  const codes = r.body.items.map((c) => c.code);
  for (const c of ['dispute', 'environment', 'illegal_construction', 'property', 'facility_repair', 'traffic', 'safety_hazard', 'elderly_care', 'epidemic', 'noise', 'other']) assert.ok(codes.includes(c), c);
  const env = r.body.items.find((c) => c.code === 'environment');
  assert.equal(env.name, '环境卫生');
  assert.equal(env.level, 'grid');
  assert.deepEqual(env.accept_deadline, { amount: 4, unit: 'hours' });
  assert.deepEqual(env.handle_deadline, { amount: 2, unit: 'workdays' });
});

test('categories are admin-editable and validated', async () => {
  let r = await district.post('/api/v1/appeal-categories', { code: 'pets', name: '宠物扰民', level: 'grid', accept_deadline: { amount: 8, unit: 'hours' }, handle_deadline: { amount: 3, unit: 'workdays' } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const id = r.body.id;
  r = await district.patch(`/api/v1/appeal-categories/${id}`, { handle_deadline: { amount: 5, unit: 'workdays' }, active: false });
  assert.equal(r.status, 200);
  r = await srv.json('/api/v1/appeal-categories?all=1');
  const pets = r.body.items.find((c) => c.code === 'pets');
  assert.equal(pets.handle_deadline.amount, 5);
  assert.equal(pets.active, false);
  r = await srv.json('/api/v1/appeal-categories');
  assert.ok(!r.body.items.some((c) => c.code === 'pets'), 'inactive hidden from the form');
  r = await district.post('/api/v1/appeal-categories', { code: 'Bad Code', name: 'x', level: 'grid', accept_deadline: { amount: 1, unit: 'hours' }, handle_deadline: { amount: 1, unit: 'hours' } });
  assert.equal(r.status, 400);
  r = await district.post('/api/v1/appeal-categories', { code: 'x2', name: 'x', level: 'city', accept_deadline: { amount: 1, unit: 'hours' }, handle_deadline: { amount: 1, unit: 'hours' } });
  assert.equal(r.status, 400);
  r = await district.post('/api/v1/appeal-categories', { code: 'x3', name: 'x', level: 'grid', accept_deadline: { amount: 1, unit: 'weeks' }, handle_deadline: { amount: 1, unit: 'hours' } });
  assert.equal(r.status, 400);
  r = await gw.post('/api/v1/appeal-categories', { code: 'x4', name: 'x', level: 'grid', accept_deadline: { amount: 1, unit: 'hours' }, handle_deadline: { amount: 1, unit: 'hours' } });
  assert.equal(r.status, 403);
});

test('resident reports; the whole loop to a rated resolution', async () => {
  const a = await report(resident);
  assert.equal(a.status, 'submitted');
  assert.match(a.case_no, /^\d{13}$/);
  let d = (await resident.get(`/api/v1/appeals/${a.id}`)).body;
  assert.equal(d.handler_unit.id, grid1.id, 'environment is handled by the grid');
  assert.deepEqual(d.allowed_actions, ['comment']);

  // A resident cannot accept; another grid's worker cannot even see it.
  let r = await act(resident, a.id, { action: 'accept' });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.code, 'appeal.invalid_transition');
  r = await act(gw2, a.id, { action: 'accept' });
  assert.equal(r.status, 404);
  r = await gw2.get(`/api/v1/appeals/${a.id}`);
  assert.equal(r.status, 404);

  // Wrong-state actions are refused.
  for (const action of ['dispatch', 'sign', 'resolve', 'verify', 'rate']) {
    r = await act(gw, a.id, { action, passed: true, rating: 'satisfied', note: 'x', unit_id: grid1.id });
    assert.equal(r.status, 409, action);
  }
  d = (await gw.get(`/api/v1/appeals/${a.id}`)).body;
  assert.ok(d.allowed_actions.includes('accept'));
  r = await act(gw, a.id, { action: 'accept' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.status, 'accepted');
  r = await act(gw, a.id, { action: 'accept' });
  assert.equal(r.status, 409, 'accept twice');

  // dispatch outside the dispatcher's scope is refused; inside it works
  r = await act(gw, a.id, { action: 'dispatch', unit_id: grid2.id });
  assert.equal(r.status, 400);
  r = await act(gw, a.id, { action: 'dispatch', unit_id: grid1.id, assignee_id: hub.user.id });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.status, 'dispatched');

  // only the assignee signs; return needs a reason
  r = await act(gw2, a.id, { action: 'sign' });
  assert.equal(r.status, 404);
  r = await act(hub, a.id, { action: 'return' });
  assert.equal(r.status, 400);
  r = await act(hub, a.id, { action: 'sign' });
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'handling');
  r = await act(hub, a.id, { action: 'resolve' });
  assert.equal(r.status, 400, 'resolve needs a result');
  r = await act(hub, a.id, { action: 'resolve', note: '已清理楼道杂物' });
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'resolved');

  // the resolver cannot verify their own work; the dispatcher's unit can; failing is rework
  r = await act(hub, a.id, { action: 'verify', passed: true });
  assert.equal(r.status, 409);
  r = await act(gw, a.id, { action: 'verify', passed: false, note: '还有一处没清理' });
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'handling');
  r = await act(hub, a.id, { action: 'resolve', note: '全部清理完毕' });
  assert.equal(r.status, 200);
  r = await act(gw, a.id, { action: 'verify', passed: true });
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'closed');

  // only the reporter rates; one unsatisfied rating reopens once
  r = await act(gw, a.id, { action: 'rate', rating: 'satisfied' });
  assert.equal(r.status, 409);
  r = await act(resident, a.id, { action: 'rate', rating: 'great' });
  assert.equal(r.status, 400);
  r = await act(resident, a.id, { action: 'rate', rating: 'unsatisfied' });
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'handling', 'unsatisfied reopens');
  await act(hub, a.id, { action: 'resolve', note: '再次处理' });
  await act(gw, a.id, { action: 'verify', passed: true });
  r = await act(resident, a.id, { action: 'rate', rating: 'unsatisfied' });
  assert.equal(r.body.status, 'rated', 'a second unsatisfied rating does not reopen');

  d = (await resident.get(`/api/v1/appeals/${a.id}`)).body;
  assert.equal(d.rework_count, 1);
  assert.equal(d.reopen_count, 1);
  assert.equal(d.rating, 'unsatisfied');
  const actions = d.timeline.map((e) => e.action);
  assert.deepEqual(actions, ['submit', 'accept', 'dispatch', 'sign', 'resolve', 'verify', 'resolve', 'verify', 'rate', 'resolve', 'verify', 'rate']);
  assert.equal(d.timeline[4].note, '已清理楼道杂物');
  assert.equal(d.timeline[1].actor, gw.user.display_name);

  // the resident was told of every change
  const m = await resident.get('/api/v1/messages');
  assert.equal(m.status, 200);
  assert.ok(m.body.items.filter((x) => x.appeal_id === a.id).length >= 8, 'messages for the changes');
  assert.ok(m.body.unread_count >= 8);
  r = await resident.post(`/api/v1/messages/${m.body.items[0].id}/read`);
  assert.equal(r.status, 200);
  const m2 = await resident.get('/api/v1/messages?unread=1');
  assert.equal(m2.body.unread_count, m.body.unread_count - 1);
  assert.ok(!m2.body.items.some((x) => x.id === m.body.items[0].id));
  r = await gw2.post(`/api/v1/messages/${m.body.items[0].id}/read`);
  assert.equal(r.status, 404, 'another account cannot touch it');
  r = await resident.post('/api/v1/messages/read-all');
  assert.equal((await resident.get('/api/v1/messages')).body.unread_count, 0);
});

test('reject, escalate, transfer, return, extension', async () => {
  // reject needs a reason
  let a = await report(resident, { title: '重复提交' });
  let r = await act(gw, a.id, { action: 'reject' });
  assert.equal(r.status, 400);
  r = await act(gw, a.id, { action: 'reject', note: '与已有诉求重复' });
  assert.equal(r.body.status, 'rejected');
  r = await act(gw, a.id, { action: 'accept' });
  assert.equal(r.status, 409);

  // escalate from the grid to the community; the grid then loses it from its hands
  a = await report(resident, { title: '违章搭建' });
  r = await act(gw, a.id, { action: 'accept' });
  r = await act(gw, a.id, { action: 'escalate', note: '网格无法处理' });
  assert.equal(r.status, 200);
  let d = (await community.get(`/api/v1/appeals/${a.id}`)).body;
  assert.equal(d.handler_unit.id, community1.id);
  assert.equal(d.status, 'accepted');
  assert.equal(d.escalations, 1);
  r = await act(gw, a.id, { action: 'dispatch', unit_id: grid1.id });
  assert.equal(r.status, 409, 'the grid no longer handles it');

  // community dispatches to grid 2, grid 2 returns it, community transfers it
  r = await act(community, a.id, { action: 'dispatch', unit_id: grid2.id });
  assert.equal(r.status, 200);
  r = await act(gw2, a.id, { action: 'return', note: '不属于本网格' });
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'accepted');
  d = (await community.get(`/api/v1/appeals/${a.id}`)).body;
  assert.equal(d.handler_unit.id, community1.id, 'back with the dispatcher');
  r = await act(community, a.id, { action: 'transfer', unit_id: grid1.id });
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'dispatched');
  r = await act(gw, a.id, { action: 'sign' });
  assert.equal(r.status, 200);

  // extension: requested by the handler, approved by the parent unit only
  r = await act(gw, a.id, { action: 'extend', hours: 48 });
  assert.equal(r.status, 400, 'needs a reason');
  r = await act(gw, a.id, { action: 'extend', hours: 48, note: '需要等待材料' });
  assert.equal(r.status, 200);
  r = await act(gw, a.id, { action: 'extend', hours: 48, note: 'again' });
  assert.equal(r.status, 409, 'one pending request at a time');
  r = await act(gw, a.id, { action: 'approve_extension' });
  assert.equal(r.status, 409, 'the handler cannot approve its own extension');
  const before = (await community.get(`/api/v1/appeals/${a.id}`)).body;
  assert.equal(before.extension_request.hours, 48);
  r = await act(community, a.id, { action: 'approve_extension' });
  assert.equal(r.status, 200);
  const after = (await community.get(`/api/v1/appeals/${a.id}`)).body;
  assert.equal(after.extension_request, null);
  assert.equal(Date.parse(after.handle_due) - Date.parse(before.handle_due), 48 * 3600 * 1000);
  // escalate at the top is refused
  const top = await report(district, { channel: 'hotline', contact: { name: '王先生', phone: '13912345678' }, category: 'traffic', title: '路灯不亮' });
  d = (await district.get(`/api/v1/appeals/${top.id}`)).body;
  assert.equal(d.handler_unit.kind, 'district', 'department level is handled by the district');
  r = await act(district, top.id, { action: 'escalate' });
  assert.equal(r.status, 409);
});

test('merge duplicates and link related appeals; comments', async () => {
  const a = await report(resident, { title: '路面破损' });
  const b = await report(resident, { title: '路面破损（重复）' });
  let r = await act(gw, b.id, { action: 'merge', into: b.id });
  assert.equal(r.status, 400, 'not into itself');
  r = await act(gw, b.id, { action: 'merge', into: a.id });
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'merged');
  const d = (await gw.get(`/api/v1/appeals/${a.id}`)).body;
  assert.ok(d.links.some((l) => l.id === b.id));
  assert.ok(d.timeline.some((e) => e.action === 'merge_in'));
  r = await act(gw, b.id, { action: 'accept' });
  assert.equal(r.status, 409);
  const c = await report(resident, { title: '附近井盖松动' });
  r = await act(gw, c.id, { action: 'link', other_id: a.id });
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'submitted', 'linking changes no state');
  r = await act(resident, c.id, { action: 'comment', note: '补充：晚上更危险' });
  assert.equal(r.status, 200);
  r = await act(resident, c.id, { action: 'comment' });
  assert.equal(r.status, 400);
  r = await act(gw2, c.id, { action: 'comment', note: 'x' });
  assert.equal(r.status, 404);
});

test('channels: anonymous with QR code, staff on behalf, patrol, coordinates, address', async () => {
  const st = (await district.get(`/api/v1/stations?unit=${grid1.id}&limit=1`)).body.items[0];
  // anonymous needs a contact phone
  let r = await srv.post('/api/v1/appeals', { category: 'noise', title: '夜间施工噪音', station_code: st.public_code });
  assert.equal(r.status, 400);
  r = await srv.post('/api/v1/appeals', { category: 'noise', title: '夜间施工噪音', station_code: st.public_code, contact: { phone: '13800138000' } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const anon = r.body;
  let d = (await gw.get(`/api/v1/appeals/${anon.id}`)).body;
  assert.equal(d.channel, 'qr');
  assert.equal(d.station_id, st.id);
  assert.equal(d.unit.id, grid1.id);
  assert.equal(d.contact.phone, '138****8000', 'masked');
  assert.ok(!JSON.stringify(d).includes('13800138000'));
  // the handler may reveal the number to call back; audited; others may not
  r = await gw.post(`/api/v1/appeals/${anon.id}/contact`);
  assert.equal(r.status, 200);
  assert.equal(r.body.phone, '13800138000');
  assert.equal((await resident.post(`/api/v1/appeals/${anon.id}/contact`)).status, 403);
  assert.equal((await gw2.post(`/api/v1/appeals/${anon.id}/contact`)).status, 404);
  const audit = await (await srv.login('auditor')).get('/api/v1/audit?limit=500');
  assert.ok(audit.body.items.some((x) => x.action === 'appeal.contact_reveal' && String(x.object_id) === String(anon.id)), 'the reveal is audited');
  assert.ok(!JSON.stringify(audit.body).includes('13800138000'), 'no number in the audit log');
  r = await srv.post('/api/v1/appeals', { category: 'noise', title: 'x', station_code: 'NOSUCHCODE', contact: { phone: '13800138000' } });
  assert.equal(r.status, 400);

  // tracking by case number and the last 4 digits
  r = await srv.json(`/api/v1/appeals/track/${anon.case_no}?phone_last4=8000`);
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'submitted');
  assert.equal(r.body.timeline[0].action, 'submit');
  assert.equal(r.body.timeline[0].actor, '');
  r = await srv.json(`/api/v1/appeals/track/${anon.case_no}?phone_last4=1234`);
  assert.equal(r.status, 404);
  r = await srv.json(`/api/v1/appeals/track/${anon.case_no}`);
  assert.equal(r.status, 400);
  for (let i = 0; i < 5; i++) await srv.json(`/api/v1/appeals/track/${anon.case_no}?phone_last4=000${i}`);
  r = await srv.json(`/api/v1/appeals/track/${anon.case_no}?phone_last4=8000`);
  assert.equal(r.status, 429, 'locked after repeated wrong tries');
  assert.equal(r.body.error.code, 'appeal.track_locked');

  // staff on a resident's behalf need a channel and the contact phone
  r = await community.post('/api/v1/appeals', { category: 'dispute', title: '邻里纠纷', unit_id: grid1.id });
  assert.equal(r.status, 400);
  r = await community.post('/api/v1/appeals', { category: 'dispute', title: '邻里纠纷', unit_id: grid1.id, channel: 'walk_in', contact: { name: '李阿姨', phone: '0512-65881234' } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  d = (await community.get(`/api/v1/appeals/${r.body.id}`)).body;
  assert.equal(d.handler_unit.id, community1.id, 'dispute mediation is handled by the community');
  assert.equal(d.channel, 'walk_in');
  // outside the staff's area
  r = await gw.post('/api/v1/appeals', { category: 'environment', title: 'x', unit_id: grid2.id, channel: 'patrol' });
  assert.equal(r.status, 400);
  // patrol by a grid worker
  r = await gw.post('/api/v1/appeals', { category: 'safety_hazard', title: '消防通道被占', unit_id: grid1.id, channel: 'patrol' });
  assert.equal(r.status, 201);
  // the auditor may not report
  r = await auditor.post('/api/v1/appeals', { category: 'noise', title: 'x', unit_id: grid1.id });
  assert.equal(r.status, 403);

  // coordinates resolve to the grid whose boundary contains them
  const unit = (await district.get(`/api/v1/units/${grid1.id}`)).body;
  const boundary = typeof unit.boundary === 'string' ? JSON.parse(unit.boundary) : unit.boundary;
  assert.equal(boundary.type, 'Polygon', 'the demo grid has a boundary');
  const ring = boundary.coordinates[0];
  const lng = ring.slice(0, -1).reduce((s, p) => s + p[0], 0) / (ring.length - 1);
  const lat = ring.slice(0, -1).reduce((s, p) => s + p[1], 0) / (ring.length - 1);
  r = await resident.post('/api/v1/appeals', { category: 'environment', title: '坐标定位', lng, lat });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  d = (await resident.get(`/api/v1/appeals/${r.body.id}`)).body;
  assert.equal(d.unit.id, grid1.id, 'placed in the grid whose boundary holds the point');
  assert.ok(Math.abs(d.lng - lng) < 1e-9 && Math.abs(d.lat - lat) < 1e-9);
  r = await resident.post('/api/v1/appeals', { category: 'environment', title: 'x', lng: 10, lat: 10 });
  assert.equal(r.status, 400);
  // an address alone goes to the district for triage
  r = await resident.post('/api/v1/appeals', { category: 'environment', title: '地址定位', address: '吴中区某路88号' });
  assert.equal(r.status, 201);
  d = (await resident.get(`/api/v1/appeals/${r.body.id}`)).body;
  assert.equal(d.unit.kind, 'district');
  // validation
  for (const body of [{ title: 'x', unit_id: grid1.id }, { category: 'nope', title: 'x', unit_id: grid1.id }, { category: 'noise', title: '', unit_id: grid1.id }, { category: 'noise', title: 'x' }, { category: 'noise', title: 'x', unit_id: grid1.id, channel: 'hotline' }, { category: 'noise', title: 'x', unit_id: grid1.id, photos: ['0'.repeat(64)] }]) {
    r = await resident.post('/api/v1/appeals', body);
    assert.equal(r.status, 400, JSON.stringify(body));
  }
});

test('Idempotency-Key makes a retry return the same case', async () => {
  const body = { category: 'noise', title: '广场舞噪音', unit_id: grid1.id };
  const r1 = await resident.post('/api/v1/appeals', body, { 'idempotency-key': 'retry-1' });
  const r2 = await resident.post('/api/v1/appeals', body, { 'idempotency-key': 'retry-1' });
  assert.equal(r1.status, 201);
  assert.equal(r2.status, 201);
  assert.equal(r2.body.id, r1.body.id);
  assert.equal(r2.body.case_no, r1.body.case_no);
  assert.equal(r2.headers.get('idempotent-replayed'), 'true');
  // concurrent retries: still one case
  const many = await Promise.all(Array.from({ length: 10 }, () => resident.post('/api/v1/appeals', body, { 'idempotency-key': 'retry-2' })));
  assert.ok(many.every((x) => x.status === 201));
  assert.equal(new Set(many.map((x) => x.body.id)).size, 1);
  // another account's identical key is its own
  const r3 = await gw.post('/api/v1/appeals', { ...body, channel: 'patrol' }, { 'idempotency-key': 'retry-1' });
  assert.notEqual(r3.body.id, r1.body.id);
  const bad = await resident.post('/api/v1/appeals', body, { 'idempotency-key': 'bad key with spaces' });
  assert.equal(bad.status, 400);
});

test('lists are scoped, filtered and paged', async () => {
  const mine = await gw2.post('/api/v1/appeals', { category: 'environment', title: '网格二的诉求', unit_id: grid2.id, channel: 'patrol' });
  assert.equal(mine.status, 201);
  let r = await gw.get('/api/v1/appeals?limit=500');
  assert.equal(r.status, 200);
  assert.ok(r.body.items.length > 0);
  assert.ok(!r.body.items.some((x) => x.id === mine.body.id), "grid 1's worker never sees grid 2's case");
  r = await gw2.get('/api/v1/appeals?limit=500');
  assert.ok(r.body.items.some((x) => x.id === mine.body.id));
  r = await community.get('/api/v1/appeals?limit=500');
  assert.ok(r.body.items.some((x) => x.id === mine.body.id), 'the community sees both grids');
  r = await gw.get(`/api/v1/appeals?unit=${grid2.id}`);
  assert.equal(r.status, 404, 'no narrowing outside the scope');
  // the resident sees only their own
  r = await resident.get('/api/v1/appeals?limit=500');
  assert.ok(r.body.items.length > 0);
  for (const it of r.body.items) {
    const d = await resident.get(`/api/v1/appeals/${it.id}`);
    assert.equal(d.status, 200);
  }
  assert.ok(!r.body.items.some((x) => x.id === mine.body.id));
  // filters
  r = await community.get('/api/v1/appeals?status=rated');
  assert.ok(r.body.items.length >= 1 && r.body.items.every((x) => x.status === 'rated'));
  r = await community.get('/api/v1/appeals?status=submitted,accepted');
  assert.ok(r.body.items.every((x) => ['submitted', 'accepted'].includes(x.status)), JSON.stringify(r.body.items.filter((x) => !['submitted', 'accepted'].includes(x.status))));
  r = await community.get('/api/v1/appeals?category=noise');
  assert.ok(r.body.items.length >= 1 && r.body.items.every((x) => x.category.code === 'noise'));
  r = await community.get('/api/v1/appeals?channel=patrol');
  assert.ok(r.body.items.every((x) => x.channel === 'patrol'));
  r = await community.get('/api/v1/appeals?q=' + encodeURIComponent('楼道'));
  assert.ok(r.body.items.length >= 1 && r.body.items.every((x) => x.title.includes('楼道') || true));
  r = await community.get('/api/v1/appeals?q=' + encodeURIComponent('网格二'));
  assert.deepEqual(r.body.items.map((x) => x.id), [mine.body.id], 'Chinese substring search');
  r = await community.get('/api/v1/appeals?q=' + encodeURIComponent('100%'));
  assert.equal(r.status, 200);
  assert.equal(r.body.items.length, 0, 'LIKE wildcards are escaped');
  r = await community.get('/api/v1/appeals?status=bogus');
  assert.equal(r.status, 400);
  r = await community.get('/api/v1/appeals?from=yesterday');
  assert.equal(r.status, 400);
  r = await community.get('/api/v1/appeals?from=2000-01-01&to=2000-01-02');
  assert.equal(r.body.items.length, 0);
  // paging, newest first, no overlap
  const all = (await community.get('/api/v1/appeals?limit=500')).body.items.map((x) => x.id);
  const seen = [];
  let cursor = '';
  for (;;) {
    r = await community.get(`/api/v1/appeals?limit=3${cursor}`);
    seen.push(...r.body.items.map((x) => x.id));
    if (!r.body.next_cursor) break;
    cursor = `&cursor=${r.body.next_cursor}`;
  }
  assert.deepEqual(seen, all);
  assert.deepEqual([...all].sort((x, y) => y - x), all, 'newest first');
});

test('SLA: overdue flag, supervision, automatic escalation after the grace', async () => {
  const a = await report(resident, { title: 'SLA 测试', category: 'safety_hazard' }); // accept within 2 h
  let r = await gw.get('/api/v1/appeals?overdue=1&limit=500');
  assert.ok(!r.body.items.some((x) => x.id === a.id));
  await advance(3 * 3600);
  r = await gw.get('/api/v1/appeals?overdue=1&limit=500');
  assert.ok(r.body.items.some((x) => x.id === a.id && x.overdue), 'flagged overdue');
  r = await sweep();
  assert.equal(r.status, 200);
  assert.ok(r.body.supervised >= 1);
  const again = await sweep();
  assert.equal(again.body.escalated, 0, 'not before the grace');
  let d = (await gw.get(`/api/v1/appeals/${a.id}`)).body;
  assert.ok(d.timeline.some((e) => e.action === 'supervise'));
  assert.equal(d.was_overdue, true);
  // the handler unit and the parent unit were told
  const gm = await gw.get('/api/v1/messages?limit=100');
  assert.ok(gm.body.items.some((m) => m.appeal_id === a.id && m.kind === 'appeal.supervise'));
  const cm = await community.get('/api/v1/messages?limit=100');
  assert.ok(cm.body.items.some((m) => m.appeal_id === a.id && m.kind === 'appeal.supervise'));
  // the notice is listed for supervision in the handler's scope, not in another grid's
  const allNotices = async (who) => {
    const out = [];
    for (let cursor = ''; ;) {
      const r = await who.get(`/api/v1/supervisions?limit=500${cursor}`);
      assert.equal(r.status, 200);
      out.push(...r.body.items);
      if (!r.body.next_cursor) return out;
      cursor = `&cursor=${r.body.next_cursor}`;
    }
  };
  const listed = await allNotices(community);
  const notice = listed.find((x) => x.appeal.id === a.id);
  assert.ok(notice, JSON.stringify(listed.slice(-2)) + ' ' + listed.length);
  assert.equal(notice.kind, 'accept_overdue');
  assert.equal(notice.unit.id, grid1.id);
  assert.equal(notice.escalated_at, null);
  assert.ok(!(await allNotices(gw2)).some((x) => x.appeal.id === a.id));
  assert.equal((await resident.get('/api/v1/supervisions')).status, 403);
  // after the grace (24 h by default) it goes up to the community
  await advance(25 * 3600);
  r = await sweep();
  assert.ok(r.body.escalated >= 1);
  d = (await community.get(`/api/v1/appeals/${a.id}`)).body;
  assert.equal(d.handler_unit.id, community1.id);
  assert.ok(d.timeline.some((e) => e.action === 'auto_escalate'));
});

test('working-day deadlines follow the holiday calendar', async () => {
  // Freeze on a known Friday morning: the test clock moves forward only, so
  // find the next Friday from now.
  const now = Date.parse((await srv.json('/api/v1/meta')).body.server_time);
  const sh = new Date(now + 8 * 3600e3);
  const daysToFri = (5 - sh.getUTCDay() + 7) % 7 || 7;
  await advance(daysToFri * 86400);
  const fri = new Date(Date.parse((await srv.json('/api/v1/meta')).body.server_time) + 8 * 3600e3);
  assert.equal(fri.getUTCDay(), 5);
  const ymd = (d) => d.toISOString().slice(0, 10);
  const plus = (n) => new Date(fri.getTime() + n * 86400e3);
  // Monday after is a holiday; Sunday is a make-up working day.
  let r = await district.get(`/api/v1/holidays?year=${fri.getUTCFullYear()}`);
  assert.equal(r.status, 200);
  const put = (day, body) => district.put(`/api/v1/holidays/${day}`, body);
  r = await put(ymd(plus(3)), { kind: 'holiday', name: '测试假日' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await put(ymd(plus(2)), { kind: 'workday', name: '调休上班' });
  assert.equal(r.status, 200);
  r = await put('2026-13-01', { kind: 'holiday' });
  assert.equal(r.status, 400);
  r = await put(ymd(plus(4)), { kind: 'vacation' });
  assert.equal(r.status, 400);
  r = await gw.post('/api/v1/appeals', { category: 'environment', title: '工作日测试', unit_id: grid1.id, channel: 'patrol' });
  const a = r.body;
  r = await act(gw, a.id, { action: 'accept' });
  const d = (await gw.get(`/api/v1/appeals/${a.id}`)).body;
  // 2 working days after Friday: Sunday (make-up) and Tuesday (Monday is off) → due Wednesday 00:00
  assert.equal(d.handle_due, `${ymd(plus(5))}T00:00:00+08:00`);
});

test('holiday changes are written to the audit log, with the day and kind', async () => {
  // calendar sits below audit and writes through the writer serve installs
  let r = await district.put('/api/v1/holidays/2031-10-01', { kind: 'holiday', name: '国庆节' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await district.del('/api/v1/holidays/2031-10-01');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await district.del('/api/v1/holidays/2031-10-01');
  assert.equal(r.status, 404);
  const set = (await auditor.get('/api/v1/audit?action=holiday.set&limit=500')).body.items;
  assert.ok(set.some((e) => e.details.day === '2031-10-01' && e.details.kind === 'holiday' && e.object_type === 'holiday'));
  const del = (await auditor.get('/api/v1/audit?action=holiday.delete&limit=500')).body.items;
  assert.equal(del.filter((e) => e.details.day === '2031-10-01').length, 1, 'the refused delete wrote nothing');
});

test('permissions: the auditor reads no appeals', async () => {
  const r = await auditor.get('/api/v1/appeals');
  assert.equal(r.status, 200);
  assert.equal(r.body.items.length, 0);
});

test('moving a grid carries its appeals to the new community', async () => {
  addUser(srv.data.dir, 'cs2', 'community_staff', '320506001002');
  const cs2 = await srv.login('cs2');
  const comm2 = cs2.user.unit;
  let r = await district.post('/api/v1/units', { parent_id: community1.id, kind: 'grid', name: '临时网格' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const grid = r.body;
  const a = await report(resident, { unit_id: grid.id, title: '移动网格测试' });
  let q = await community.get('/api/v1/appeals?status=submitted&limit=500');
  assert.ok(q.body.items.some((x) => x.id === a.id));
  q = await cs2.get('/api/v1/appeals?status=submitted&limit=500');
  assert.ok(!q.body.items.some((x) => x.id === a.id));
  r = await district.post(`/api/v1/units/${grid.id}/move`, { parent_id: comm2.id });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  q = await cs2.get('/api/v1/appeals?status=submitted&limit=500');
  assert.ok(q.body.items.some((x) => x.id === a.id), 'the new community sees it in its queue');
  assert.equal((await cs2.get(`/api/v1/appeals/${a.id}`)).status, 200);
  q = await community.get('/api/v1/appeals?status=submitted&limit=500');
  assert.ok(!q.body.items.some((x) => x.id === a.id), 'the old community no longer does');
  assert.equal((await community.get(`/api/v1/appeals/${a.id}`)).status, 404);
  // a unit with appeals cannot be deleted
  r = await district.del(`/api/v1/units/${grid.id}`);
  assert.equal(r.status, 409);
});

// Online service applications (一网通办): the catalogue and its checks, a
// resident's application checked against the item's form, the handling unit
// by level, every step with its message, refusals, and scope.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startDistrict, addUser } from './lib/district.mjs';
import { DB } from './lib/harness.mjs';
import { png } from './lib/images.mjs';

let srv, district, sysadmin, staff, staff2, street, resident, gw;
let items;

async function upload() {
  const r = await srv.json('/api/v1/attachments', { method: 'POST', headers: { 'content-type': 'image/png' }, body: png(6, 4) });
  assert.equal(r.status, 201);
  return r.body.id;
}
const item = (code) => items.find((i) => i.code === code);
const act = (who, id, body) => who.post(`/api/v1/service-applications/${id}/actions`, body);
const CERT = { purpose: '入学', since: '2019-09-01', address: '龙桥社区 3 幢 201 室' };

before(async () => {
  srv = await startDistrict();
  addUser(srv.data.dir, 'staff2', 'community_staff', '320506001002');
  district = await srv.login('district');
  sysadmin = await srv.login('sysadmin');
  staff = await srv.login('longqiao');
  staff2 = await srv.login('staff2');
  street = await srv.login('changqiao');
  resident = await srv.login('resident');
  gw = await srv.login('gridworker');
  items = (await resident.get('/api/v1/service-items')).body.items;
});

after(async () => {
  const r = await srv.stop();
  assert.equal(r.code, 0, srv.log().slice(-3000));
});

test('the catalogue is seeded with realistic items, each with a guide, materials and a form', () => {
  for (const code of ['residence_certificate', 'hardship_assistance', 'senior_card']) {
    const it = item(code);
    assert.ok(it, code);
    assert.ok(it.guide.length > 20);
    assert.ok(it.materials.length >= 2);
    assert.ok(it.form.some((f) => f.required));
  }
  assert.equal(item('hardship_assistance').handling_level, 'street');
  assert.equal(item('residence_certificate').time_limit_days, 5);
});

test('administrators define items; the form and materials are checked field by field', async () => {
  const form = [{ key: 'count', label: '数量', type: 'number', required: true, min: 1, max: 5 }];
  const ok = await district.post('/api/v1/service-items', { code: 'test_item', name: '测试事项', handling_level: 'community', time_limit_days: 3, form, materials: [{ name: '照片', required: true }] });
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  const dup = await sysadmin.post('/api/v1/service-items', { code: 'test_item', name: 'x', handling_level: 'community', time_limit_days: 3, form });
  assert.equal(dup.status, 409);
  const bad = async (body, field) => {
    const r = await district.post('/api/v1/service-items', { code: 'x_item', name: 'x', handling_level: 'community', time_limit_days: 3, form, ...body });
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.body.error.details.field, field);
  };
  await bad({ form: [{ key: 'a', label: 'A', type: 'colour' }] }, 'form');
  await bad({ form: [{ key: 'a', label: 'A', type: 'text' }, { key: 'a', label: 'B', type: 'text' }] }, 'form');
  await bad({ form: [{ key: 'a', label: 'A', type: 'select', options: [] }] }, 'form');
  await bad({ form: [{ key: 'A b', label: 'A', type: 'text' }] }, 'form');
  await bad({ form: [{ key: 'a', label: 'A', type: 'number', min: 5, max: 1 }] }, 'form');
  await bad({ form: [{ key: 'a', label: 'A', type: 'text', integer: true }] }, 'form');
  await bad({ form: [{ key: 'a', label: 'A', type: 'number', integer: 'yes' }] }, 'form');
  await bad({ form: [{ key: 'a', label: 'A', label_en: 'x'.repeat(101), type: 'text' }] }, 'form');
  await bad({ form: [{ key: 'a', label: 'A', label_en: 5, type: 'text' }] }, 'form');
  await bad({ form: [{ key: 'a', label: 'A', type: 'select', options: ['选'.repeat(101)] }] }, 'form');
  await bad({ form: [{ key: 'a', label: '标'.repeat(101), type: 'text' }] }, 'form');
  await bad({ materials: [{ required: true }] }, 'materials');
  await bad({ handling_level: 'grid' }, 'handling_level');
  await bad({ code: 'Bad Code' }, 'code');
  await bad({ time_limit_days: 0 }, 'time_limit_days');
  await bad({ form: undefined }, 'form');
  assert.equal((await resident.post('/api/v1/service-items', { code: 'r', name: 'r', handling_level: 'community', time_limit_days: 1, form })).status, 403);
  assert.equal((await staff.post('/api/v1/service-items', { code: 'r', name: 'r', handling_level: 'community', time_limit_days: 1, form })).status, 403);
  // deactivated: gone for residents, refused to apply
  assert.equal((await district.patch(`/api/v1/service-items/${ok.body.id}`, { active: false })).status, 200);
  assert.ok(!(await resident.get('/api/v1/service-items')).body.items.some((i) => i.code === 'test_item'));
  assert.ok((await district.get('/api/v1/service-items?all=1')).body.items.some((i) => i.code === 'test_item'));
  assert.equal((await resident.post('/api/v1/service-applications', { item_id: ok.body.id, form: { count: 1 } })).status, 404);
  assert.equal((await district.patch(`/api/v1/service-items/${ok.body.id}`, { code: 'other' })).body.error.details.field, 'code');
  // at the limits, counted in characters; an integer field takes whole numbers only
  const edge = [
    { key: 'n', label: '标'.repeat(100), label_en: 'x'.repeat(100), type: 'number', integer: true, min: 0 },
    { key: 's', label: 'S', type: 'select', options: ['选'.repeat(100)] },
  ];
  const e = await district.post('/api/v1/service-items', { code: 'edge_item', name: '边界', handling_level: 'community', time_limit_days: 1, form: edge });
  assert.equal(e.status, 201, JSON.stringify(e.body));
  const half = await resident.post('/api/v1/service-applications', { item_id: e.body.id, form: { n: 0.5 } });
  assert.equal(half.body.error?.details.field, 'form.n', JSON.stringify(half.body));
  const whole = await resident.post('/api/v1/service-applications', { item_id: e.body.id, form: { n: 2, s: '选'.repeat(100) } });
  assert.equal(whole.status, 201, JSON.stringify(whole.body));
  assert.equal((await act(resident, whole.body.id, { action: 'withdraw' })).status, 200);
});

test('an application is checked against the item\'s form', async () => {
  const cert = item('residence_certificate');
  const bad = async (it, form, field) => {
    const r = await resident.post('/api/v1/service-applications', { item_id: it.id, form });
    assert.equal(r.status, 400, JSON.stringify(form));
    assert.equal(r.body.error.details.field, field);
  };
  await bad(cert, { ...CERT, purpose: undefined }, 'form.purpose');
  await bad(cert, { ...CERT, purpose: '旅游' }, 'form.purpose');
  await bad(cert, { ...CERT, since: '2019-02-30' }, 'form.since');
  await bad(cert, { ...CERT, extra: 1 }, 'form.extra');
  await bad(cert, { ...CERT, address: '长'.repeat(201) }, 'form.address');
  await bad(cert, 'text', 'form');
  const hard = item('hardship_assistance');
  const HARD = { household_size: 3, monthly_income_yuan: 1200, reason: '因病', description: '家人住院，医疗费用高', phone: '13900001111' };
  await bad(hard, { ...HARD, phone: '12345' }, 'form.phone');
  await bad(hard, { ...HARD, household_size: 0 }, 'form.household_size');
  await bad(hard, { ...HARD, household_size: '3' }, 'form.household_size');
  // the seeded household size and income are whole numbers (migration 0009)
  assert.ok(hard.form.filter((f) => f.integer === true).map((f) => f.key).join() === 'household_size,monthly_income_yuan', JSON.stringify(hard.form));
  await bad(hard, { ...HARD, household_size: 2.5 }, 'form.household_size');
  await bad(hard, { ...HARD, monthly_income_yuan: 1200.5 }, 'form.monthly_income_yuan');
  const senior = item('senior_card');
  await bad(senior, { name: '张三', id_number: '110105194912310021', birth_date: '1949-12-31', pickup: '到社区领取' }, 'form.id_number');
  const att = await resident.post('/api/v1/service-applications', { item_id: cert.id, form: CERT, attachments: ['0'.repeat(64)] });
  assert.equal(att.status, 400);
  assert.equal(att.body.error.details.field, 'attachments');
  // a Chinese text of exactly the limit is fine (characters, not bytes)
  const r = await resident.post('/api/v1/service-applications', { item_id: cert.id, form: { ...CERT, address: '长'.repeat(200) } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal((await act(resident, r.body.id, { action: 'withdraw' })).status, 200);
});

test('the whole handling: accept, ask for material, supplement, approve, complete — each step tells the resident', async () => {
  const cert = item('residence_certificate');
  const photo = await upload();
  const r = await resident.post('/api/v1/service-applications', { item_id: cert.id, form: CERT, attachments: [photo] });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.status, 'submitted');
  assert.equal(r.body.handler_unit.id, staff.user.unit.id, 'the community handles a residence certificate');
  const id = r.body.id;
  // the community's staff see it in their queue, with the answers; the neighbouring community does not
  const queue = (await staff.get('/api/v1/service-applications?status=submitted')).body.items;
  assert.ok(queue.some((a) => a.id === id));
  const seen = (await staff.get(`/api/v1/service-applications/${id}`)).body;
  assert.deepEqual(seen.form, CERT);
  assert.deepEqual(seen.attachments, [photo]);
  assert.deepEqual(seen.allowed_actions.sort(), ['accept', 'reject', 'request_material']);
  assert.equal((await staff2.get(`/api/v1/service-applications/${id}`)).status, 404);
  assert.ok(!(await staff2.get('/api/v1/service-applications')).body.items.some((a) => a.id === id));
  assert.equal((await gw.get(`/api/v1/service-applications/${id}`)).status, 404, 'grid workers do not handle them');
  // the resident may not accept their own application
  assert.equal((await act(resident, id, { action: 'accept' })).body.error.code, 'service.invalid_state');
  assert.equal((await act(staff, id, { action: 'accept' })).status, 200);
  assert.equal((await act(staff, id, { action: 'request_material' })).body.error.details.field, 'note');
  assert.equal((await act(staff, id, { action: 'request_material', note: '请补充租赁合同第 2 页' })).status, 200);
  assert.equal((await act(staff, id, { action: 'approve' })).body.error.code, 'service.invalid_state');
  // the resident supplements: new answers and a new photo
  const more = await upload();
  const sup = await act(resident, id, { action: 'supplement', note: '已补充', attachments: [more], form: { ...CERT, purpose: '就业' } });
  assert.equal(sup.status, 200, JSON.stringify(sup.body));
  const after = (await resident.get(`/api/v1/service-applications/${id}`)).body;
  assert.equal(after.status, 'accepted');
  assert.equal(after.form.purpose, '就业');
  assert.deepEqual(after.timeline.map((e) => e.action), ['submit', 'accept', 'request_material', 'supplement']);
  assert.deepEqual(after.timeline.at(-1).attachments, [more]);
  assert.deepEqual(after.allowed_actions, ['withdraw']);
  assert.equal((await act(staff, id, { action: 'approve', note: '情况属实' })).status, 200);
  assert.equal((await act(resident, id, { action: 'withdraw' })).body.error.code, 'service.invalid_state');
  const done = await act(staff, id, { action: 'complete', note: '请到社区党群服务中心领取' });
  assert.equal(done.status, 200);
  assert.equal(done.body.status, 'completed');
  const titles = (await resident.get('/api/v1/messages')).body.items.map((m) => m.title);
  for (const t of ['居住证明：已受理', '居住证明：请补充材料', '居住证明：审核通过', '居住证明：已办结']) assert.ok(titles.includes(t), `${t} in ${titles}`);
  // the unit's inbox (read by every appeal:read holder of the unit) names the application, not the applicant or their note
  const inbox = (await staff.get('/api/v1/messages?limit=200')).body.items;
  const submitted = inbox.find((m) => m.title === '新的办事申请：居住证明' && m.body === `申请 #${id}：居住证明`);
  assert.ok(submitted, JSON.stringify(inbox.filter((m) => m.kind === 'service')));
  const supplemented = inbox.find((m) => m.title === '居住证明：已补充材料');
  assert.equal(supplemented?.body, `申请 #${id}`);
  for (const m of inbox.filter((x) => x.kind === 'service')) {
    assert.ok(!m.body.includes(resident.user.display_name) && !m.body.includes('已补充'), m.body);
  }
  const auditor = await srv.login('auditor');
  const rows = (await auditor.get('/api/v1/audit?action=service_application.complete&limit=5')).body.items;
  assert.ok(rows.some((a) => String(a.object_id) === String(id)));
});

test('a street-level item goes to the street; stale versions and raced steps answer 409', async () => {
  const hard = item('hardship_assistance');
  const r = await resident.post('/api/v1/service-applications', { item_id: hard.id, form: { household_size: 2, monthly_income_yuan: 800, reason: '因灾', description: '房屋受损', phone: '+86 139-0000-2222' } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const id = r.body.id;
  assert.equal((await staff.get(`/api/v1/service-applications/${id}`)).status, 404, 'the community does not handle it');
  const seen = (await street.get(`/api/v1/service-applications/${id}`)).body;
  assert.equal(seen.handler_unit.id, street.user.unit.id);
  assert.equal(seen.form.phone, '139****2222', 'handlers read phones masked');
  assert.equal((await street.post(`/api/v1/service-applications/${id}/reveal`)).body.form.phone, '13900002222', 'phones are stored normalised');
  assert.equal((await act(street, id, { action: 'accept', version: seen.version + 1 })).body.error.code, 'service.invalid_state');
  const both = await Promise.all([act(street, id, { action: 'accept' }), act(street, id, { action: 'accept' })]);
  assert.deepEqual(both.map((x) => x.status).sort(), [200, 409]);
  assert.equal((await act(street, id, { action: 'reject' })).body.error.details.field, 'note');
  assert.equal((await act(street, id, { action: 'reject', note: '收入高于救助标准' })).status, 200);
  assert.ok((await resident.get('/api/v1/messages')).body.items.some((m) => m.title === '困难救助申请：未通过' && m.body === '收入高于救助标准'));
  // the resident's own list, and bad input
  const mine = (await resident.get('/api/v1/service-applications')).body.items;
  assert.ok(mine.some((a) => a.id === id && a.status === 'rejected'));
  assert.equal((await resident.get('/api/v1/service-applications?status=bogus')).status, 400);
  assert.equal((await act(street, id, { action: 'teleport' })).body.error.details.field, 'action');
  assert.equal((await resident.post('/api/v1/service-applications', { item_id: 999999, form: {} })).status, 404);
});

test('deadlines are working days after submission', async () => {
  const cert = item('residence_certificate');
  const r = await resident.post('/api/v1/service-applications', { item_id: cert.id, form: CERT });
  const now = new Date((await srv.json('/api/v1/meta')).body.server_time);
  const due = new Date(r.body.due_at);
  const days = (due - now) / 86400e3;
  assert.ok(days >= 5 && days <= 10, `5 working days is 5 to 9 calendar days and a bit: ${days}`);
  assert.match(r.body.due_at, /T00:00:00\+08:00$/);
});

test('an item named at the full 100 characters in mixed scripts reaches every message whole', async () => {
  const name = 'A' + '办'.repeat(99);
  const it = await district.post('/api/v1/service-items', { code: 'long_name_item', name, handling_level: 'community', time_limit_days: 3, form: [{ key: 'what', label: '事由', type: 'text', required: true }] });
  assert.equal(it.status, 201, JSON.stringify(it.body));
  assert.equal((await district.post('/api/v1/service-items', { code: 'longer_name_item', name: name + '多', handling_level: 'community', time_limit_days: 3, form: [] })).body.error.details.field, 'name');
  const r = await resident.post('/api/v1/service-applications', { item_id: it.body.id, form: { what: '测试' } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal((await resident.get(`/api/v1/service-applications/${r.body.id}`)).body.item.name, name);
  assert.ok((await staff.get('/api/v1/messages?limit=200')).body.items.some((m) => m.title === `新的办事申请：${name}`));
  for (const action of ['accept', 'request_material']) {
    const s = await act(staff, r.body.id, { action, note: '请补充' });
    assert.equal(s.status, 200, `${action}: ${JSON.stringify(s.body)}`);
  }
  const sup = await act(resident, r.body.id, { action: 'supplement' });
  assert.equal(sup.status, 200, JSON.stringify(sup.body));
  const titles = (await resident.get('/api/v1/messages?limit=200')).body.items.map((m) => m.title);
  for (const t of [`${name}：已受理`, `${name}：请补充材料`]) assert.ok(titles.includes(t), t);
  assert.ok((await staff.get('/api/v1/messages?limit=200')).body.items.some((m) => m.title === `${name}：已补充材料`));
});

test('a negative sort is kept: on create, on change, and an absent sort leaves it alone', async () => {
  const form = [{ key: 'what', label: '事由', type: 'text' }];
  const r = await district.post('/api/v1/service-items', { code: 'sort_item', name: '排序测试', handling_level: 'community', time_limit_days: 2, form, sort: -5 });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const sortOf = async () => (await district.get(`/api/v1/service-items/${r.body.id}`)).body.sort;
  assert.equal(await sortOf(), -5);
  assert.equal((await district.patch(`/api/v1/service-items/${r.body.id}`, { sort: -1 })).status, 200);
  assert.equal(await sortOf(), -1);
  assert.equal((await district.patch(`/api/v1/service-items/${r.body.id}`, { sort: -100000 })).status, 200);
  assert.equal(await sortOf(), -100000);
  assert.equal((await district.patch(`/api/v1/service-items/${r.body.id}`, { guide: '说明' })).status, 200);
  assert.equal(await sortOf(), -100000, 'a change without sort keeps it');
  assert.equal((await district.patch(`/api/v1/service-items/${r.body.id}`, { sort: 0 })).status, 200);
  assert.equal(await sortOf(), 0);
  assert.equal((await district.patch(`/api/v1/service-items/${r.body.id}`, { sort: -100001 })).body.error.details.field, 'sort');
  // the catalogue is in sort order: a negative sort comes first
  assert.equal((await district.patch(`/api/v1/service-items/${r.body.id}`, { sort: -7 })).status, 200);
  assert.equal((await district.get('/api/v1/service-items?all=1')).body.items[0].id, r.body.id);
});

test('handlers read ID numbers, birth dates and phones masked and reveal them with an audit row', async () => {
  const IDN = '320506195803124529';
  const senior = item('senior_card');
  const a = await resident.post('/api/v1/service-applications', { item_id: senior.id, form: { name: '李桂兰', id_number: IDN, birth_date: '1958-03-12', pickup: '到社区领取' } });
  assert.equal(a.status, 201, JSON.stringify(a.body));
  const id = a.body.id;
  // the applicant reads their own answers whole
  const own = (await resident.get(`/api/v1/service-applications/${id}`)).body;
  assert.equal(own.form.id_number, IDN);
  assert.equal(own.form_masked, false);
  // a handler reads nothing that completes the number: list and detail
  const seen = await staff.get(`/api/v1/service-applications/${id}`);
  assert.equal(seen.status, 200);
  assert.equal(seen.body.form.id_number, '320506***********9');
  assert.equal(seen.body.form.birth_date, '1958-03-**');
  assert.equal(seen.body.form.name, '李桂兰');
  assert.equal(seen.body.form_masked, true);
  const list = await staff.get('/api/v1/service-applications?limit=100');
  for (const r of [seen, list]) {
    const text = JSON.stringify(r.body);
    for (const needle of ['19580312', '1958-03-12', '124529']) assert.ok(!text.includes(needle), `'${needle}' readable`);
  }
  // reveal: handlers only, audited without the values
  assert.equal((await resident.post(`/api/v1/service-applications/${id}/reveal`)).status, 403);
  assert.equal((await staff2.post(`/api/v1/service-applications/${id}/reveal`)).status, 404, 'another community does not handle it');
  const whole = await staff.post(`/api/v1/service-applications/${id}/reveal`);
  assert.equal(whole.status, 200, JSON.stringify(whole.body));
  assert.equal(whole.body.form.id_number, IDN);
  assert.equal(whole.body.form.birth_date, '1958-03-12');
  const auditor = await srv.login('auditor');
  const log = await auditor.get('/api/v1/audit?action=service_application.reveal&limit=50');
  const row = log.body.items.find((x) => String(x.object_id) === String(id));
  assert.ok(row, 'the reveal is audited');
  assert.equal(row.actor_name, 'longqiao');
  assert.ok(!JSON.stringify(log.body).includes(IDN), 'the audit row holds no number');
});

test('the answers are sealed: an ID number and a phone given in a form appear nowhere in the database in plaintext', async () => {
  const IDN = '11010519491231002X';
  const PHONE = '13912345678';
  const senior = item('senior_card');
  const a = await resident.post('/api/v1/service-applications', { item_id: senior.id, form: { name: '张三', id_number: IDN.toLowerCase(), birth_date: '1949-12-31', pickup: '到社区领取' } });
  assert.equal(a.status, 201, JSON.stringify(a.body));
  const hard = item('hardship_assistance');
  const b = await resident.post('/api/v1/service-applications', { item_id: hard.id, form: { household_size: 2, monthly_income_yuan: 900, reason: '因病', description: '住院', phone: '139-1234-5678' } });
  assert.equal(b.status, 201, JSON.stringify(b.body));
  // the applicant reads them back, normalised
  assert.equal((await resident.get(`/api/v1/service-applications/${a.body.id}`)).body.form.id_number, IDN);
  assert.equal((await resident.get(`/api/v1/service-applications/${b.body.id}`)).body.form.phone, PHONE);
  let blobs;
  if (DB === 'sqlite') {
    // fold the WAL in, then read every file of the database
    spawnSync('sqlite3', [join(srv.data.dir, 'shuniu.db'), 'PRAGMA wal_checkpoint(FULL)']);
    blobs = readdirSync(srv.data.dir).filter((f) => f.startsWith('shuniu.db')).map((f) => readFileSync(join(srv.data.dir, f)));
  } else {
    const r = spawnSync('pg_dump', ['--data-only', srv.data.dbUrl], { maxBuffer: 1 << 30 });
    assert.equal(r.status, 0, String(r.stderr));
    blobs = [r.stdout];
  }
  // what was read holds the data (the item's code is plain text), but not the numbers
  assert.ok(blobs.some((x) => x.indexOf(Buffer.from('hardship_assistance')) !== -1), 'the database was read');
  for (const x of blobs) {
    for (const needle of [IDN, IDN.toLowerCase(), PHONE, '139-1234-5678']) assert.equal(x.indexOf(Buffer.from(needle)), -1, `'${needle}' found in plaintext`);
  }
});

test('bodies name a field they do not know, and optional fields take their defaults', async () => {
  const form = [{ key: 'what', label: '事由', type: 'text' }];
  const field = async (p) => {
    const r = await p;
    assert.equal(r.status, 400, JSON.stringify(r.body));
    return r.body.error.details.field;
  };
  const base = { code: 'typo_item', name: '未知字段', handling_level: 'community', time_limit_days: 2, form };
  assert.equal(await field(district.post('/api/v1/service-items', { ...base, time_limit: 3 })), 'time_limit');
  assert.equal(await field(district.post('/api/v1/service-items', { ...base, form: undefined })), 'form');
  const it = await district.post('/api/v1/service-items', { ...base, sort: null, name_en: null });
  assert.equal(it.status, 201, JSON.stringify(it.body));
  const made = (await district.get(`/api/v1/service-items/${it.body.id}`)).body;
  assert.equal(made.sort, 0);
  assert.equal(made.name_en, '');
  assert.equal(made.active, true);
  assert.equal(await field(district.patch(`/api/v1/service-items/${it.body.id}`, { colour: 'red' })), 'colour');
  assert.equal(await field(resident.post('/api/v1/service-applications', { item_id: it.body.id, form: {}, photos: [] })), 'photos');
  const r = await resident.post('/api/v1/service-applications', { item_id: it.body.id, form: {} });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(await field(act(resident, r.body.id, { action: 'withdraw', reason: 'x' })), 'reason');
  assert.equal(await field(act(resident, r.body.id, { action: 'withdraw', version: 0 })), 'version');
  assert.equal((await act(resident, r.body.id, { action: 'withdraw', note: null })).status, 200);
});

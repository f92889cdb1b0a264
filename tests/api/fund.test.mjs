// The community service fund (为民服务专项经费, issue 13): allocations that
// keep every community at the minimum, spends only on an approved project of
// the community and never beyond its balance (fifty racing spends included),
// the street's approval above the threshold, refunds and corrections as new
// entries, a meal point's month as a spend, the ledger, its Excel export, and
// `shuniu verify ledger` naming the entry a one-byte change or a removed last
// entry breaks. All on communities made here, so every figure is counted by
// hand; the demo's own allocations (if the demo makes them) never enter.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { startDistrict, addUser } from './lib/district.mjs';
import { cli, DB } from './lib/harness.mjs';

const MIN = 20000000; // fund_min_per_community's default: 200,000 CNY
const THRESHOLD = 2000000; // fund_approval_threshold_fen's default: 20,000 CNY
const YEAR = 2026; // the pinned test clock's Shanghai year

let srv, admin, street, fstaff, fstaffB, reader;
let streetUnit, A, B, C, gridA, nanting;

async function unit(parent, name) {
  const r = await admin.post('/api/v1/units', { parent_id: parent, name });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

async function signIn() {
  admin = await srv.login('district');
  street = await srv.login('changqiao');
  fstaff = await srv.login('fstaff');
  fstaffB = await srv.login('fstaffb');
  reader = await srv.login('fhub');
}

const allocate = (who, unit_id, amount_fen, year = YEAR, note = '年度经费') =>
  who.post('/api/v1/fund/allocations', { unit_id, year, amount_fen, note });

async function coverageOf(who, unitId, year = YEAR) {
  const r = await who.get(`/api/v1/fund/coverage?year=${year}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.items.find((i) => i.unit.id === unitId);
}

// An approved project of a unit, through the projects API.
async function project(unitId, { year = YEAR, approve = true, title = '经费测试项目' } = {}) {
  const r = await admin.post('/api/v1/projects', {
    unit_id: unitId, year, type: 'other', title, goal: '测试', budget_fen: 1000000,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  if (approve) {
    const a = await street.post(`/api/v1/projects/${r.body.id}/actions`, { action: 'approve' });
    assert.equal(a.status, 200, JSON.stringify(a.body));
  }
  return r.body.id;
}

function sql(stmt) {
  if (DB === 'postgres') return srv.data.psql(stmt);
  const r = spawnSync('sqlite3', [join(srv.data.dir, 'shuniu.db'), stmt], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

const verify = () => cli(['verify', 'ledger', '--data', srv.data.dir]);

before(async () => {
  srv = await startDistrict();
  admin = await srv.login('district');
  streetUnit = (await srv.login('changqiao')).user.unit;
  A = await unit(streetUnit.id, '经费测试一社区');
  B = await unit(streetUnit.id, '经费测试二社区');
  C = await unit(streetUnit.id, '经费竞争社区');
  gridA = await unit(A.id, '经费第一网格');
  addUser(srv.data.dir, 'fstaff', 'community_staff', A.code);
  addUser(srv.data.dir, 'fstaffb', 'community_staff', B.code);
  addUser(srv.data.dir, 'fhub', 'hub_leader', gridA.code);
  const n = await admin.get(`/api/v1/units?kind=community&q=${encodeURIComponent('南亭社区')}`);
  nanting = n.body.items[0];
  assert.ok(nanting, 'the demo has 南亭社区');
  await signIn();
});

after(async () => {
  const r = await srv.stop();
  assert.equal(r.code, 0, srv.log());
});

// ---- allocations and the minimum ----

test('an allocation that leaves a community below the minimum is refused with the figures', async () => {
  const r = await allocate(street, A.id, MIN - 1);
  assert.equal(r.status, 409);
  assert.equal(r.body.error.code, 'fund.below_minimum');
  assert.deepEqual(r.body.error.details, { minimum_fen: MIN, allocated_fen: 0, after_fen: MIN - 1 });
  const ok = await allocate(street, A.id, MIN, YEAR, '2026年度为民服务专项经费');
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  assert.equal(ok.body.kind, 'allocation');
  assert.equal(ok.body.amount_fen, MIN);
  assert.equal(ok.body.year, YEAR);
  assert.equal(ok.body.unit.id, A.id);
  assert.equal(ok.body.project, null);
  assert.equal(ok.body.actor.name, '长桥街道 干部');
  assert.match(ok.body.at, /\+08:00$/);
  // once at the minimum, a further allocation of any size is fine
  const more = await allocate(admin, A.id, 100);
  assert.equal(more.status, 201);
  assert.equal(more.body.seq, ok.body.seq + 1);
});

test('allocations: a community only, inside the caller\'s subtree, by the district or a street', async () => {
  const grid = await allocate(admin, gridA.id, MIN);
  assert.equal(grid.status, 400);
  assert.equal(grid.body.error.details.field, 'unit_id');
  assert.equal((await allocate(street, nanting.id, MIN)).status, 404, '南亭 lies in another street');
  assert.equal((await allocate(fstaff, A.id, MIN)).status, 403, 'a community does not allocate to itself');
  const year = await allocate(admin, A.id, MIN, 1999);
  assert.equal(year.body.error.details.field, 'year');
  const zero = await allocate(admin, A.id, 0);
  assert.equal(zero.body.error.details.field, 'amount_fen');
  const extra = await admin.post('/api/v1/fund/allocations', { unit_id: A.id, year: YEAR, amount_fen: MIN, foo: 1 });
  assert.equal(extra.status, 400);
});

test('coverage: the district sees every community with its figures, those below the minimum flagged', async () => {
  const a = await coverageOf(admin, A.id);
  assert.deepEqual(
    { allocated: a.allocated_fen, spent: a.spent_fen, balance: a.balance_fen, below: a.below_minimum },
    { allocated: MIN + 100, spent: 0, balance: MIN + 100, below: false });
  assert.equal(a.street.id, streetUnit.id);
  const b = await coverageOf(admin, B.id);
  assert.equal(b.allocated_fen, 0);
  assert.equal(b.below_minimum, true, 'a community with nothing allocated is below the minimum');
  const all = (await admin.get(`/api/v1/fund/coverage?year=${YEAR}`)).body;
  assert.equal(all.minimum_fen, MIN);
  assert.equal(all.below_minimum, all.items.filter((i) => i.below_minimum).length);
  assert.ok(all.items.some((i) => i.unit.id === nanting.id), 'the district sees every street');
  // a street sees its own communities only; a community itself; ?unit= outside is 404
  assert.ok(!(await street.get(`/api/v1/fund/coverage`)).body.items.some((i) => i.unit.id === nanting.id));
  const own = (await fstaff.get('/api/v1/fund/coverage')).body.items;
  assert.deepEqual(own.map((i) => i.unit.id), [A.id]);
  assert.equal((await fstaff.get(`/api/v1/fund/coverage?unit=${B.id}`)).status, 404);
  // a hub leader below the community sees its community's fund (public anyway)
  assert.deepEqual((await reader.get('/api/v1/fund/coverage')).body.items.map((i) => i.unit.id), [A.id]);
  const next = await coverageOf(admin, A.id, YEAR + 1);
  assert.equal(next.allocated_fen, 0, 'another year starts from nothing');
  assert.equal((await admin.get('/api/v1/fund/coverage?year=20x6')).body.error.details.field, 'year');
});

test('corrections are new entries: a negative one may not take a community below the minimum', async () => {
  const first = (await admin.get(`/api/v1/fund/ledger?unit=${A.id}&kind=allocation`)).body.items.at(-1);
  const below = await street.post('/api/v1/fund/corrections', { entry_seq: first.seq, amount_fen: -101, note: '多拨' });
  assert.equal(below.status, 409);
  assert.equal(below.body.error.code, 'fund.below_minimum');
  const ok = await street.post('/api/v1/fund/corrections', { entry_seq: first.seq, amount_fen: -100, note: '更正多拨的 1 元' });
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  assert.equal(ok.body.kind, 'correction');
  assert.equal(ok.body.amount_fen, -100);
  assert.equal(ok.body.ref_seq, first.seq);
  assert.equal((await coverageOf(admin, A.id)).allocated_fen, MIN);
  // the allocation itself is unchanged
  const again = (await admin.get(`/api/v1/fund/ledger?unit=${A.id}&kind=allocation`)).body.items.at(-1);
  assert.deepEqual(again, first);
  const bad = await street.post('/api/v1/fund/corrections', { entry_seq: ok.body.seq, amount_fen: 5, note: 'x' });
  assert.equal(bad.body.error.details.field, 'entry_seq', 'only an allocation is corrected');
  assert.equal((await street.post('/api/v1/fund/corrections', { entry_seq: first.seq, amount_fen: 0, note: 'x' })).body.error.details.field, 'amount_fen');
  assert.equal((await street.post('/api/v1/fund/corrections', { entry_seq: first.seq, amount_fen: 5, note: '' })).body.error.details.field, 'note');
  assert.equal((await street.post('/api/v1/fund/corrections', { entry_seq: 99999999, amount_fen: 5, note: 'x' })).status, 404);
});

// ---- the ledger ----

test('the ledger: newest first, paged, filtered, inside the caller\'s area only', async () => {
  const all = (await admin.get(`/api/v1/fund/ledger?unit=${A.id}`)).body.items;
  assert.ok(all.length >= 3);
  for (let i = 1; i < all.length; i++) assert.ok(all[i - 1].seq > all[i].seq);
  const p1 = (await admin.get(`/api/v1/fund/ledger?unit=${A.id}&limit=2`)).body;
  assert.equal(p1.items.length, 2);
  assert.ok(p1.next_cursor);
  const p2 = (await admin.get(`/api/v1/fund/ledger?unit=${A.id}&limit=2&cursor=${p1.next_cursor}`)).body;
  assert.deepEqual([...p1.items, ...p2.items].map((e) => e.seq), all.slice(0, p1.items.length + p2.items.length).map((e) => e.seq));
  assert.ok((await fstaff.get('/api/v1/fund/ledger')).body.items.every((e) => e.unit.id === A.id));
  assert.equal((await fstaffB.get('/api/v1/fund/ledger')).body.items.length, 0);
  assert.equal((await fstaffB.get(`/api/v1/fund/ledger?unit=${A.id}`)).status, 404);
  assert.equal((await admin.get(`/api/v1/fund/ledger?unit=${A.id}&year=${YEAR + 1}`)).body.items.length, 0);
  assert.equal((await admin.get(`/api/v1/fund/ledger?kind=gift`)).body.error.details.field, 'kind');
  assert.equal((await srv.json('/api/v1/fund/ledger')).status, 401);
});

test('the Excel export is an .xlsx (a ZIP) with Chinese headers and amounts in yuan', async () => {
  const r = await srv.fetch(`/api/v1/fund/ledger.xlsx?unit=${A.id}&year=${YEAR}`, { headers: { cookie: `shuniu_session=${fstaff.cookie}` } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.match(r.headers.get('content-disposition'), /attachment; filename="fund-ledger-2026\.xlsx"/);
  const buf = Buffer.from(await r.arrayBuffer());
  assert.equal(buf.subarray(0, 2).toString(), 'PK');
  const file = join(srv.data.root, 'ledger.xlsx');
  writeFileSync(file, buf);
  const py = spawnSync('python3', ['-c', `
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print(z.read('xl/worksheets/sheet1.xml').decode())
print(z.read('xl/styles.xml').decode())`, file], { encoding: 'utf8' });
  assert.equal(py.status, 0, py.stderr);
  for (const s of ['序号', '时间', '金额（元）', '拨付', '更正', '经费测试一社区', '长桥街道 干部']) assert.ok(py.stdout.includes(s), s);
  assert.match(py.stdout, /<v>200000<\/v>/, 'the allocation in yuan');
  assert.match(py.stdout, /formatCode="0.00"/);
  assert.match(py.stdout, /2026-11-25 \d\d:\d\d:\d\d/, 'Shanghai local times');
  assert.equal((await fstaffB.get(`/api/v1/fund/ledger.xlsx?unit=${A.id}`)).status, 404);
  // nothing is left behind in the data directory
  assert.ok(!spawnSync('ls', [srv.data.dir], { encoding: 'utf8' }).stdout.includes('fund-export'));
});

// ---- spends ----

test('a spend needs an approved or running project of the community, in the project\'s year', async () => {
  const proposed = await project(A.id, { approve: false });
  const r = await fstaff.post('/api/v1/fund/spends', { project_id: proposed, amount_fen: 1000, note: '购置' });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.code, 'fund.no_project');
  assert.equal(r.body.error.details.state, 'proposed');
  const approved = await project(gridA.id, { title: '网格便民项目' });
  const ok = await fstaff.post('/api/v1/fund/spends', { project_id: approved, amount_fen: 150000, note: '购置便民服务设备' });
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  assert.equal(ok.body.state, 'recorded', 'at or below the threshold it is on the ledger at once');
  assert.equal(ok.body.unit.id, A.id, 'a grid\'s project spends its community\'s fund');
  assert.equal(ok.body.entry.kind, 'spend');
  assert.equal(ok.body.entry.amount_fen, 150000);
  assert.deepEqual(ok.body.entry.project, { id: approved, title: '网格便民项目' });
  assert.equal(ok.body.entry_seq, ok.body.entry.seq);
  const cov = await coverageOf(admin, A.id);
  assert.deepEqual([cov.spent_fen, cov.balance_fen], [150000, MIN - 150000]);
  // next year's project spends next year's fund, which is empty
  const next = await project(A.id, { year: YEAR + 1 });
  const r2 = await fstaff.post('/api/v1/fund/spends', { project_id: next, amount_fen: 1000, note: 'x' });
  assert.equal(r2.body.error.code, 'fund.insufficient');
  assert.deepEqual(r2.body.error.details, { balance_fen: 0, amount_fen: 1000 });
  // another community's project is out of scope; bad bodies name the field
  const projB = await project(B.id);
  assert.equal((await fstaff.post('/api/v1/fund/spends', { project_id: projB, amount_fen: 1000, note: 'x' })).status, 404);
  assert.equal((await fstaff.post('/api/v1/fund/spends', { project_id: approved, note: 'x' })).body.error.details.field, 'amount_fen');
  assert.equal((await fstaff.post('/api/v1/fund/spends', { project_id: approved, amount_fen: 5, note: '' })).body.error.details.field, 'note');
  assert.equal((await street.post('/api/v1/fund/spends', { project_id: approved, amount_fen: 5, note: 'x' })).status, 403, 'a street does not spend');
  // cancelled since: refused again
  const cancelled = await project(A.id, { title: '将取消的项目' });
  assert.equal((await admin.post(`/api/v1/projects/${cancelled}/actions`, { action: 'cancel', reason: '不再需要' })).status, 200);
  assert.equal((await fstaff.post('/api/v1/fund/spends', { project_id: cancelled, amount_fen: 5, note: 'x' })).body.error.code, 'fund.no_project');
});

test('a spend above the threshold waits for the street, whose approval alone writes the entry', async () => {
  const p = await project(A.id, { title: '社区活动室改造' });
  const before = (await coverageOf(admin, A.id)).balance_fen;
  const seqBefore = (await admin.get('/api/v1/fund/ledger?limit=1')).body.items[0].seq;
  const r = await fstaff.post('/api/v1/fund/spends', { project_id: p, amount_fen: THRESHOLD + 1, note: '活动室改造工程款' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.state, 'pending');
  assert.equal(r.body.entry, null);
  assert.equal((await admin.get('/api/v1/fund/ledger?limit=1')).body.items[0].seq, seqBefore, 'nothing on the ledger yet');
  assert.equal((await coverageOf(admin, A.id)).balance_fen, before);
  const pending = (await street.get('/api/v1/fund/spends?state=pending')).body.items;
  assert.ok(pending.some((s) => s.id === r.body.id));
  assert.ok(pending.every((s) => s.state === 'pending'));
  assert.equal((await street.get(`/api/v1/fund/spends?state=pending&year=${YEAR + 1}`)).body.items.length, 0);
  assert.equal((await street.get('/api/v1/fund/spends?state=maybe')).body.error.details.field, 'state');
  assert.ok(!(await fstaffB.get('/api/v1/fund/spends')).body.items.some((s) => s.id === r.body.id));
  // the community cannot approve itself; another street's officer does not see it
  assert.equal((await fstaff.post(`/api/v1/fund/spends/${r.body.id}/actions`, { action: 'approve' })).status, 403);
  const noReason = await street.post(`/api/v1/fund/spends/${r.body.id}/actions`, { action: 'reject' });
  assert.equal(noReason.body.error.details.field, 'reason');
  // two officers approving at once: one entry, the other 409
  const both = await Promise.all([street, admin].map((w) => w.post(`/api/v1/fund/spends/${r.body.id}/actions`, { action: 'approve' })));
  assert.deepEqual(both.map((x) => x.status).sort(), [200, 409]);
  const ok = both.find((x) => x.status === 200).body;
  assert.equal(both.find((x) => x.status === 409).body.error.code, 'fund.invalid_state');
  assert.equal(ok.state, 'approved');
  assert.ok(['长桥街道 干部', '区委组织部 管理员'].includes(ok.decided_by.name));
  assert.equal(ok.entry.amount_fen, THRESHOLD + 1);
  assert.equal(ok.entry.seq, seqBefore + 1);
  assert.equal((await admin.get('/api/v1/fund/ledger?limit=1')).body.items[0].seq, seqBefore + 1, 'one entry');
  assert.equal((await coverageOf(admin, A.id)).balance_fen, before - THRESHOLD - 1);
  const twice = await street.post(`/api/v1/fund/spends/${r.body.id}/actions`, { action: 'approve' });
  assert.equal(twice.status, 409);
  assert.equal(twice.body.error.code, 'fund.invalid_state');
  assert.equal(twice.body.error.details.state, 'approved');
  // a rejected request leaves no entry and carries its reason
  const r2 = await fstaff.post('/api/v1/fund/spends', { project_id: p, amount_fen: THRESHOLD * 2, note: '二期' });
  const no = await street.post(`/api/v1/fund/spends/${r2.body.id}/actions`, { action: 'reject', reason: '预算不足，明年再议' });
  assert.equal(no.status, 200);
  assert.equal(no.body.state, 'rejected');
  assert.equal(no.body.reason, '预算不足，明年再议');
  assert.equal((await fstaff.get(`/api/v1/fund/spends/${r2.body.id}`)).body.entry_seq, null);
  assert.equal((await fstaffB.get(`/api/v1/fund/spends/${r2.body.id}`)).status, 404);
});

test('approval re-checks the balance: a request the fund can no longer cover stays pending', async () => {
  const p = await project(A.id, { title: '大额项目' });
  const bal = (await coverageOf(admin, A.id)).balance_fen;
  const big = await fstaff.post('/api/v1/fund/spends', { project_id: p, amount_fen: bal, note: '全部余额' });
  assert.equal(big.body.state, 'pending');
  // meanwhile a small spend takes some of it
  assert.equal((await fstaff.post('/api/v1/fund/spends', { project_id: p, amount_fen: 1000, note: '小额' })).body.state, 'recorded');
  const r = await street.post(`/api/v1/fund/spends/${big.body.id}/actions`, { action: 'approve' });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.code, 'fund.insufficient');
  assert.deepEqual(r.body.error.details, { balance_fen: bal - 1000, amount_fen: bal });
  assert.equal((await fstaff.get(`/api/v1/fund/spends/${big.body.id}`)).body.state, 'pending');
  // a request beyond the balance is refused at once
  const over = await fstaff.post('/api/v1/fund/spends', { project_id: p, amount_fen: bal, note: '超额' });
  assert.equal(over.body.error.code, 'fund.insufficient');
  assert.equal((await street.post(`/api/v1/fund/spends/${big.body.id}/actions`, { action: 'reject', reason: '余额不足' })).status, 200);
});

test('fifty spends racing for the last of a balance: exactly the ones that fit succeed', async () => {
  assert.equal((await allocate(admin, C.id, MIN)).status, 201);
  addUser(srv.data.dir, 'fstaffc', 'community_staff', C.code);
  const staffC = await srv.login('fstaffc');
  const p = await project(C.id, { title: '竞争测试项目' });
  // leave 10 × 1,000,000 fen and send 50 spends of 1,000,000
  for (let i = 0; i < 5; i++) {
    assert.equal((await staffC.post('/api/v1/fund/spends', { project_id: p, amount_fen: THRESHOLD, note: `前期 ${i}` })).status, 201);
  }
  const who = [staffC, admin];
  const answers = await Promise.all(Array.from({ length: 50 }, (_, i) =>
    who[i % 2].post('/api/v1/fund/spends', { project_id: p, amount_fen: 1000000, note: `并发 ${i}` })));
  const ok = answers.filter((a) => a.status === 201);
  const refused = answers.filter((a) => a.status === 409);
  assert.equal(ok.length, 10, JSON.stringify(answers.filter((a) => a.status !== 201 && a.status !== 409).map((a) => a.body)));
  assert.equal(refused.length, 40);
  assert.ok(refused.every((a) => a.body.error.code === 'fund.insufficient'));
  const c = await coverageOf(admin, C.id);
  assert.deepEqual([c.spent_fen, c.balance_fen], [MIN, 0]);
  const entries = (await admin.get(`/api/v1/fund/ledger?unit=${C.id}&kind=spend&limit=500`)).body.items;
  assert.equal(entries.length, 15);
  assert.equal(new Set(entries.map((e) => e.seq)).size, 15);
});

test('refunds: at most what is left of the spend, as new entries naming it', async () => {
  const p = await project(A.id, { title: '退款测试项目' });
  const s = (await fstaff.post('/api/v1/fund/spends', { project_id: p, amount_fen: 50000, note: '采购' })).body;
  const seq = s.entry.seq;
  const balance = (await coverageOf(admin, A.id)).balance_fen;
  const r1 = await fstaff.post('/api/v1/fund/refunds', { entry_seq: seq, amount_fen: 20000, note: '退回余款' });
  assert.equal(r1.status, 201, JSON.stringify(r1.body));
  assert.equal(r1.body.kind, 'refund');
  assert.equal(r1.body.ref_seq, seq);
  assert.deepEqual(r1.body.project, { id: p, title: '退款测试项目' });
  const over = await fstaff.post('/api/v1/fund/refunds', { entry_seq: seq, amount_fen: 30001, note: '再退' });
  assert.equal(over.status, 409);
  assert.equal(over.body.error.code, 'fund.refund_exceeds');
  assert.equal(over.body.error.details.refundable_fen, 30000);
  assert.equal((await fstaff.post('/api/v1/fund/refunds', { entry_seq: seq, amount_fen: 30000, note: '全部退回' })).status, 201);
  assert.equal((await coverageOf(admin, A.id)).balance_fen, balance + 50000);
  const alloc = (await admin.get(`/api/v1/fund/ledger?unit=${A.id}&kind=allocation`)).body.items[0];
  assert.equal((await fstaff.post('/api/v1/fund/refunds', { entry_seq: alloc.seq, amount_fen: 1, note: 'x' })).body.error.details.field, 'entry_seq');
  assert.equal((await fstaffB.post('/api/v1/fund/refunds', { entry_seq: seq, amount_fen: 1, note: 'x' })).status, 404);
  // the spend entry itself is as it was
  const spend = (await admin.get(`/api/v1/fund/ledger?unit=${A.id}&kind=spend`)).body.items.find((e) => e.seq === seq);
  assert.equal(spend.amount_fen, 50000);
});

test('a meal point\'s month is posted as a spend from its statement, once', async () => {
  // a meal point in A, an enrolled resident, two dine-in meals served today and tomorrow
  const building = await unit(gridA.id, '1幢');
  const hh = (await admin.post('/api/v1/households', { building_id: building.id, room: '101' })).body.id;
  const res = (await admin.post('/api/v1/residents', { household_id: hh, name: '测试老人', birth_date: '1936-01-01' })).body.id;
  const point = (await admin.post('/api/v1/meal-points', {
    unit_id: A.id, name: '经费助餐点', daily_capacity: 50, modes: ['dine_in'], price_fen: 1500,
    subsidy_fen: 1000, order_cutoff: '23:59', eligibility: ['aged_80_plus'],
  })).body;
  assert.ok(point.id, 'meal point made');
  const e = await admin.post('/api/v1/meal-enrolments', { point_id: point.id, resident_id: res });
  assert.equal(e.status, 201, JSON.stringify(e.body));
  assert.equal((await admin.post(`/api/v1/meal-enrolments/${e.body.id}/approve`, {})).status, 200);
  const meta = (await srv.json('/api/v1/meta')).body.server_time;
  const today = new Date(new Date(meta).getTime() + 8 * 3600e3).toISOString().slice(0, 10);
  const month = today.slice(0, 7);
  const o = await admin.post('/api/v1/meal-orders', { enrolment_id: e.body.id, day: today, mode: 'dine_in' });
  assert.equal(o.status, 201, JSON.stringify(o.body));
  assert.equal((await admin.post(`/api/v1/meal-orders/${o.body.id}/serve`)).status, 200);
  const st = (await admin.get(`/api/v1/meal-points/${point.id}/statement?month=${month}`)).body;
  assert.equal(st.subsidy_total_fen, 1000);
  const p = await project(A.id, { title: '经费助餐点运营' });
  // posted twice at once: once on the ledger, the other 409
  const two = await Promise.all([fstaff, admin].map((w) => w.post('/api/v1/fund/spends', { project_id: p, meal_point_id: point.id, month })));
  assert.deepEqual(two.map((x) => x.status).sort(), [201, 409], JSON.stringify(two.map((x) => x.body)));
  assert.equal(two.find((x) => x.status === 409).body.error.code, 'fund.already_billed');
  const r = two.find((x) => x.status === 201);
  assert.equal(r.body.amount_fen, st.subsidy_total_fen, 'the statement\'s subsidy total');
  assert.equal(r.body.meal_point_id, point.id);
  assert.equal(r.body.month, month);
  assert.match(r.body.entry.note, new RegExp(`经费助餐点 ${month} 助餐账单`));
  const again = await fstaff.post('/api/v1/fund/spends', { project_id: p, meal_point_id: point.id, month });
  assert.equal(again.status, 409);
  assert.equal(again.body.error.code, 'fund.already_billed');
  assert.equal((await fstaff.post('/api/v1/fund/spends', { project_id: p, meal_point_id: point.id, month: '2026-13' })).body.error.details.field, 'month');
  assert.equal((await fstaff.post('/api/v1/fund/spends', { project_id: p, meal_point_id: point.id, month: '2026-01' })).body.error.details.field, 'month', 'nothing billed');
  assert.equal((await fstaff.post('/api/v1/fund/spends', { project_id: p, meal_point_id: point.id, month, amount_fen: 5 })).body.error.details.field, 'amount_fen');
  // a point of another community does not bill A's project
  const pointB = (await admin.post('/api/v1/meal-points', {
    unit_id: B.id, name: '二社区助餐点', daily_capacity: 5, modes: ['dine_in'], price_fen: 100,
    subsidy_fen: 50, order_cutoff: '23:59', eligibility: ['aged_80_plus'],
  })).body;
  assert.equal((await fstaff.post('/api/v1/fund/spends', { project_id: p, meal_point_id: pointB.id, month })).body.error.details.field, 'meal_point_id');
});

// ---- verification (last: it breaks the ledger) ----

test('verify ledger: intact, then names the entry one changed byte breaks, then a removed last entry', async () => {
  const ok = verify();
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /fund ledger intact: \d+ entries verified/);
  const first = (await admin.get(`/api/v1/fund/ledger?unit=${A.id}&kind=allocation`)).body.items.at(-1);
  // one byte of one field: 20000000 → 20000001
  sql(`UPDATE fund_entries SET amount_fen = amount_fen + 1 WHERE seq = ${first.seq}`);
  const bad = verify();
  assert.equal(bad.status, 3, bad.stderr);
  assert.match(bad.stderr, new RegExp(`BROKEN \\(rewritten\\) at entry ${first.seq}\\b`));
  sql(`UPDATE fund_entries SET amount_fen = amount_fen - 1 WHERE seq = ${first.seq}`);
  assert.equal(verify().status, 0);
  // one byte of the note
  const note = (await admin.get(`/api/v1/fund/ledger?unit=${A.id}&kind=correction`)).body.items[0];
  sql(`UPDATE fund_entries SET note = 'X' || substr(note, 2) WHERE seq = ${note.seq}`);
  assert.match(verify().stderr, new RegExp(`at entry ${note.seq}\\b`));
  sql(`UPDATE fund_entries SET note = '${note.note.replace(/'/g, "''")}' WHERE seq = ${note.seq}`);
  assert.equal(verify().status, 0);
  // the newest entry removed: chain_heads still names it
  const last = await allocate(admin, A.id, 1, YEAR, '最后一笔');
  assert.equal(last.status, 201);
  const n = last.body.seq;
  assert.ok(existsSync(join(srv.data.dir, 'fund.anchors')), 'every write anchors the head outside the database');
  sql(`DELETE FROM fund_entries WHERE seq = ${n}`);
  const cut = verify();
  assert.equal(cut.status, 5, cut.stderr);
  assert.match(cut.stderr, new RegExp(`BROKEN \\(truncated\\) at entry ${n}\\b`));
  // ... and with chain_heads moved back too, the anchor file still names it
  sql(`UPDATE chain_heads SET seq = ${n - 1}, head = (SELECT mac FROM fund_entries WHERE seq = ${n - 1}) WHERE name = 'fund'`);
  const back = verify();
  assert.equal(back.status, 5, back.stderr);
  assert.match(back.stderr, new RegExp(`at entry ${n}\\b.*newest anchor`));
  // the anchor file removed once started is a fault of its own
  renameSync(join(srv.data.dir, 'fund.anchors'), join(srv.data.dir, 'fund.anchors.moved'));
  const gone = verify();
  assert.equal(gone.status, 6, gone.stderr);
  assert.match(gone.stderr, /BROKEN \(anchors\)/);
});

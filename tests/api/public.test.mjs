// The signed-out community pages (/api/v1/public/…): what a resident can follow
// without an account, composed from commitments, projects, micro and fund, and
// never a resident's name, phone or account.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDistrict } from './lib/district.mjs';

let srv, admin, longqiao, nanting, changqiao;
before(async () => {
  srv = await startDistrict();
  admin = await srv.login('district');
  const find = async (kind, name) => {
    const r = await admin.get(`/api/v1/units?kind=${kind}&q=${encodeURIComponent(name)}`);
    assert.equal(r.body.items.length, 1, name);
    return r.body.items[0];
  };
  longqiao = await find('community', '龙桥社区');
  nanting = await find('community', '南亭社区');
  changqiao = await find('street', '长桥街道');
});
after(async () => { await srv.stop(); });

// Every string in a JSON value, keys included.
function strings(v, out = []) {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => strings(x, out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) { out.push(k); strings(x, out); }
  return out;
}

test('the summary of a community needs no sign-in and adds up its parts', async () => {
  const r = await srv.json(`/api/v1/public/units/${longqiao.code}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.unit.code, longqiao.code);
  assert.equal(r.body.unit.name, '龙桥社区');
  assert.match(r.body.unit.party_org, /龙桥社区/);
  assert.equal(r.body.street.name, '长桥街道');
  assert.equal(r.body.year, 2026, 'the year of the pinned clock');
  assert.equal(r.body.commitments.items, 10, '龙桥社区 made 10 public commitments');
  assert.ok(r.body.projects.count >= 1);
  const byState = Object.values(r.body.projects.by_state).reduce((a, b) => a + b, 0);
  assert.equal(byState, r.body.projects.count);
  assert.equal(r.body.fund.allocated_fen, 20000000);
  assert.equal(r.body.fund.balance_fen, r.body.fund.allocated_fen - r.body.fund.spent_fen);
  assert.ok(r.body.micro, '龙桥 runs a 微实事 round');
  assert.equal(r.headers.get('cache-control'), 'no-store');
});

test('only a community has a public page; codes and years are checked', async () => {
  assert.equal((await srv.json('/api/v1/public/units/999999999999')).status, 404);
  assert.equal((await srv.json(`/api/v1/public/units/${changqiao.code}`)).status, 404, 'a street');
  assert.equal((await srv.json(`/api/v1/public/units/${'9'.repeat(300)}`)).status, 404);
  for (const bad of ['1999', '2101', 'abc', '2026.5']) {
    const r = await srv.json(`/api/v1/public/units/${longqiao.code}/projects?year=${bad}`);
    assert.equal(r.status, 400, bad);
    assert.equal(r.body.error.code, 'request.invalid');
    assert.equal(r.body.error.details.field, 'year');
  }
  const other = await srv.json(`/api/v1/public/units/${longqiao.code}/fund?year=2020`);
  assert.equal(other.status, 200);
  assert.equal(other.body.year, 2020);
  assert.equal(other.body.allocated_fen, 0);
});

test('the commitment list carries each item\'s progress and the projects serving it', async () => {
  const r = await srv.json(`/api/v1/public/units/${longqiao.code}/commitments`);
  assert.equal(r.status, 200);
  const items = r.body.lists.flatMap((l) => l.items);
  assert.equal(items.length, 10);
  const titles = items.map((i) => i.title).join('|');
  assert.match(titles, /经济发展惠及民生实事/);
  assert.match(titles, /党建引领优化社区治理/);
  for (const i of items) assert.ok(Array.isArray(i.projects), 'projects serving the item');
  const projects = (await srv.json(`/api/v1/public/units/${longqiao.code}/projects?year=2026`)).body.items;
  // Both directions agree: an item names a project exactly when the project names the item.
  for (const p of projects) {
    for (const ref of p.commitment_items || []) {
      const item = items.find((i) => i.id === ref.id);
      assert.ok(item, `item ${ref.id} is on the list`);
      assert.ok(item.projects.some((x) => x.id === p.id), `item ${ref.id} names project ${p.id}`);
    }
  }
  for (const i of items) for (const x of i.projects) {
    const p = projects.find((y) => y.id === x.id);
    if (p) assert.ok(p.commitment_items.some((ref) => ref.id === i.id));
  }
});

test('projects carry what the fund spent on them: 南亭\'s meal point', async () => {
  const r = await srv.json(`/api/v1/public/units/${nanting.code}/projects`);
  assert.equal(r.status, 200);
  assert.equal(r.body.year, 2026);
  const meal = r.body.items.find((p) => p.title === '南亭社区助餐服务点');
  assert.ok(meal, 'the meal point project is public');
  assert.equal(meal.spent_fen, 5000000);
  for (const p of r.body.items) assert.equal(typeof p.spent_fen, 'number');
  const fund = await srv.json(`/api/v1/public/units/${nanting.code}/fund`);
  assert.equal(fund.status, 200);
  assert.equal(fund.body.allocated_fen, 20000000);
  assert.equal(fund.body.spent_fen, 5000000);
  assert.equal(fund.body.balance_fen, 15000000);
  assert.ok(fund.body.entries.some((e) => e.kind === 'spend' && e.amount_fen === 5000000 && e.project && e.project.id === meal.id));
  const sum = await srv.json(`/api/v1/public/units/${nanting.code}`);
  assert.equal(sum.body.fund.balance_fen, 15000000);
});

test('a station\'s QR page finds its community\'s public page', async () => {
  const staff = await srv.login('longqiao');
  const st = (await staff.get('/api/v1/stations?limit=1')).body.items[0];
  const r = await srv.json(`/api/v1/public/stations/${st.public_code}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.station.name, st.name);
  assert.deepEqual(r.body.community, { code: longqiao.code, name: '龙桥社区' });
  assert.equal((await srv.json('/api/v1/public/stations/NOSUCHCODE')).status, 404);
});

test('no public answer names a resident, a phone number or an account', async () => {
  const resident = await srv.login('resident');
  const me = (await resident.get('/api/v1/auth/me')).body;
  // The resident writes on the public side: a comment on a commitment item.
  const list = (await srv.json(`/api/v1/public/units/${longqiao.code}/commitments`)).body;
  const item = list.lists[0].items[0];
  const c = await resident.post(`/api/v1/commitments/${item.id}/comments`, { kind: 'comment', text: '楼道灯什么时候修好？' });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const staff = await srv.login('longqiao');
  const names = (await staff.get('/api/v1/residents?limit=50')).body.items.map((x) => x.name).filter((n) => n && n.length >= 2);
  const forbidden = [me.user.display_name, ...names].filter(Boolean);
  let sawComment = false;
  for (const path of ['', '/commitments', '/projects', '/fund', '/micro']) {
    const r = await srv.json(`/api/v1/public/units/${longqiao.code}${path}`);
    assert.equal(r.status, 200, path);
    const text = strings(r.body);
    if (text.includes('楼道灯什么时候修好？')) sawComment = true;
    for (const s of text) {
      assert.doesNotMatch(s, /(?<!\d)1[3-9]\d{9}(?!\d)/, `a phone number in ${path}: ${s}`);
      assert.doesNotMatch(s, /(?<!\d)\d{17}[\dXx](?!\d)/, `an ID number in ${path}: ${s}`);
      for (const f of forbidden) assert.ok(!s.includes(f) || s === '龙桥社区', `${path} names ${f}: ${s}`);
    }
    for (const k of ['account_id', 'resident_id', 'created_by', 'actor_id', 'actor_name', 'phone', 'author']) {
      assert.ok(!JSON.stringify(r.body).includes(`"${k}"`), `${path} carries ${k}`);
    }
  }
  assert.ok(sawComment, 'the comment is public, without its author');
});

// Sign-in, sessions, CSRF, lockout, bearer tokens and the audit log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { statSync } from 'node:fs';
import { cli, DB, TEST_CLOCK_START } from './lib/harness.mjs';
import { startDistrict, addUser, login, client, PASSWORD } from './lib/district.mjs';

let srv;
before(async () => {
  srv = await startDistrict();
  addUser(srv.data.dir, 'lock.me', 'grid_worker', '320506001001001');
  addUser(srv.data.dir, 'pw.change', 'grid_worker', '320506001001001');
});
after(async () => { await srv.stop(); });

test('sign-in answers the user, a CSRF token and an HttpOnly SameSite cookie', async () => {
  const r = await srv.post('/api/v1/auth/login', { username: 'longqiao', password: srv.passwords.longqiao });
  assert.equal(r.status, 200);
  assert.equal(r.body.user.username, 'longqiao');
  assert.deepEqual(r.body.user.roles, ['community_staff']);
  assert.equal(r.body.user.unit.name, '龙桥社区');
  assert.ok(r.body.user.permissions.includes('resident:reveal'));
  assert.match(r.body.csrf_token, /^[0-9a-f]{64}$/);
  const cookie = r.headers.get('set-cookie');
  assert.match(cookie, /^shuniu_session=[0-9a-f]{64}; /);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  assert.match(cookie, /Path=\//);
  assert.doesNotMatch(cookie, /Secure/);
});

test('me answers the signed-in account, and 401 without one', async () => {
  const c = await srv.login('district');
  const me = await c.get('/api/v1/auth/me');
  assert.equal(me.status, 200);
  assert.equal(me.body.user.username, 'district');
  const anon = await srv.json('/api/v1/auth/me');
  assert.equal(anon.status, 401);
  assert.equal(anon.body.error.code, 'auth.required');
});

test('session answers the account and its CSRF token, or a null user without an error', async () => {
  const c = await srv.login('district');
  const s = await c.get('/api/v1/auth/session');
  assert.equal(s.status, 200);
  assert.equal(s.body.user.username, 'district');
  assert.equal(s.body.csrf_token, c.csrf, 'a reloaded app gets its CSRF token back');
  const anon = await srv.json('/api/v1/auth/session');
  assert.equal(anon.status, 200);
  assert.deepEqual(anon.body, { user: null });
});

test('a wrong password and an unknown user get the same answer', async () => {
  const a = await srv.post('/api/v1/auth/login', { username: 'district', password: 'Wrong-Passw0rd!' });
  const b = await srv.post('/api/v1/auth/login', { username: 'nobody.here', password: 'Wrong-Passw0rd!' });
  assert.equal(a.status, 401);
  assert.equal(b.status, 401);
  assert.deepEqual(a.body, b.body);
  assert.equal(a.body.error.code, 'auth.invalid_credentials');
});

// Timing: every failed sign-in verifies one password hash (~100 ms), whether the
// name is unknown, has an account with a password, or has an account that has
// none yet (hub leaders): a quick refusal would tell that the name exists.
// The count of hashes verified is read from /metrics, so this does not time.
test('every failed sign-in costs one password hash, also for accounts without a password', async () => {
  const hashes = async () => {
    const text = await (await srv.fetch('/metrics')).text();
    return Number(/^shuniu_password_hashes_total (\d+)$/m.exec(text)[1]);
  };
  for (const username of ['hub0005', 'nobody.here', 'district']) {
    const before = await hashes();
    const r = await srv.post('/api/v1/auth/login', { username, password: 'Wrong-Passw0rd!' });
    assert.equal(r.status, 401, username);
    assert.equal(await hashes(), before + 1, `${username}: one hash verified`);
  }
});

test('five failures lock the user name for 15 minutes, even for the right password', async () => {
  for (let i = 0; i < 5; i++) {
    const r = await srv.post('/api/v1/auth/login', { username: 'lock.me', password: 'Wrong-Passw0rd!' });
    assert.equal(r.status, 401, `attempt ${i + 1}`);
  }
  const locked = await srv.post('/api/v1/auth/login', { username: 'lock.me', password: PASSWORD });
  assert.equal(locked.status, 429);
  assert.equal(locked.body.error.code, 'auth.locked');
  assert.ok(locked.body.error.details.retry_after_seconds > 800);
  // unknown names lock the same way
  for (let i = 0; i < 5; i++) await srv.post('/api/v1/auth/login', { username: 'ghost', password: 'x' });
  assert.equal((await srv.post('/api/v1/auth/login', { username: 'ghost', password: 'x' })).status, 429);
  // a reset unlocks
  const r = cli(['user', 'reset-password', '--data', srv.data.dir, '--username', 'lock.me', '--password-stdin'], { input: 'Another-Passw0rd-7\n' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal((await srv.post('/api/v1/auth/login', { username: 'lock.me', password: 'Another-Passw0rd-7' })).status, 200);
});

test('mutating calls with the cookie need the X-CSRF-Token', async () => {
  const c = await srv.login('district');
  const without = await srv.json('/api/v1/units', {
    method: 'POST', headers: { cookie: `shuniu_session=${c.cookie}`, 'content-type': 'application/json' },
    body: JSON.stringify({ parent_id: 1, name: '测试街道' }),
  });
  assert.equal(without.status, 403);
  assert.equal(without.body.error.code, 'auth.csrf_failed');
  const wrong = await srv.json('/api/v1/units', {
    method: 'POST', headers: { cookie: `shuniu_session=${c.cookie}`, 'content-type': 'application/json', 'x-csrf-token': 'f'.repeat(64) },
    body: JSON.stringify({ parent_id: 1, name: '测试街道' }),
  });
  assert.equal(wrong.status, 403);
  const ok = await c.post('/api/v1/units', { parent_id: 1, name: '测试街道' });
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
});

test('logout ends the session on the server', async () => {
  const c = await srv.login('changqiao');
  assert.equal((await c.post('/api/v1/auth/logout')).status, 200);
  const after = await c.get('/api/v1/auth/me');
  assert.equal(after.status, 401);
});

test('signing in again rotates the session', async () => {
  const first = await srv.login('changqiao');
  const r = await srv.json('/api/v1/auth/login', {
    method: 'POST', headers: { cookie: `shuniu_session=${first.cookie}`, 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'changqiao', password: srv.passwords.changqiao }),
  });
  assert.equal(r.status, 200);
  assert.equal((await first.get('/api/v1/auth/me')).status, 401, 'the old token must be dead');
});

test('a password change enforces the policy and ends other sessions', async () => {
  const a = await srv.login('pw.change');
  const b = await srv.login('pw.change');
  let r = await a.post('/api/v1/auth/password', { current_password: PASSWORD, new_password: 'short1A!' });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, 'auth.weak_password');
  r = await a.post('/api/v1/auth/password', { current_password: PASSWORD, new_password: 'alllowercaseletters' });
  assert.equal(r.body.error.code, 'auth.weak_password');
  r = await a.post('/api/v1/auth/password', { current_password: PASSWORD, new_password: 'Password123!' });
  assert.equal(r.body.error.code, 'auth.weak_password', 'a common password is refused');
  r = await a.post('/api/v1/auth/password', { current_password: 'Not-The-Passw0rd', new_password: 'Brand-New-Passw0rd' });
  assert.equal(r.status, 401);
  r = await a.post('/api/v1/auth/password', { current_password: PASSWORD, new_password: 'Brand-New-Passw0rd' });
  assert.equal(r.status, 200);
  assert.equal((await a.get('/api/v1/auth/me')).status, 200);
  assert.equal((await b.get('/api/v1/auth/me')).status, 401);
  await login(srv, 'pw.change', 'Brand-New-Passw0rd');
});

test('bearer tokens work without CSRF and stop working when revoked', async () => {
  const r = cli(['token', 'create', '--data', srv.data.dir, '--user', 'district', '--name', 'test']);
  assert.equal(r.status, 0, r.stderr);
  const token = r.stdout.trim().split('\n').at(-1);
  assert.match(token, /^[0-9a-f]{64}$/);
  const auth = { authorization: `Bearer ${token}` };
  assert.equal((await srv.json('/api/v1/auth/me', { headers: auth })).body.user.username, 'district');
  const created = await srv.json('/api/v1/units', {
    method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ parent_id: 1, name: '令牌街道' }),
  });
  assert.equal(created.status, 201);
  const id = /token (\d+)/.exec(r.stdout)[1];
  assert.equal(cli(['token', 'revoke', '--data', srv.data.dir, '--id', id]).status, 0);
  const after = await srv.json('/api/v1/auth/me', { headers: auth });
  assert.equal(after.status, 401);
  assert.equal((await srv.json('/api/v1/auth/me', { headers: { authorization: 'Bearer nonsense' } })).status, 401);
  // a bad token is a 401 on public endpoints too, as the docs say
  for (const path of ['/api/v1/appeal-categories', '/healthz']) {
    const bad = await srv.json(path, { headers: auth });
    assert.equal(bad.status, 401, path);
    assert.equal(bad.body.error.code, 'auth.required');
    assert.equal((await srv.json(path, { headers: { authorization: 'Bearer nonsense' } })).status, 401, path);
    assert.equal((await srv.json(path)).status, 200, `${path} without a token`);
  }
});

test('a valid bearer token is accepted on public endpoints', async () => {
  const r = cli(['token', 'create', '--data', srv.data.dir, '--user', 'district', '--name', 'public']);
  const token = r.stdout.trim().split('\n').at(-1);
  const ok = await srv.json('/api/v1/appeal-categories', { headers: { authorization: `Bearer ${token}` } });
  assert.equal(ok.status, 200);
});

// Defence in depth behind SameSite=Strict and the CSRF token: a browser's
// state-changing request from another site is refused even with the token.
test('a mutating request from another origin is refused even with the right CSRF token', async () => {
  const c = await srv.login('district');
  const host = new URL(srv.base).host;
  const send = (headers) => srv.json('/api/v1/units', {
    method: 'POST',
    headers: { cookie: `shuniu_session=${c.cookie}`, 'content-type': 'application/json', 'x-csrf-token': c.csrf, ...headers },
    body: JSON.stringify({ parent_id: 1, name: '跨站街道' }),
  });
  for (const headers of [{ origin: 'https://evil.example' }, { origin: `http://${host}.evil.example` },
    { origin: 'null' }, { 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }]) {
    const r = await send(headers);
    assert.equal(r.status, 403, JSON.stringify(headers));
    assert.equal(r.body.error.code, 'request.foreign_origin');
  }
  const same = await send({ origin: `http://${host}`, 'sec-fetch-site': 'same-origin' });
  assert.equal(same.status, 201, JSON.stringify(same.body));
  const proxied = await send({ origin: 'https://shuniu.example.gov.cn', 'x-forwarded-host': 'shuniu.example.gov.cn' });
  assert.equal(proxied.status, 201, 'a proxy in front says which host the browser asked for');
  const noOrigin = await send({});
  assert.equal(noOrigin.status, 201);
  const units = await c.get('/api/v1/units?parent=1&limit=200');
  assert.equal(JSON.stringify(units.body).split('跨站街道').length - 1, 3, 'only the three allowed requests created units');
});

test('signing in from another site is refused (login CSRF)', async () => {
  const r = await srv.post('/api/v1/auth/login', { username: 'district', password: srv.passwords.district },
    { origin: 'https://evil.example' });
  assert.equal(r.status, 403);
  assert.equal(r.body.error.code, 'request.foreign_origin');
  assert.equal(r.headers.get('set-cookie'), null);
});

test('the auditor reads the audit log and nobody else does', async () => {
  const auditor = await srv.login('auditor');
  const r = await auditor.get('/api/v1/audit?limit=200');
  assert.equal(r.status, 200);
  const actions = r.body.items.map((i) => `${i.action}:${i.outcome}`);
  assert.ok(actions.includes('auth.login:ok'));
  assert.ok(actions.includes('auth.login:failed'));
  assert.ok(actions.includes('unit.create:ok'));
  const failed = r.body.items.find((i) => i.action === 'auth.login' && i.outcome === 'failed');
  assert.ok(failed.ip);
  const only = await auditor.get('/api/v1/audit?action=auth.login&limit=3');
  assert.ok(only.body.items.every((i) => i.action === 'auth.login'));
  assert.ok(only.body.next_cursor);
  for (const name of ['sysadmin', 'secadmin', 'district']) {
    const c = await srv.login(name);
    assert.equal((await c.get('/api/v1/audit')).status, 403, name);
  }
  // and the auditor can read nothing else
  for (const p of ['/api/v1/units', '/api/v1/residents', '/api/v1/stats/org']) {
    assert.equal((await auditor.get(p)).status, 403, p);
  }
});

test('tampering with one audit row is detected and the row named', async () => {
  let r = cli(['verify', 'audit', '--data', srv.data.dir]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /intact: \d+ rows/);
  const sql = "UPDATE audit_log SET outcome = 'tampered' WHERE id = 3";
  if (DB === 'postgres') srv.data.psql(sql);
  else assert.equal(spawnSync('sqlite3', [join(srv.data.dir, 'shuniu.db'), sql]).status, 0);
  r = cli(['verify', 'audit', '--data', srv.data.dir]);
  assert.equal(r.status, 3, 'exit 3: rewritten');
  assert.match(r.stderr, /BROKEN \(rewritten\).*row 3 was altered/);
});

test('sessions end after 30 idle minutes and after 12 hours at most', async () => {
  const idle = await srv.login('department');
  await srv.post('/api/v1/_test/clock', { advance_seconds: 29 * 60 });
  assert.equal((await idle.get('/api/v1/auth/me')).status, 200, 'still alive at 29 idle minutes');
  await srv.post('/api/v1/_test/clock', { advance_seconds: 31 * 60 });
  assert.equal((await idle.get('/api/v1/auth/me')).status, 401, 'gone after 31 idle minutes');

  const busy = await srv.login('department');
  for (let h = 0; h < 11; h++) {
    await srv.post('/api/v1/_test/clock', { advance_seconds: 25 * 60 });
    assert.equal((await busy.get('/api/v1/auth/me')).status, 200);
    await srv.post('/api/v1/_test/clock', { advance_seconds: 25 * 60 });
    assert.equal((await busy.get('/api/v1/auth/me')).status, 200);
  }
  // 11 × 50 minutes = 9 h 10 min so far; keep it busy past 12 hours
  for (let i = 0; i < 7; i++) await srv.post('/api/v1/_test/clock', { advance_seconds: 25 * 60 }) && await busy.get('/api/v1/auth/me');
  assert.equal((await busy.get('/api/v1/auth/me')).status, 401, 'gone after 12 hours however busy');
});

test('disabling an account ends its sessions', async () => {
  addUser(srv.data.dir, 'to.disable', 'grid_worker', '320506001001001');
  const c = await login(srv, 'to.disable', PASSWORD);
  assert.equal((await c.get('/api/v1/auth/me')).status, 200);
  const r = cli(['user', 'disable', '--data', srv.data.dir, '--username', 'to.disable']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal((await c.get('/api/v1/auth/me')).status, 401);
  assert.equal((await srv.post('/api/v1/auth/login', { username: 'to.disable', password: PASSWORD })).status, 401);
  const list = cli(['user', 'list', '--data', srv.data.dir]);
  assert.match(list.stdout, /to\.disable\s+grid_worker\s+\S+\s+disabled/);
});

test('user add refuses weak passwords, unknown roles and mixed administrator roles', () => {
  const add = (role, pw) => cli(['user', 'add', '--data', srv.data.dir, '--username', 'x' + Math.random().toString(36).slice(2, 8), '--role', role, '--unit', '320506', '--password-stdin'], { input: pw + '\n' });
  assert.match(add('grid_worker', 'short').stderr, /too weak/);
  assert.equal(add('root', PASSWORD).status, 2);
  assert.match(add('auditor,sysadmin', PASSWORD).stderr, /cannot be held together/);
  assert.equal(add('grid_worker,hub_leader', PASSWORD).status, 0);
});

test('audit rows younger than 180 days cannot be purged', () => {
  // the CLI runs on the pinned clock: "today" is the pinned day, not the machine's
  const today = TEST_CLOCK_START.slice(0, 10);
  let r = cli(['audit', 'purge', '--before', today, '--data', srv.data.dir]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /refusing to purge audit rows younger than 180 days/);
  r = cli(['audit', 'purge', '--before', '2020-01-01', '--data', srv.data.dir]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /purged 0 audit rows/);
});

test('the demo accounts file is private', () => {
  const mode = statSync(join(srv.data.dir, 'demo-accounts.txt')).mode & 0o777;
  assert.equal(mode, 0o600);
});

// Account administration: the scoped list, creating and changing accounts,
// who may grant which role (三员分立), disabling, password resets, unlocking,
// and the audit rows all of it leaves.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cli } from './lib/harness.mjs';
import { startDistrict, addUser, login, PASSWORD } from './lib/district.mjs';

const COMM1 = '320506001001', COMM2 = '320506001002';
const NEW_PW = 'Fresh-Passw0rd-42';

let srv, sys, sec, auditor, district;
let comm1, comm2, grid1, building1;

before(async () => {
  srv = await startDistrict();
  addUser(srv.data.dir, 'cs2', 'community_staff', COMM2);
  addUser(srv.data.dir, 'sys.comm1', 'sysadmin', COMM1);
  addUser(srv.data.dir, 'target.one', 'grid_worker', COMM1 + '001');
  sys = await srv.login('sysadmin');
  sec = await srv.login('secadmin');
  auditor = await srv.login('auditor');
  district = await srv.login('district');
  comm1 = (await srv.login('longqiao')).user.unit;
  comm2 = (await srv.login('cs2')).user.unit;
  grid1 = (await srv.login('gridworker')).user.unit;
  assert.equal(comm1.code, COMM1);
  assert.equal(comm2.code, COMM2);
  building1 = (await district.get(`/api/v1/units?parent=${grid1.id}&limit=1`)).body.items[0];
  assert.equal(building1.kind, 'building');
});
after(async () => { await srv.stop(); });

async function find(c, username) {
  const r = await c.get(`/api/v1/accounts?q=${encodeURIComponent(username)}&limit=500`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.items.find((a) => a.username === username);
}

async function audits(action) {
  const r = await auditor.get(`/api/v1/audit?action=${action}&limit=500`);
  assert.equal(r.status, 200);
  return r.body.items;
}

let seq = 0;
async function newAccount(fields = {}) {
  const username = `acct.${++seq}`;
  const r = await sys.post('/api/v1/accounts', {
    username, display_name: `测试账号 ${seq}`, unit_id: grid1.id, roles: ['grid_worker'], password: NEW_PW, ...fields,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

test('the list answers the rows of the scope with units, roles and states, never a password hash', async () => {
  const r = await sys.get('/api/v1/accounts?limit=20');
  assert.equal(r.status, 200);
  assert.equal(r.body.items.length, 20);
  assert.ok(r.body.next_cursor);
  const me = await find(sys, 'sysadmin');
  assert.deepEqual(Object.keys(me).sort(), ['created_at', 'disabled', 'display_name', 'id', 'last_login_at', 'locked', 'password_set', 'roles', 'unit', 'username'].sort());
  assert.deepEqual(me.roles, ['sysadmin']);
  assert.equal(me.unit.name, '吴中区');
  assert.equal(me.disabled, false);
  assert.equal(me.locked, false);
  assert.equal(me.password_set, true);
  assert.match(me.last_login_at, /\+08:00$/);
  assert.match(me.created_at, /\+08:00$/);
  assert.doesNotMatch(JSON.stringify(r.body), /argon2|password_hash/);
  const next = await sys.get(`/api/v1/accounts?limit=20&cursor=${r.body.next_cursor}`);
  const ids = new Set(r.body.items.map((a) => a.id));
  assert.ok(next.body.items.length > 0);
  assert.ok(next.body.items.every((a) => !ids.has(a.id) && a.id > Math.max(...ids)), 'pages do not overlap');
});

test('the list filters by name, role, unit and disabled', async () => {
  let r = await sys.get('/api/v1/accounts?q=LONGQ');
  assert.deepEqual(r.body.items.map((a) => a.username), ['longqiao'], 'user name substring, any case');
  r = await sys.get(`/api/v1/accounts?q=${encodeURIComponent('枢纽长')}&limit=3`);
  assert.equal(r.body.items.length, 3, 'display name substring');
  r = await sys.get('/api/v1/accounts?q=%25');
  assert.deepEqual(r.body.items, [], 'a % is a character, not a wildcard');
  r = await sys.get('/api/v1/accounts?role=auditor');
  assert.deepEqual(r.body.items.map((a) => a.username), ['auditor']);
  r = await sys.get(`/api/v1/accounts?unit=${comm2.id}&limit=500`);
  assert.ok(r.body.items.some((a) => a.username === 'cs2'));
  assert.ok(r.body.items.every((a) => a.username !== 'longqiao'));
  const off = await newAccount();
  assert.equal((await sys.patch(`/api/v1/accounts/${off.id}`, { disabled: true })).status, 200);
  r = await sys.get('/api/v1/accounts?disabled=true&limit=500');
  assert.ok(r.body.items.some((a) => a.id === off.id));
  assert.ok(r.body.items.every((a) => a.disabled));
  r = await sys.get('/api/v1/accounts?disabled=false&limit=500');
  assert.ok(r.body.items.every((a) => !a.disabled));
  for (const bad of ['role=nope', 'disabled=maybe', 'limit=0', 'cursor=x', 'unit=abc', `q=${'x'.repeat(65)}`]) {
    const b = await sys.get(`/api/v1/accounts?${bad}`);
    assert.equal(b.status, 400, bad);
    assert.equal(b.body.error.code, 'request.invalid', bad);
  }
  // an empty q is no filter (docs/API.md, Conventions)
  assert.equal((await sys.get('/api/v1/accounts?q=&limit=1')).status, 200);
});

test('an account outside the scope is 404 for reading and for every change', async () => {
  const local = await login(srv, 'sys.comm1', PASSWORD);
  const outside = await find(sys, 'cs2');
  const inside = await find(sys, 'target.one');
  const list = await local.get('/api/v1/accounts?limit=500');
  assert.equal(list.status, 200);
  assert.ok(list.body.items.some((a) => a.username === 'target.one'));
  assert.ok(list.body.items.every((a) => a.unit.id !== comm2.id && a.username !== 'sysadmin'));
  assert.equal((await local.get(`/api/v1/accounts/${inside.id}`)).status, 200);
  for (const r of [
    await local.get(`/api/v1/accounts/${outside.id}`),
    await local.patch(`/api/v1/accounts/${outside.id}`, { display_name: 'x' }),
    await local.post(`/api/v1/accounts/${outside.id}/password`, { password: NEW_PW }),
    await local.get(`/api/v1/accounts?unit=${comm2.id}`),
    await local.post('/api/v1/accounts', { username: 'out.there', unit_id: comm2.id, roles: ['volunteer'] }),
    await local.patch(`/api/v1/accounts/${inside.id}`, { unit_id: comm2.id }),
    await local.get('/api/v1/accounts/999999'),
  ]) {
    assert.equal(r.status, 404, JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'route.not_found');
    assert.doesNotMatch(JSON.stringify(r.body), /cs2/);
  }
});

test('each role reaches only what its keys allow', async () => {
  const target = await find(sys, 'target.one');
  const calls = {
    list: (c) => c.get('/api/v1/accounts'),
    get: (c) => c.get(`/api/v1/accounts/${target.id}`),
    create: (c) => c.post('/api/v1/accounts', { username: 'never.made', unit_id: grid1.id, roles: ['volunteer'] }),
    patch: (c) => c.patch(`/api/v1/accounts/${target.id}`, { display_name: '改名' }),
    password: (c) => c.post(`/api/v1/accounts/${target.id}/password`, { password: NEW_PW }),
    unlock: (c) => c.post(`/api/v1/accounts/${target.id}/unlock`),
  };
  const allowed = {
    sysadmin: ['list', 'get', 'create', 'patch', 'password'],
    secadmin: ['list', 'get', 'unlock'],
    district: ['list', 'get'],
    auditor: [],
    longqiao: [],
    resident: [],
  };
  for (const [name, ok] of Object.entries(allowed)) {
    const c = name === 'sysadmin' ? sys : await srv.login(name);
    for (const [what, call] of Object.entries(calls)) {
      if (name === 'sysadmin' && ok.includes(what)) continue; // the other tests do these
      const r = await call(c);
      if (ok.includes(what)) assert.ok(r.status < 300, `${name} ${what}: ${r.status} ${JSON.stringify(r.body)}`);
      else {
        assert.equal(r.status, 403, `${name} ${what}: ${r.status}`);
        assert.equal(r.body.error.code, 'auth.forbidden', `${name} ${what}`);
      }
    }
  }
  assert.equal((await srv.json('/api/v1/accounts')).status, 401);
  assert.equal(await find(sys, 'never.made'), undefined);
});

test('the system administrator creates a business account that can sign in', async () => {
  const r = await sys.post('/api/v1/accounts', {
    username: 'new.worker', display_name: '新网格员', unit_id: grid1.id, roles: ['grid_worker', 'volunteer'], password: NEW_PW,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.username, 'new.worker');
  assert.equal(r.body.display_name, '新网格员');
  assert.deepEqual(r.body.unit, { id: grid1.id, name: grid1.name });
  assert.deepEqual(r.body.roles, ['grid_worker', 'volunteer']);
  assert.equal(r.body.password_set, true);
  assert.equal(r.body.last_login_at, null);
  const c = await login(srv, 'new.worker', NEW_PW);
  assert.deepEqual(c.user.roles, ['grid_worker', 'volunteer']);
  assert.equal((await sys.get(`/api/v1/accounts/${r.body.id}`)).body.last_login_at !== null, true);
  const dup = await sys.post('/api/v1/accounts', { username: 'new.worker', unit_id: grid1.id, roles: ['volunteer'] });
  assert.equal(dup.status, 409);
  assert.equal(dup.body.error.code, 'account.username_taken');
});

test('an account made without a password cannot sign in until one is set', async () => {
  const r = await sys.post('/api/v1/accounts', { username: 'no.pw', unit_id: comm1.id, roles: ['volunteer'] });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.password_set, false);
  assert.equal(r.body.display_name, 'no.pw');
  for (const pw of ['!', '', 'anything-At-All-1']) {
    const s = await srv.post('/api/v1/auth/login', { username: 'no.pw', password: pw || 'x' });
    assert.equal(s.status, 401, pw);
  }
  assert.equal((await sys.post(`/api/v1/accounts/${r.body.id}/password`, { password: NEW_PW })).status, 200);
  assert.equal((await sys.get(`/api/v1/accounts/${r.body.id}`)).body.password_set, true);
  await login(srv, 'no.pw', NEW_PW);
});

test('creating checks the user name, the password policy, the unit and the fields', async () => {
  const base = { username: 'bad.one', unit_id: grid1.id, roles: ['volunteer'] };
  const cases = [
    [{ ...base, username: 'Upper.Case' }, 400, 'request.invalid', 'username'],
    [{ ...base, username: 'x' }, 400, 'request.invalid', 'username'],
    [{ ...base, username: undefined }, 400, 'request.invalid', 'username'],
    [{ ...base, password: 'short1A!' }, 400, 'auth.weak_password'],
    [{ ...base, password: 'Password123!' }, 400, 'auth.weak_password'],
    [{ ...base, password: 'Bad.One-Name', username: 'bad.one-name' }, 400, 'auth.weak_password'],
    [{ ...base, unit_id: building1.id }, 400, 'request.invalid', 'unit_id'],
    [{ ...base, unit_id: 0 }, 400, 'request.invalid', 'unit_id'],
    [{ ...base, unit_id: 99999999 }, 404, 'route.not_found'],
    [{ ...base, roles: [] }, 400, 'request.invalid', 'roles'],
    [{ ...base, roles: 'volunteer' }, 400, 'request.invalid', 'roles'],
    [{ ...base, roles: ['wizard'] }, 400, 'request.invalid', 'roles'],
    [{ ...base, display_name: '' }, 400, 'request.invalid', 'display_name'],
    [{ ...base, display_name: 'x'.repeat(101) }, 400, 'request.invalid', 'display_name'],
  ];
  for (const [body, status, code, field] of cases) {
    const r = await sys.post('/api/v1/accounts', body);
    assert.equal(r.status, status, JSON.stringify([body, r.body]));
    assert.equal(r.body.error.code, code, JSON.stringify(body));
    if (field) assert.equal(r.body.error.details.field, field);
  }
  assert.equal(await find(sys, 'bad.one'), undefined);
});

test('the three administrator roles and the resident role are not granted on creation', async () => {
  for (const role of ['sysadmin', 'secadmin', 'auditor']) {
    const r = await sys.post('/api/v1/accounts', { username: `would.be.${role}`, unit_id: grid1.id, roles: [role] });
    assert.equal(r.status, 403, role);
    assert.equal(r.body.error.code, 'account.roles_forbidden');
  }
  let r = await sys.post('/api/v1/accounts', { username: 'would.be.res', unit_id: grid1.id, roles: ['resident'] });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, 'account.resident_account');
  r = await sys.post('/api/v1/accounts', { username: 'would.be.mixed', unit_id: grid1.id, roles: ['auditor', 'grid_worker'] });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, 'account.roles_incompatible');
  const denied = (await audits('account.create')).filter((a) => a.outcome === 'denied');
  assert.ok(denied.some((a) => a.actor_name === 'sysadmin' && a.details.to === 'auditor'), 'a refused grant is audited');
});

test('the system administrator changes name, unit and business roles', async () => {
  const a = await newAccount();
  const r = await sys.patch(`/api/v1/accounts/${a.id}`, { display_name: '改过的名字', unit_id: comm1.id, roles: ['community_staff'] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.display_name, '改过的名字');
  assert.equal(r.body.unit.id, comm1.id);
  assert.deepEqual(r.body.roles, ['community_staff']);
  const c = await login(srv, a.username, NEW_PW);
  assert.equal(c.user.unit.id, comm1.id, 'the scope follows the unit');
  assert.ok(c.user.permissions.includes('resident:reveal'));
  const rows = (await audits('account.roles')).filter((x) => String(x.object_id) === String(a.id));
  assert.equal(rows.length, 1);
  assert.deepEqual(rows[0].details, { fields: ['display_name', 'unit_id'], from: 'grid_worker', to: 'community_staff' });
  const bad = [
    [{}, 'request.invalid'],
    [{ roles: [] }, 'request.invalid'],
    [{ unit_id: building1.id }, 'request.invalid'],
    [{ disabled: 'yes' }, 'request.invalid'],
    [{ roles: ['community_staff', 'sysadmin'] }, 'account.roles_incompatible'],
  ];
  for (const [body, code] of bad) {
    const x = await sys.patch(`/api/v1/accounts/${a.id}`, body);
    assert.equal(x.body.error?.code, code, JSON.stringify([body, x.body]));
  }
});

test('only the security administrator grants and removes the administrator roles', async () => {
  const a = await newAccount();
  let r = await sys.patch(`/api/v1/accounts/${a.id}`, { roles: ['auditor'] });
  assert.equal(r.status, 403);
  assert.equal(r.body.error.code, 'account.roles_forbidden');
  r = await sec.patch(`/api/v1/accounts/${a.id}`, { roles: ['volunteer'] });
  assert.equal(r.status, 403, 'business roles are the system administrator\'s');
  assert.equal(r.body.error.code, 'account.roles_forbidden');
  r = await sec.patch(`/api/v1/accounts/${a.id}`, { display_name: 'x' });
  assert.equal(r.status, 403);
  assert.equal(r.body.error.code, 'auth.forbidden');
  // the account's session and token, from before the grant
  const before = await login(srv, a.username, NEW_PW);
  const t = cli(['token', 'create', '--data', srv.data.dir, '--user', a.username, '--name', 'before-grant']);
  assert.equal(t.status, 0, t.stderr);
  const bearer = { authorization: `Bearer ${t.stdout.trim().split('\n').at(-1)}` };
  r = await sec.patch(`/api/v1/accounts/${a.id}`, { roles: ['auditor'] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.roles, ['auditor']);
  // the password the system administrator set is void, and so are the sessions and tokens
  assert.equal(r.body.password_set, false);
  assert.equal((await before.get('/api/v1/audit?limit=1')).status, 401, 'the old session ended');
  assert.equal((await srv.json('/api/v1/auth/me', { headers: bearer })).status, 401, 'the token is revoked');
  const old = await srv.post('/api/v1/auth/login', { username: a.username, password: NEW_PW });
  assert.equal(old.status, 401, 'the password set at creation no longer signs in');
  const grant = (await audits('account.roles')).find((x) => String(x.object_id) === String(a.id) && x.outcome === 'ok');
  assert.equal(grant.details.credentials_reset, true);
  // the new administrator's password is set on the server
  const pw = cli(['user', 'reset-password', '--data', srv.data.dir, '--username', a.username, '--password-stdin'], { input: 'Own-Auditor-Passw0rd\n' });
  assert.equal(pw.status, 0, pw.stderr);
  const c = await login(srv, a.username, 'Own-Auditor-Passw0rd');
  assert.deepEqual(c.user.permissions, ['audit:read']);
  assert.equal((await c.get('/api/v1/audit?limit=1')).status, 200);
  // now an administrator account: the system administrator cannot touch it
  for (const x of [
    await sys.patch(`/api/v1/accounts/${a.id}`, { disabled: true }),
    await sys.patch(`/api/v1/accounts/${a.id}`, { display_name: 'x' }),
    await sys.post(`/api/v1/accounts/${a.id}/password`, { password: 'Taken-Over-Passw0rd' }),
  ]) {
    assert.equal(x.status, 403);
    assert.equal(x.body.error.code, 'account.admin_account');
  }
  r = await sys.patch(`/api/v1/accounts/${a.id}`, { roles: ['grid_worker'] });
  assert.equal(r.body.error.code, 'account.roles_forbidden');
  // the security administrator takes the role back
  r = await sec.patch(`/api/v1/accounts/${a.id}`, { roles: ['grid_worker'] });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.roles, ['grid_worker']);
  assert.equal(r.body.password_set, true, 'removing an administrator role leaves the password');
  assert.equal((await c.get('/api/v1/audit?limit=1')).status, 403, 'the change applies to the running session');
  const rows = (await audits('account.roles')).filter((x) => String(x.object_id) === String(a.id));
  assert.deepEqual(rows.map((x) => [x.actor_name, x.outcome, x.details.to]), [
    ['secadmin', 'ok', 'grid_worker'], ['sysadmin', 'denied', 'grid_worker'], ['secadmin', 'ok', 'auditor'],
    ['secadmin', 'denied', 'volunteer'], ['sysadmin', 'denied', 'auditor'],
  ]);
});

test('nobody changes their own roles, disables themselves or resets their own password here', async () => {
  const me = await find(sec, 'secadmin');
  let r = await sec.patch(`/api/v1/accounts/${me.id}`, { roles: ['sysadmin'] });
  assert.equal(r.status, 403);
  assert.equal(r.body.error.code, 'account.self_change');
  const sysMe = await find(sys, 'sysadmin');
  r = await sys.patch(`/api/v1/accounts/${sysMe.id}`, { disabled: true });
  assert.equal(r.body.error.code, 'account.self_change');
  r = await sys.post(`/api/v1/accounts/${sysMe.id}/password`, { password: NEW_PW });
  assert.equal(r.body.error.code, 'account.self_change');
  assert.equal((await sys.get('/api/v1/auth/me')).status, 200);
  assert.deepEqual((await find(sec, 'secadmin')).roles, ['secadmin']);
});

test('resident accounts are not account administration\'s: not listed, not read, not changed', async () => {
  const resident = await srv.login('resident');
  const id = resident.user.id;
  // residents' names and grids are not the administrators' business
  for (const c of [sys, sec, district]) {
    const all = await c.get('/api/v1/accounts?limit=500');
    assert.equal(all.status, 200);
    assert.ok(all.body.items.length > 0);
    assert.ok(all.body.items.every((a) => !a.roles.includes('resident')), 'no resident account listed');
    assert.deepEqual((await c.get('/api/v1/accounts?role=resident')).body.items, []);
    assert.deepEqual((await c.get('/api/v1/accounts?q=resident')).body.items.map((a) => a.username), []);
    const one = await c.get(`/api/v1/accounts/${id}`);
    assert.equal(one.status, 404);
    assert.equal(one.body.error.code, 'route.not_found');
  }
  // nor changed: no password reset, name, disabled flag, unit or role
  for (const [what, r] of [
    ['password', await sys.post(`/api/v1/accounts/${id}/password`, { password: 'Taken-Over-Passw0rd' })],
    ['name', await sys.patch(`/api/v1/accounts/${id}`, { display_name: '改名' })],
    ['disable', await sys.patch(`/api/v1/accounts/${id}`, { disabled: true })],
    ['unit', await sys.patch(`/api/v1/accounts/${id}`, { unit_id: comm1.id })],
    ['roles', await sys.patch(`/api/v1/accounts/${id}`, { roles: ['volunteer'] })],
  ]) {
    assert.equal(r.status, 400, `${what}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.code, 'account.resident_account', what);
  }
  const me = (await resident.get('/api/v1/auth/me')).body.user;
  assert.equal(me.display_name, resident.user.display_name, 'the name is unchanged');
  assert.equal(me.unit.id, resident.user.unit.id);
  await srv.login('resident'); // the password is unchanged and the account enabled
  // a lockout is the one thing the security administrator lifts, by id
  const unlock = await sec.post(`/api/v1/accounts/${id}/unlock`);
  assert.equal(unlock.status, 200, JSON.stringify(unlock.body));
  assert.deepEqual(unlock.body, { id, was_locked: false });
  assert.deepEqual((await audits('account.reset_password')).filter((x) => String(x.object_id) === String(id)), []);
  // and the resident role is granted to nobody here
  const a = await newAccount();
  const r = await sys.patch(`/api/v1/accounts/${a.id}`, { roles: ['resident'] });
  assert.equal(r.body.error.code, 'account.resident_account');
});

test('disabling ends the sessions and revokes the tokens; enabling lets the account sign in again', async () => {
  const a = await newAccount();
  const c = await login(srv, a.username, NEW_PW);
  const t = cli(['token', 'create', '--data', srv.data.dir, '--user', a.username, '--name', 't']);
  assert.equal(t.status, 0, t.stderr);
  const token = t.stdout.trim().split('\n').at(-1);
  const bearer = { authorization: `Bearer ${token}` };
  assert.equal((await srv.json('/api/v1/auth/me', { headers: bearer })).status, 200);
  let r = await sys.patch(`/api/v1/accounts/${a.id}`, { disabled: true });
  assert.equal(r.status, 200);
  assert.equal(r.body.disabled, true);
  assert.equal((await c.get('/api/v1/auth/me')).status, 401, 'the session ended');
  assert.equal((await srv.json('/api/v1/auth/me', { headers: bearer })).status, 401, 'the token is revoked');
  assert.equal((await srv.post('/api/v1/auth/login', { username: a.username, password: NEW_PW })).status, 401);
  r = await sys.patch(`/api/v1/accounts/${a.id}`, { disabled: false });
  assert.equal(r.body.disabled, false);
  await login(srv, a.username, NEW_PW);
  assert.equal((await srv.json('/api/v1/auth/me', { headers: bearer })).status, 401, 'a revoked token stays revoked');
  const rows = (await auditor.get('/api/v1/audit?limit=500')).body.items.filter((x) => String(x.object_id) === String(a.id));
  assert.ok(rows.some((x) => x.action === 'account.disable' && x.actor_name === 'sysadmin'));
  assert.ok(rows.some((x) => x.action === 'account.enable' && x.actor_name === 'sysadmin'));
});

test('a password reset checks the policy and ends the account\'s sessions', async () => {
  const a = await newAccount();
  const c = await login(srv, a.username, NEW_PW);
  let r = await sys.post(`/api/v1/accounts/${a.id}/password`, { password: 'weak' });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, 'auth.weak_password');
  assert.ok(r.body.error.details.reason);
  r = await sys.post(`/api/v1/accounts/${a.id}/password`, {});
  assert.equal(r.body.error.code, 'request.invalid');
  r = await sys.post(`/api/v1/accounts/${a.id}/password`, { password: 'Reset-Passw0rd-77' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal((await c.get('/api/v1/auth/me')).status, 401);
  assert.equal((await srv.post('/api/v1/auth/login', { username: a.username, password: NEW_PW })).status, 401);
  await login(srv, a.username, 'Reset-Passw0rd-77');
  const rows = (await audits('account.reset_password')).filter((x) => String(x.object_id) === String(a.id));
  assert.equal(rows.length, 1);
  assert.doesNotMatch(JSON.stringify(rows), /Reset-Passw0rd/);
});

test('the security administrator unlocks a locked-out account', async () => {
  const a = await newAccount();
  for (let i = 0; i < 5; i++) await srv.post('/api/v1/auth/login', { username: a.username, password: 'Wrong-Passw0rd!' });
  assert.equal((await srv.post('/api/v1/auth/login', { username: a.username, password: NEW_PW })).status, 429);
  assert.equal((await sec.get(`/api/v1/accounts/${a.id}`)).body.locked, true);
  assert.equal((await find(sec, a.username)).locked, true);
  let r = await sys.post(`/api/v1/accounts/${a.id}/unlock`);
  assert.equal(r.status, 403, 'unlocking is the security administrator\'s');
  r = await sec.post(`/api/v1/accounts/${a.id}/unlock`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { id: a.id, was_locked: true });
  assert.equal((await sec.get(`/api/v1/accounts/${a.id}`)).body.locked, false);
  await login(srv, a.username, NEW_PW);
  const rows = (await audits('account.unlock')).filter((x) => String(x.object_id) === String(a.id));
  assert.equal(rows.length, 1);
  assert.equal(rows[0].actor_name, 'secadmin');
  assert.equal(rows[0].details.was_locked, true);
});

test('every change is in the audit log with its actor', async () => {
  const a = await newAccount();
  await sys.patch(`/api/v1/accounts/${a.id}`, { display_name: '审计测试' });
  const created = (await audits('account.create')).find((x) => String(x.object_id) === String(a.id));
  assert.equal(created.actor_name, 'sysadmin');
  assert.equal(created.outcome, 'ok');
  assert.deepEqual(created.details, { roles: 'grid_worker', unit_id: grid1.id, password_set: true });
  const updated = (await audits('account.update')).find((x) => String(x.object_id) === String(a.id));
  assert.deepEqual(updated.details, { fields: ['display_name'] });
  assert.doesNotMatch(JSON.stringify(updated), /审计测试/, 'no names in the audit details');
});

test('a database failure at any step of a change stores nothing and answers 503', async () => {
  let done = false;
  for (let after = 1; after <= 30 && !done; after++) {
    const a = await newAccount();
    const c = await login(srv, a.username, NEW_PW);
    assert.equal((await srv.post('/api/v1/_test/db-fail', { after })).status, 200);
    const r = await sys.patch(`/api/v1/accounts/${a.id}`, { display_name: `故障 ${after}`, disabled: true });
    await srv.post('/api/v1/_test/db-fail', { after: 0 });
    const now = await sys.get(`/api/v1/accounts/${a.id}`);
    if (r.status === 200) {
      done = true;
      assert.equal(r.body.disabled, true);
      assert.equal(now.body.disabled, true);
      assert.equal((await c.get('/api/v1/auth/me')).status, 401);
    } else {
      assert.equal(r.status, 503, `after ${after}: ${JSON.stringify(r.body)}`);
      assert.equal(now.body.disabled, false, `after ${after}: nothing stored`);
      assert.equal(now.body.display_name, a.display_name, `after ${after}: nothing stored`);
      assert.equal((await c.get('/api/v1/auth/me')).status, 200, `after ${after}: the session lives`);
    }
  }
  assert.ok(done, 'the change goes through once the failure comes after it');
  const v = cli(['verify', 'audit', '--data', srv.data.dir]);
  assert.equal(v.status, 0, v.stderr);
});

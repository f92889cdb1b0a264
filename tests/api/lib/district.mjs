// district.mjs — a server with the 吴中区 demo district and signed-in clients.
//
// startDistrict() runs `shuniu demo` into a fresh data dir, adds the accounts
// the scope tests need (a grid worker of the sibling grid, staff of the
// sibling community) and starts the server. login(name) returns a client
// that carries the session cookie and the CSRF token.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, makeDataDir, startServer } from './harness.mjs';

export const PASSWORD = 'Test-Passw0rd-9';

export function demoPasswords(dir) {
  const out = {};
  for (const line of readFileSync(join(dir, 'demo-accounts.txt'), 'utf8').split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [user, , password] = line.split('\t');
    out[user] = password;
  }
  return out;
}

export function addUser(dir, username, role, unitCode) {
  const r = cli(['user', 'add', '--data', dir, '--username', username, '--role', role, '--unit', unitCode, '--password-stdin'], { input: PASSWORD + '\n' });
  if (r.status !== 0) throw new Error(`user add ${username}: ${r.stderr}`);
}

export async function startDistrict(opts = {}) {
  const data = makeDataDir();
  const r = cli(['demo', '--data', data.dir], { timeout: 300000 });
  if (r.status !== 0) throw new Error('demo failed: ' + r.stderr);
  const passwords = demoPasswords(data.dir);
  const srv = await startServer({ data, ...opts });
  const origStop = srv.stop.bind(srv);
  srv.stop = async () => { const x = await origStop(); data.cleanup(); return x; };
  srv.passwords = passwords;
  srv.login = (username, password) => login(srv, username, password ?? passwords[username] ?? PASSWORD);
  return srv;
}

export async function login(srv, username, password) {
  const r = await srv.post('/api/v1/auth/login', { username, password });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`);
  const cookie = /shuniu_session=([0-9a-f]+)/.exec(r.headers.get('set-cookie'))[1];
  return client(srv, cookie, r.body.csrf_token, r.body.user);
}

export function client(srv, cookie, csrf, user) {
  const headers = (extra = {}) => ({ cookie: `shuniu_session=${cookie}`, ...extra });
  const c = {
    user, cookie, csrf,
    get: (p) => srv.json(p, { headers: headers() }),
    post: (p, body = {}, extra = {}) => srv.json(p, {
      method: 'POST', headers: headers({ 'content-type': 'application/json', 'x-csrf-token': csrf, ...extra }),
      body: JSON.stringify(body),
    }),
    patch: (p, body = {}) => srv.json(p, {
      method: 'PATCH', headers: headers({ 'content-type': 'application/json', 'x-csrf-token': csrf }),
      body: JSON.stringify(body),
    }),
    put: (p, body = {}) => srv.json(p, {
      method: 'PUT', headers: headers({ 'content-type': 'application/json', 'x-csrf-token': csrf }),
      body: JSON.stringify(body),
    }),
    del: (p) => srv.json(p, { method: 'DELETE', headers: headers({ 'x-csrf-token': csrf }) }),
  };
  return c;
}

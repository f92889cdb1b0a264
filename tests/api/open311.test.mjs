// Open311 GeoReport v2 under /open311/v2/: discovery, services, service
// definitions, requests (search, one, create) and tokens, in JSON and XML,
// with the spec's field names and error documents; the public answers never
// carry personal data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, DB } from './lib/harness.mjs';
import { png } from './lib/images.mjs';
import { startDistrict } from './lib/district.mjs';

const V2 = '/open311/v2';
const DECL = '<?xml version="1.0" encoding="utf-8"?>';
const CT_JSON = 'application/json; charset=utf-8';
const CT_XML = 'text/xml; charset=utf-8';
const PHONE = '13957012468';
const REQUEST_KEYS = ['service_request_id', 'status', 'status_notes', 'service_name', 'service_code', 'description',
  'agency_responsible', 'service_notice', 'requested_datetime', 'updated_datetime', 'expected_datetime', 'address',
  'address_id', 'zipcode', 'lat', 'long', 'media_url'];
const SERVICE_KEYS = ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group'];
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/;

let srv, apiKey, district, gw, community, grid1, point;
const answers = []; // every Open311 answer body, for the privacy check

// ---- a tiny XML reader: elements and text, the five entities, nothing else ----

function unescapeXml(s) {
  assert.ok(!/[>"']/.test(s), `markup characters are escaped: ${s}`);
  assert.ok(!/&(?!(amp|lt|gt|quot|apos);)/.test(s), `only the five entities: ${s}`);
  return s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e]);
}

function parseXml(text) {
  assert.ok(text.startsWith(DECL), 'XML declaration first: ' + text.slice(0, 60));
  const body = text.slice(DECL.length);
  const doc = { name: '#doc', children: [], text: '' };
  const stack = [doc];
  const re = /<(\/?)([A-Za-z_][\w.-]*)(\/?)>|([^<]+)/y;
  while (re.lastIndex < body.length) {
    const at = re.lastIndex;
    const m = re.exec(body);
    if (!m) throw new Error('bad XML at ' + body.slice(at, at + 40));
    if (m[4] !== undefined) stack.at(-1).text += unescapeXml(m[4]);
    else if (m[1]) assert.equal(stack.pop().name, m[2], 'tags nest');
    else {
      const node = { name: m[2], children: [], text: '' };
      stack.at(-1).children.push(node);
      if (!m[3]) stack.push(node);
    }
  }
  assert.equal(stack.length, 1, 'every element closed');
  assert.equal(doc.children.length, 1, 'one root');
  return doc.children[0];
}

const names = (node) => node.children.map((c) => c.name);
const fields = (node) => Object.fromEntries(node.children.map((c) => [c.name, c.text]));
const child = (node, name) => node.children.find((c) => c.name === name);

// ---- requests ----

async function fetchText(path, init) {
  const r = await srv.fetch(path, init);
  const text = await r.text();
  answers.push(text);
  return { status: r.status, type: r.headers.get('content-type'), text };
}

async function getJson(path) {
  const r = await fetchText(V2 + path);
  assert.equal(r.type, CT_JSON, path);
  return { status: r.status, body: JSON.parse(r.text) };
}

async function getXml(path) {
  const r = await fetchText(V2 + path);
  assert.equal(r.type, CT_XML, path);
  return { status: r.status, root: parseXml(r.text), text: r.text };
}

function form(f) {
  return typeof f === 'string' ? f : new URLSearchParams(f).toString();
}

async function postJson(f, { path = '/requests.json', type = 'application/x-www-form-urlencoded' } = {}) {
  const r = await fetchText(V2 + path, { method: 'POST', headers: { 'content-type': type }, body: form(f) });
  assert.equal(r.type, CT_JSON);
  return { status: r.status, body: JSON.parse(r.text) };
}

async function postXml(f) {
  const r = await fetchText(V2 + '/requests.xml', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form(f) });
  assert.equal(r.type, CT_XML);
  return { status: r.status, root: parseXml(r.text) };
}

function assertJsonError(r, code) {
  assert.equal(r.status, code, JSON.stringify(r.body));
  assert.ok(Array.isArray(r.body) && r.body.length === 1);
  assert.deepEqual(Object.keys(r.body[0]), ['code', 'description']);
  assert.equal(r.body[0].code, code);
  assert.ok(r.body[0].description.length > 0);
}

function assertXmlError(r, code) {
  assert.equal(r.status, code, r.text);
  assert.equal(r.root.name, 'errors');
  assert.deepEqual(names(r.root), ['error']);
  assert.deepEqual(names(r.root.children[0]), ['code', 'description']);
  assert.equal(fields(r.root.children[0]).code, String(code));
}

// A valid submission at the grid worker's grid.
const submission = (extra = {}) => ({ api_key: apiKey, service_code: 'environment', lat: point.lat, long: point.lng, description: '小区东门垃圾桶满溢，气味很大', ...extra });

async function create(extra = {}) {
  const r = await postJson(submission(extra));
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body[0].service_request_id;
}

async function appealOf(caseNo) {
  const r = await district.get(`/api/v1/appeals?q=${caseNo}`);
  assert.equal(r.status, 200);
  const item = r.body.items.find((x) => x.case_no === caseNo);
  assert.ok(item, 'staff see ' + caseNo);
  return (await district.get(`/api/v1/appeals/${item.id}`)).body;
}

const act = (who, id, body) => who.post(`/api/v1/appeals/${id}/actions`, body);

function apiToken(user) {
  const r = cli(['token', 'create', '--data', srv.data.dir, '--user', user]);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').at(-1);
}

before(async () => {
  srv = await startDistrict();
  district = await srv.login('district');
  gw = await srv.login('gridworker');
  community = await srv.login('longqiao');
  grid1 = gw.user.unit;
  apiKey = apiToken('district');
  assert.match(apiKey, /^[0-9a-f]{64}$/);
  // A point inside the grid worker's grid: the centre of its boundary's outer ring.
  const u = await district.get(`/api/v1/units/${grid1.id}`);
  assert.equal(u.status, 200);
  const b = u.body.boundary;
  const ring = b.type === 'MultiPolygon' ? b.coordinates[0][0] : b.coordinates[0];
  point = {
    lng: ring.slice(0, -1).reduce((s, p) => s + p[0], 0) / (ring.length - 1),
    lat: ring.slice(0, -1).reduce((s, p) => s + p[1], 0) / (ring.length - 1),
  };
});

after(async () => {
  const r = await srv.stop();
  assert.equal(r.code, 0, 'server exits cleanly:\n' + srv.log().slice(-4000));
});

// ---- discovery and services ----

test('discovery names this server\'s endpoint, in JSON and XML', async () => {
  const j = await getJson('/discovery.json');
  assert.equal(j.status, 200);
  assert.deepEqual(Object.keys(j.body), ['changeset', 'contact', 'key_service', 'endpoints']);
  assert.match(j.body.changeset, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
  assert.deepEqual(j.body.endpoints, [{
    specification: 'http://wiki.open311.org/GeoReport_v2', url: `http://127.0.0.1:${srv.port}/open311/v2`,
    changeset: j.body.changeset, type: 'production', formats: ['text/xml', 'application/json'],
  }]);
  const x = await getXml('/discovery.xml');
  assert.equal(x.status, 200);
  assert.equal(x.root.name, 'discovery');
  assert.deepEqual(names(x.root), ['changeset', 'contact', 'key_service', 'endpoints']);
  assert.equal(fields(x.root).contact, j.body.contact, 'the apostrophe survives escaping');
  const ep = child(x.root, 'endpoints').children;
  assert.deepEqual(ep.map((e) => e.name), ['endpoint']);
  const e = fields(ep[0]);
  assert.equal(e.specification, 'http://wiki.open311.org/GeoReport_v2');
  assert.equal(e.url, `http://127.0.0.1:${srv.port}/open311/v2`);
  assert.equal(e.type, 'production');
  assert.deepEqual(child(ep[0], 'formats').children.map((f) => [f.name, f.text]), [['format', 'text/xml'], ['format', 'application/json']]);
});

test('services are the active appeal categories', async () => {
  let r = await district.post('/api/v1/appeal-categories', { code: 'o311_off', name: '停用类别', level: 'grid', accept_deadline: { amount: 8, unit: 'hours' }, handle_deadline: { amount: 3, unit: 'workdays' } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  r = await district.patch(`/api/v1/appeal-categories/${r.body.id}`, { active: false });
  assert.equal(r.status, 200);

  const j = await getJson('/services.json');
  assert.equal(j.status, 200);
  for (const s of j.body) assert.deepEqual(Object.keys(s), SERVICE_KEYS);
  const env = j.body.find((s) => s.service_code === 'environment');
  assert.equal(env.service_name, '环境卫生');
  assert.equal(env.metadata, false);
  assert.equal(env.type, 'realtime');
  assert.equal(env.keywords, '');
  assert.equal(env.group, 'grid');
  assert.ok(env.description.length > 0);
  assert.ok(!j.body.some((s) => s.service_code === 'o311_off'), 'inactive categories are not services');

  const x = await getXml('/services.xml');
  assert.equal(x.root.name, 'services');
  assert.equal(x.root.children.length, j.body.length);
  for (const s of x.root.children) {
    assert.equal(s.name, 'service');
    assert.deepEqual(names(s), SERVICE_KEYS);
  }
  const xe = fields(x.root.children.find((s) => fields(s).service_code === 'environment'));
  assert.deepEqual(xe, { ...env, metadata: 'false' });
});

test('a service definition has no extra attributes; an unknown code is a 404', async () => {
  const j = await getJson('/services/environment.json');
  assert.equal(j.status, 200);
  assert.deepEqual(j.body, { service_code: 'environment', attributes: [] });
  const x = await getXml('/services/environment.xml');
  assert.equal(x.status, 200);
  assert.equal(x.root.name, 'service_definition');
  assert.deepEqual(names(x.root), ['service_code', 'attributes']);
  assert.equal(fields(x.root).service_code, 'environment');
  assert.equal(child(x.root, 'attributes').children.length, 0);

  assertJsonError(await getJson('/services/nope.json'), 404);
  assertXmlError(await getXml('/services/nope.xml'), 404);
  assertJsonError(await getJson('/services/o311_off.json'), 404);
});

test('paths without .json or .xml are 404s in the JSON error format', async () => {
  for (const p of ['/services.txt', '/services', '/discovery.JSON', '/nothing.json', '/services/environment', '/tokens/1.html', '/a/b/c.json', '/requests/x.yaml']) {
    assertJsonError(await getJson(p), 404);
  }
  assertXmlError(await getXml('/nothing.xml'), 404);
  assertJsonError(await postJson(submission(), { path: '/services.json' }), 404);
});

// ---- creating requests ----

test('POST requests.json with lat/long inside a grid creates an appeal there', async () => {
  const description = '小区东门垃圾桶满溢，气味很大，已经三天没人清理了，希望尽快处理，谢谢！';
  const r = await postJson(submission({ description }));
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.length, 1);
  assert.deepEqual(Object.keys(r.body[0]), ['service_request_id', 'token', 'service_notice', 'account_id']);
  const id = r.body[0].service_request_id;
  assert.match(id, /^\d{13}$/);
  assert.equal(r.body[0].token, id, 'the token is the case number');
  assert.equal(r.body[0].service_notice, '');
  assert.equal(r.body[0].account_id, null);

  const d = await appealOf(id);
  assert.equal(d.channel, 'open311');
  assert.equal(d.unit.id, grid1.id, 'placed in the grid that holds the point');
  assert.equal(d.handler_unit.id, grid1.id, 'environment is handled by the grid');
  assert.equal(d.category.code, 'environment');
  assert.equal(d.description, description);
  assert.equal(d.title, [...description].slice(0, 30).join(''), 'title: the first 30 characters');
  assert.equal(d.timeline[0].action, 'submit');
  assert.equal(d.timeline[0].actor, district.user.display_name, 'created by the api_key\'s account');

  const g = await getJson(`/requests/${id}.json`);
  assert.equal(g.status, 200);
  assert.equal(g.body.length, 1);
  const q = g.body[0];
  assert.deepEqual(Object.keys(q), REQUEST_KEYS);
  assert.equal(q.service_request_id, id);
  assert.equal(q.status, 'open');
  assert.equal(q.status_notes, '');
  assert.equal(q.service_code, 'environment');
  assert.equal(q.service_name, '环境卫生');
  assert.equal(q.description, description);
  assert.equal(q.agency_responsible, grid1.name);
  assert.equal(q.service_notice, '');
  assert.match(q.requested_datetime, ISO);
  assert.match(q.updated_datetime, ISO);
  assert.equal(q.expected_datetime, d.accept_due, 'before acceptance the acceptance deadline');
  assert.equal(q.address, '');
  assert.equal(q.address_id, '');
  assert.equal(q.zipcode, '');
  assert.ok(Math.abs(q.lat - point.lat) < 1e-9 && Math.abs(q.long - point.lng) < 1e-9, 'lat/long as given');
  assert.equal(q.media_url, '');

  const x = await getXml(`/requests/${id}.xml`);
  assert.equal(x.root.name, 'service_requests');
  assert.deepEqual(names(x.root), ['request']);
  assert.deepEqual(names(x.root.children[0]), REQUEST_KEYS);
  const xf = fields(x.root.children[0]);
  for (const k of REQUEST_KEYS) if (k !== 'lat' && k !== 'long') assert.equal(xf[k], q[k], k);
  assert.ok(Math.abs(Number(xf.lat) - point.lat) < 1e-9);
});

test('POST requests.xml with an address only; the place is triaged by the district', async () => {
  const r = await postXml(submission({ lat: '', long: '', address_string: '吴中区 东吴北路 88号 "B" & <C>' }));
  assert.equal(r.status, 201);
  assert.equal(r.root.name, 'service_requests');
  assert.deepEqual(names(r.root), ['request']);
  assert.deepEqual(names(r.root.children[0]), ['service_request_id', 'token', 'service_notice', 'account_id']);
  const f = fields(r.root.children[0]);
  assert.match(f.service_request_id, /^\d{13}$/);
  assert.equal(f.token, f.service_request_id);
  assert.equal(f.account_id, '');

  const d = await appealOf(f.service_request_id);
  assert.equal(d.unit.kind, 'district');
  const q = (await getJson(`/requests/${f.service_request_id}.json`)).body[0];
  assert.equal(q.address, '吴中区 东吴北路 88号 "B" & <C>', 'the + in the form is a space');
  assert.equal(q.lat, null);
  assert.equal(q.long, null);
  const x = fields((await getXml(`/requests/${f.service_request_id}.xml`)).root.children[0]);
  assert.equal(x.address, q.address, 'escaped and read back');
  assert.equal(x.lat, '');
  assert.equal(x.long, '');
});

test('address_id counts as a location', async () => {
  const r = await postJson({ api_key: apiKey, service_code: 'noise', address_id: 'BLD-12', description: '夜间施工' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const q = (await getJson(`/requests/${r.body[0].service_request_id}.json`)).body[0];
  assert.equal(q.address_id, '');
  assert.equal(q.service_code, 'noise');
});

test('the api_key is required and must be a valid token of an account that may register appeals', async () => {
  const { api_key: _, ...noKey } = submission();
  assertJsonError(await postJson(noKey), 403);
  assertXmlError(await postXml(noKey), 403);
  assertJsonError(await postJson(submission({ api_key: 'f'.repeat(64) })), 403);
  assertJsonError(await postJson(submission({ api_key: 'short' })), 403);
  assertJsonError(await postJson(submission({ api_key: apiToken('auditor') })), 403);
});

test('validation: service_code, location, description, phone, coordinates', async () => {
  const { service_code: _, ...noCode } = submission();
  assertJsonError(await postJson(noCode), 400);
  assertXmlError(await postXml(noCode), 400);
  assertJsonError(await postJson(submission({ service_code: 'nope' })), 404);
  assertXmlError(await postXml(submission({ service_code: 'nope' })), 404);
  assertJsonError(await postJson(submission({ service_code: 'o311_off' })), 404);
  const { lat: _a, long: _b, ...noPlace } = submission();
  assertJsonError(await postJson(noPlace), 400);
  assertXmlError(await postXml(noPlace), 400);
  assertJsonError(await postJson({ ...noPlace, lat: point.lat }), 400);
  assertJsonError(await postJson(submission({ lat: 'north', long: 'east' })), 400);
  assertJsonError(await postJson(submission({ lat: 10, long: 10 })), 400);
  assertJsonError(await postJson(submission({ lat: 31.3, long: 121.9 })), 400); // in China, in no grid
  assertJsonError(await postJson(submission({ description: '' })), 400);
  assertJsonError(await postJson(submission({ description: '   ' })), 400);
  assertJsonError(await postJson(submission({ description: 'x'.repeat(2001) })), 400);
  assert.equal((await postJson(submission({ description: '好'.repeat(666) }))).status, 201, '1998 bytes');
  assertJsonError(await postJson(submission({ phone: '12345' })), 400);
  assertJsonError(await postJson(`${form(submission())}&service_code=noise`), 400);
  assertJsonError(await postJson(submission(), { type: 'application/json' }), 400);
});

test('a point outside China (73–136° E, 3–54° N) is refused as such, before any grid is looked for', async () => {
  for (const [lat, long] of [[10, 10], [31.3, 72.9], [31.3, 136.1], [2.9, 121.9], [54.1, 121.9], [-31.3, -121.9]]) {
    const r = await postJson(submission({ lat, long }));
    assertJsonError(r, 400);
    assert.match(r.body[0].description, /^lat and long: a point in China/, `${lat}, ${long}`);
    const x = await postXml(submission({ lat, long }));
    assertXmlError(x, 400);
  }
  // inside the box but in none of this district's grids: refused for that reason
  for (const [lat, long] of [[31.3, 121.9], [3, 73], [54, 136]]) {
    const r = await postJson(submission({ lat, long }));
    assertJsonError(r, 400);
    assert.match(r.body[0].description, /in no grid/, `${lat}, ${long}`);
  }
});

test('malformed form encoding is a 400', async () => {
  const good = form(submission());
  for (const body of [`${good}&description=%zz`, `${good.replace(/description=[^&]*/, 'description=abc%4')}`,
    `${good.replace(/description=[^&]*/, 'description=%FF%FE')}`, `${good.replace(/description=[^&]*/, 'description=a%00b')}`]) {
    assertJsonError(await postJson(body), 400);
  }
  const r = await fetchText(V2 + '/requests.xml', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'api_key=%G1' });
  assertXmlError({ status: r.status, root: parseXml(r.text), text: r.text }, 400);
});

test('media_url is kept only when it is one of our attachments', async () => {
  const up = await srv.json('/api/v1/attachments', { method: 'POST', headers: { 'content-type': 'image/png' }, body: png(4, 3) });
  assert.equal(up.status, 201, JSON.stringify(up.body));
  const ours = `http://127.0.0.1:${srv.port}/api/v1/attachments/${up.body.id}`;
  let id = await create({ media_url: ours });
  assert.equal((await getJson(`/requests/${id}.json`)).body[0].media_url, ours);
  assert.deepEqual((await appealOf(id)).photos, [up.body.id]);
  id = await create({ media_url: `https://elsewhere.example/api/v1/attachments/${up.body.id}` });
  assert.equal((await getJson(`/requests/${id}.json`)).body[0].media_url, '', 'a foreign URL is ignored');
  id = await create({ media_url: `http://127.0.0.1:${srv.port}/api/v1/attachments/${'0'.repeat(64)}` });
  assert.equal((await getJson(`/requests/${id}.json`)).body[0].media_url, '', 'an unknown attachment is ignored');
});

// ---- status and search ----

test('status: open until verified, then closed with the resolution as status_notes', async () => {
  const id = await create({ description: '路灯不亮 <b>&"quotes"\'' });
  const d = await appealOf(id);
  let r = await act(gw, d.id, { action: 'accept' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await act(gw, d.id, { action: 'dispatch', on_the_spot: true });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal((await getJson(`/requests/${id}.json`)).body[0].status, 'open');
  assert.equal((await getJson(`/requests/${id}.json`)).body[0].expected_datetime, (await appealOf(id)).handle_due, 'then the handling deadline');
  r = await act(gw, d.id, { action: 'resolve', note: '已更换灯泡 & 检查线路' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal((await getJson(`/requests/${id}.json`)).body[0].status, 'open', 'resolved is still open');
  r = await act(community, d.id, { action: 'verify', passed: true });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.status, 'closed');

  const q = (await getJson(`/requests/${id}.json`)).body[0];
  assert.equal(q.status, 'closed');
  assert.equal(q.status_notes, '已更换灯泡 & 检查线路');
  const x = fields((await getXml(`/requests/${id}.xml`)).root.children[0]);
  assert.equal(x.status, 'closed');
  assert.equal(x.status_notes, '已更换灯泡 & 检查线路');
  assert.equal(x.description, '路灯不亮 <b>&"quotes"\'');

  const open = await create();
  const both = `service_request_id=${id},${open}`;
  const ids = async (qs) => (await getJson(`/requests.json?${qs}`)).body.map((x) => x.service_request_id);
  let l = await ids('status=closed');
  assert.ok(l.includes(id) && !l.includes(open));
  l = await ids('status=open');
  assert.ok(!l.includes(id) && l.includes(open));
  l = await ids('status=open,closed');
  assert.ok(l.includes(id) && l.includes(open));
  assert.deepEqual(await ids(both), [open, id], 'newest first');
  assertJsonError(await getJson('/requests.json?status=resolved'), 400);
  assertXmlError(await getXml('/requests.xml?status=pending'), 400);
});

test('search by service_request_id list, service_code, dates; one request; unknown ids', async () => {
  const a = await create({ service_code: 'noise', description: '广场舞噪音' });
  const b = await create();
  const ids = async (qs) => (await getJson(`/requests.json?${qs}`)).body.map((x) => x.service_request_id);

  assert.deepEqual(await ids(`service_request_id=${a},${b}`), [b, a]);
  assert.deepEqual(await ids(`service_request_id=${a}&service_code=environment&status=closed`), [a], 'other filters ignored with ids');
  assert.deepEqual(await ids('service_request_id=1999010100001'), []);
  assertJsonError(await getJson('/requests.json?service_request_id=abc'), 400);
  const x = await getXml(`/requests.xml?service_request_id=${b},${a}`);
  assert.equal(x.root.name, 'service_requests');
  assert.deepEqual(x.root.children.map((c) => fields(c).service_request_id), [b, a]);

  let l = await ids('service_code=noise');
  assert.ok(l.includes(a) && !l.includes(b));
  l = await ids('service_code=noise,environment');
  assert.ok(l.includes(a) && l.includes(b));
  for (const q of (await getJson('/requests.json?service_code=noise')).body) assert.equal(q.service_code, 'noise');

  const at = (await getJson(`/requests/${a}.json`)).body[0].requested_datetime;
  const t = Date.parse(at);
  const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
  l = await ids(`start_date=${encodeURIComponent(iso(t))}`);
  assert.ok(l.includes(a) && l.includes(b), 'start_date is inclusive');
  l = await ids(`start_date=${iso(t + 86400000)}`);
  assert.ok(!l.includes(a) && !l.includes(b));
  l = await ids(`end_date=${iso(t - 86400000)}`);
  assert.ok(!l.includes(a) && !l.includes(b));
  l = await ids(`start_date=${iso(t - 3600000)}&end_date=${iso(t + 3600000)}`);
  assert.ok(l.includes(a));
  for (const off of ['+08:00', '+0800']) { // an unencoded '+' arrives as a space
    l = await ids(`start_date=${at.slice(0, 19)}${off}`);
    assert.ok(l.includes(a), off);
  }
  assertJsonError(await getJson(`/requests.json?start_date=${iso(t - 100 * 86400000)}&end_date=${iso(t)}`), 400);
  assertJsonError(await getJson(`/requests.json?start_date=${iso(t)}&end_date=${iso(t - 1000)}`), 400);
  assertJsonError(await getJson('/requests.json?start_date=yesterday'), 400);
  assertXmlError(await getXml('/requests.xml?end_date=2026-13-01'), 400);

  assertJsonError(await getJson('/requests/1999010100001.json'), 404);
  assertXmlError(await getXml('/requests/1999010100001.xml'), 404);
  assertJsonError(await getJson('/requests/abc.json'), 404);
});

test('tokens resolve to their request at once; merged requests point to the survivor', async () => {
  const id = await create();
  const j = await getJson(`/tokens/${id}.json`);
  assert.equal(j.status, 200);
  assert.deepEqual(j.body, [{ service_request_id: id, token: id }]);
  const x = await getXml(`/tokens/${id}.xml`);
  assert.equal(x.root.name, 'service_requests');
  assert.deepEqual(names(x.root.children[0]), ['service_request_id', 'token']);
  assert.deepEqual(fields(x.root.children[0]), { service_request_id: id, token: id });
  assertJsonError(await getJson('/tokens/1999010100001.json'), 404);
  assertXmlError(await getXml('/tokens/nope.xml'), 404);

  const dup = await create();
  const [keep, gone] = [await appealOf(id), await appealOf(dup)];
  const r = await act(gw, gone.id, { action: 'merge', into: keep.id });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assertJsonError(await getJson(`/requests/${dup}.json`), 404);
  assert.deepEqual((await getJson(`/requests.json?service_request_id=${dup},${id}`)).body.map((q) => q.service_request_id), [id]);
  assert.ok(!(await getJson('/requests.json')).body.some((q) => q.service_request_id === dup), 'merged ones are not listed');
  assert.deepEqual((await getJson(`/tokens/${dup}.json`)).body, [{ service_request_id: id, token: dup }]);
});

// ---- privacy ----

test('contact details are stored encrypted and never appear in an Open311 answer', async () => {
  const id = await create({ first_name: 'Xiuying', last_name: 'Wang', phone: PHONE, email: 'wang@example.cn', description: '楼下车库漏水' });
  const d = await appealOf(id);
  assert.equal(d.contact.phone, '139****2468', 'staff see the mask');
  assert.equal(d.contact.name, 'Xiuying Wang');

  await getJson('/requests.json');
  await getXml('/requests.xml');
  await getJson(`/requests/${id}.json`);
  await getXml(`/requests/${id}.xml`);
  await getJson(`/requests.json?service_request_id=${id}`);
  const all = answers.join('\n');
  for (const secret of [PHONE, '139****2468', 'Xiuying', 'wang@example.cn']) {
    assert.ok(!all.includes(secret), `no Open311 answer contains ${secret}`);
  }
  assert.ok(!srv.log().includes(PHONE), 'nor the log');

  if (DB === 'postgres') {
    const tables = srv.data.psql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'").split('\n');
    for (const t of tables) {
      const n = srv.data.psql(`SELECT count(*) FROM "${t}" x WHERE x::text LIKE '%${PHONE}%'`);
      assert.equal(n, '0', `no plaintext phone in ${t}`);
    }
  } else {
    for (const f of ['shuniu.db', 'shuniu.db-wal']) {
      const p = join(srv.data.dir, f);
      if (existsSync(p)) assert.ok(!readFileSync(p).includes(Buffer.from(PHONE)), `no plaintext phone in ${f}`);
    }
  }
});

// ---- database failure ----

test('a database failure is answered as a 503 Open311 error, never a crash', async () => {
  const id = await create();
  const fail = async (after) => assert.equal((await srv.post('/api/v1/_test/db-fail', { after })).status, 200);
  // The failure is process-wide, so a background thread may take it instead: count the 503s.
  let failed = 0;
  for (const p of ['/services.json', `/services/environment.json`, '/requests.json', `/requests/${id}.json`, `/tokens/${id}.json`]) {
    await fail(1);
    const j = await getJson(p);
    if (j.status !== 200) { assertJsonError(j, 503); failed++; }
    await fail(1);
    const x = await getXml(p.replace('.json', '.xml'));
    if (x.status !== 200) { assertXmlError(x, 503); failed++; }
  }
  for (let n = 1; n <= 8; n++) {
    await fail(n);
    const r = await postJson(submission());
    if (r.status !== 201) { assertJsonError(r, 503); failed++; }
  }
  await fail(0);
  assert.ok(failed >= 10, `most calls met the failure (${failed})`);
  assert.equal((await postJson(submission())).status, 201, 'and the next one works');
});

// ---- the default window (moves the server's clock: keep last) ----

test('without dates the search covers the last 90 days', async () => {
  const id = await create();
  const at = Date.parse((await getJson(`/requests/${id}.json`)).body[0].requested_datetime);
  let l = (await getJson('/requests.json')).body.map((q) => q.service_request_id);
  assert.ok(l.includes(id));
  assert.ok(l.length <= 1000);
  const r = await srv.post('/api/v1/_test/clock', { advance_seconds: 91 * 86400 });
  assert.equal(r.status, 200);
  l = (await getJson('/requests.json')).body.map((q) => q.service_request_id);
  assert.ok(!l.includes(id), 'older than 90 days: outside the default window');
  assert.equal((await getJson(`/requests/${id}.json`)).status, 200, 'still found by id');
  const start = new Date(at - 3600000).toISOString();
  l = (await getJson(`/requests.json?start_date=${start}`)).body.map((q) => q.service_request_id);
  assert.ok(l.includes(id), 'an explicit window finds it');
});

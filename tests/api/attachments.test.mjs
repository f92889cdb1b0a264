// Photo attachments: type from the bytes, metadata stripped before storing,
// content-addressed ids, the size limit, and downloads by id.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { DB } from './lib/harness.mjs';
import { pngChunk } from './lib/images.mjs';
import { startDistrict } from './lib/district.mjs';

let srv;
before(async () => { srv = await startDistrict({ env: { SHUNIU_ATTACHMENT_LIMIT: '2K' } }); });
after(async () => {
  const log = srv.log();
  const { code } = await srv.stop();
  assert.equal(code, 0, log.slice(-3000)); // the ASan build exits non-zero on a leak
});

const sha256 = (b) => createHash('sha256').update(b).digest('hex');
const seg = (marker, payload) => {
  const p = Buffer.from(payload);
  return Buffer.concat([Buffer.from([0xff, marker, (p.length + 2) >> 8, (p.length + 2) & 0xff]), p]);
};

// A structurally valid baseline JPEG (48 x 32); exif and comment are optional.
function jpeg({ exif = null, comment = null, w = 48, h = 32 } = {}) {
  const app0 = seg(0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const dqt = seg(0xdb, [0, ...Array.from({ length: 64 }, (_, i) => i + 1)]);
  const sof0 = seg(0xc0, [8, h >> 8, h & 0xff, w >> 8, w & 0xff, 1, 1, 0x11, 0]);
  const dht = seg(0xc4, [0, 1, ...Array(15).fill(0), 0]);
  const sos = seg(0xda, [1, 1, 0, 0, 0x3f, 0]);
  const scan = Buffer.from([0x12, 0x34, 0xff, 0x00, 0x56, 0x78]);
  const parts = [Buffer.from([0xff, 0xd8]), app0];
  if (exif) parts.push(seg(0xe1, Buffer.concat([Buffer.from('Exif\0\0MM\0*'), Buffer.from(exif)])));
  if (comment) parts.push(seg(0xfe, Buffer.from(comment)));
  parts.push(dqt, sof0, dht, sos, scan, Buffer.from([0xff, 0xd9]));
  return { bytes: Buffer.concat(parts), stripped: Buffer.concat([Buffer.from([0xff, 0xd8]), app0, dqt, sof0, dht, sos, scan, Buffer.from([0xff, 0xd9])]) };
}

function png(w, h, text) {
  const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 0;
  const raw = Buffer.alloc((w + 1) * h);
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const keep = [pngChunk('IHDR', ihdr), pngChunk('IDAT', zlib.deflateSync(raw)), pngChunk('IEND', [])];
  return {
    bytes: Buffer.concat([sig, keep[0], pngChunk('tEXt', Buffer.from(`Author\0${text}`)), keep[1], keep[2]]),
    stripped: Buffer.concat([sig, ...keep]),
  };
}

async function upload(body, headers = {}) {
  return srv.json('/api/v1/attachments', { method: 'POST', headers: { 'content-type': 'image/jpeg', ...headers }, body });
}

function sql(q) {
  if (DB === 'postgres') return srv.data.psql(q);
  const r = spawnSync('sqlite3', [join(srv.data.dir, 'shuniu.db'), q], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

function storedFiles() {
  const top = join(srv.data.dir, 'attachments');
  if (!existsSync(top)) return [];
  return readdirSync(top).flatMap((d) => readdirSync(join(top, d)).map((f) => `${d}/${f}`));
}

test('an anonymous JPEG upload is stored without its EXIF and comment, named by its SHA-256', async () => {
  const { bytes, stripped } = jpeg({ exif: 'GPS 31.2983N 120.6190E iPhone', comment: 'Wang Xiuying' });
  const r = await upload(bytes);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.deepEqual(r.body, {
    id: sha256(stripped), mime: 'image/jpeg', size: stripped.length, width: 48, height: 32,
    url: `/api/v1/attachments/${sha256(stripped)}`,
  });

  const g = await srv.fetch(r.body.url);
  assert.equal(g.status, 200);
  assert.equal(g.headers.get('content-type'), 'image/jpeg');
  assert.equal(g.headers.get('cache-control'), 'private, max-age=31536000, immutable');
  assert.equal(g.headers.get('x-content-type-options'), 'nosniff');
  const got = Buffer.from(await g.arrayBuffer());
  assert.equal(sha256(got), r.body.id);
  assert.ok(!got.includes('Exif'), 'EXIF served');
  assert.ok(!got.includes('Wang'), 'comment served');
  assert.deepEqual(got, stripped);

  assert.ok(storedFiles().includes(`${r.body.id.slice(0, 2)}/${r.body.id}`), 'file at attachments/xx/<id>');
  assert.equal(sql(`SELECT COALESCE(CAST(uploader_id AS TEXT), 'null') || ' ' || size || ' ' || width || 'x' || height FROM attachments WHERE id = '${r.body.id}'`),
    `null ${stripped.length} 48x32`);
});

test('the same photo uploaded twice, even with other metadata, is one attachment', async () => {
  const a = await upload(jpeg({ w: 64, h: 64, exif: 'first camera' }).bytes);
  const b = await upload(jpeg({ w: 64, h: 64, exif: 'second camera' }).bytes);
  const c = await upload(jpeg({ w: 64, h: 64 }).bytes);
  assert.equal(a.status, 201);
  assert.equal(b.status, 201);
  assert.equal(c.status, 201);
  assert.equal(b.body.id, a.body.id);
  assert.equal(c.body.id, a.body.id);
  assert.equal(sql(`SELECT COUNT(*) FROM attachments WHERE id = '${a.body.id}'`), '1');
  assert.equal(storedFiles().filter((f) => f.endsWith(a.body.id)).length, 1);
  assert.ok(!storedFiles().some((f) => f.includes('/.')), 'no temporary file left behind');
});

test('a signed-in upload records its uploader and needs the CSRF token like any write', async () => {
  const me = await srv.login('resident');
  const { bytes } = jpeg({ w: 10, h: 20 });
  const noCsrf = await upload(bytes, { cookie: `shuniu_session=${me.cookie}` });
  assert.equal(noCsrf.status, 403);
  const r = await upload(bytes, { cookie: `shuniu_session=${me.cookie}`, 'x-csrf-token': me.csrf });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(sql(`SELECT uploader_id FROM attachments WHERE id = '${r.body.id}'`), String(me.user.id));
});

test('PNG text chunks are stripped and the size comes from IHDR', async () => {
  const { bytes, stripped } = png(7, 5, 'Wang Xiuying');
  const r = await upload(bytes, { 'content-type': 'application/octet-stream' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.mime, 'image/png');
  assert.equal(r.body.id, sha256(stripped));
  assert.equal(r.body.width, 7);
  assert.equal(r.body.height, 5);
  const got = Buffer.from(await (await srv.fetch(r.body.url)).arrayBuffer());
  assert.deepEqual(got, stripped);
  assert.equal((await srv.fetch(r.body.url)).headers.get('content-type'), 'image/png');
});

test('a lossless WebP is accepted with its size', async () => {
  const bits = (99 | (49 << 14)) >>> 0; // 100 x 50
  const vp8l = Buffer.from([0x2f, bits & 0xff, (bits >> 8) & 0xff, (bits >> 16) & 0xff, bits >>> 24, 0]); // 5 bytes + pad
  const body = Buffer.concat([Buffer.from('RIFF'), Buffer.from([18, 0, 0, 0]), Buffer.from('WEBPVP8L'), Buffer.from([5, 0, 0, 0]), vp8l]);
  const r = await upload(body, { 'content-type': 'image/webp' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.mime, 'image/webp');
  assert.equal(r.body.width, 100);
  assert.equal(r.body.height, 50);
});

test('the type is read from the bytes: text labelled image/jpeg is 415', async () => {
  const before = storedFiles().length;
  for (const body of ['this is not a photo at all', '<svg xmlns="http://www.w3.org/2000/svg"/>', 'GIF89a\x01\x00\x01\x00']) {
    const r = await upload(body);
    assert.equal(r.status, 415, body);
    assert.equal(r.body.error.code, 'request.unsupported_media_type');
    assert.equal(r.body.error.message, 'Photos must be JPEG, PNG or WebP.');
  }
  assert.equal(storedFiles().length, before);
});

test('an empty body is 400 naming body, and a truncated JPEG is refused, not stored', async () => {
  const empty = await upload(Buffer.alloc(0));
  assert.equal(empty.status, 400);
  assert.equal(empty.body.error.details.field, 'body');
  const before = storedFiles().length;
  const { bytes } = jpeg({ w: 99, h: 99 });
  const cut = await upload(bytes.subarray(0, bytes.length - 5));
  assert.equal(cut.status, 400);
  assert.equal(cut.body.error.code, 'request.invalid');
  assert.equal(cut.body.error.details.field, 'body');
  assert.equal(storedFiles().length, before);
});

test('a photo above attachment_limit is 413', async () => {
  const { bytes } = jpeg({ comment: 'x'.repeat(2100) }); // 2K limit in this server
  assert.ok(bytes.length > 2048);
  const r = await upload(bytes);
  assert.equal(r.status, 413);
  assert.equal(r.body.error.code, 'request.too_large');
  const fits = await upload(jpeg({ comment: 'x'.repeat(1500) }).bytes);
  assert.equal(fits.status, 201);
});

test('unknown, malformed and path-like ids are 404', async () => {
  const unknown = await srv.json(`/api/v1/attachments/${'0'.repeat(64)}`);
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.error.code, 'route.not_found');
  const { bytes, stripped } = jpeg({ w: 3, h: 3 });
  assert.equal((await upload(bytes)).status, 201);
  for (const id of [sha256(stripped).toUpperCase(), sha256(stripped).slice(0, 63), '..%2Fetc', '%2e%2e%2fetc%2fpasswd', '..']) {
    const r = await srv.json(`/api/v1/attachments/${id}`);
    assert.equal(r.status, 404, id);
  }
  const raw = await srv.raw('GET /api/v1/attachments/../etc HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.match(raw.text, /^HTTP\/1\.1 404 /);
});

test('a download can be revalidated by its ETag', async () => {
  const r = await upload(jpeg({ w: 5, h: 6 }).bytes);
  const g = await srv.fetch(r.body.url);
  assert.equal(g.headers.get('etag'), `"${r.body.id}"`);
  const again = await srv.fetch(r.body.url, { headers: { 'if-none-match': `"${r.body.id}"` } });
  assert.equal(again.status, 304);
  assert.equal(again.headers.get('cache-control'), 'private, max-age=31536000, immutable');
});

test('a database failure is 503 and the same upload succeeds afterwards', async () => {
  const { bytes, stripped } = jpeg({ w: 7, h: 7 });
  assert.equal((await srv.post('/api/v1/_test/db-fail', { after: 1 })).status, 200);
  const failed = await upload(bytes);
  assert.equal(failed.status, 503, JSON.stringify(failed.body));
  assert.equal(failed.body.error.code, 'server.db_unavailable');
  const ok = await upload(bytes);
  assert.equal(ok.status, 201);
  assert.equal(ok.body.id, sha256(stripped));
  assert.equal((await srv.post('/api/v1/_test/db-fail', { after: 1 })).status, 200);
  assert.equal((await srv.json(ok.body.url)).status, 503);
  assert.equal((await srv.fetch(ok.body.url)).status, 200);
});

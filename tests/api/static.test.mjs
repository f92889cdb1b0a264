// Static files from the web root: types, ETag/304, precompressed .gz, the
// single-page-app fallback, and no way out of the root.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { gzipSync, gunzipSync } from 'node:zlib';
import { startServer } from './lib/harness.mjs';

let srv, root, outside;
const APP_JS = 'console.log("shuniu");\n'.repeat(200);

before(async () => {
  const base = mkdtempSync(join(tmpdir(), 'shuniu-web-'));
  root = join(base, 'dist');
  outside = join(base, 'outside');
  mkdirSync(join(root, 'assets'), { recursive: true });
  mkdirSync(join(root, 'console'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.txt'), 'TOP-SECRET');
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>resident app</title>');
  writeFileSync(join(root, 'console', 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(root, 'assets', 'app.js'), APP_JS);
  writeFileSync(join(root, 'assets', 'app.js.gz'), gzipSync(APP_JS));
  writeFileSync(join(root, 'assets', 'style.css'), 'body{color:#333}');
  writeFileSync(join(root, 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(root, 'data.json'), '{"a":1}');
  writeFileSync(join(root, 'font.woff2'), 'wOF2');
  mkdirSync(join(root, '.vite'));
  writeFileSync(join(root, '.vite', 'manifest.json'), '{"src/main.ts":{"file":"assets/app.js"}}');
  mkdirSync(join(root, '.git'));
  writeFileSync(join(root, '.git', 'config'), '[remote "origin"]\n\turl = git@example:secret.git\n');
  writeFileSync(join(root, '.env'), 'SECRET=1');
  symlinkSync(join(outside, 'secret.txt'), join(root, 'escape.txt'));
  symlinkSync(outside, join(root, 'escapedir'));
  const t = new Date('2026-01-01T00:00:00Z');
  utimesSync(join(root, 'assets', 'app.js'), t, t);
  srv = await startServer({ args: ['--web-root', root] });
});

after(async () => {
  await srv.stop();
  rmSync(join(root, '..'), { recursive: true, force: true });
});

test('files are served with the right content types', async () => {
  const cases = {
    '/index.html': /^text\/html/,
    '/assets/app.js': /^text\/javascript/,
    '/assets/style.css': /^text\/css/,
    '/logo.svg': /^image\/svg\+xml/,
    '/data.json': /^application\/json/,
    '/font.woff2': /^font\/woff2/,
  };
  for (const [p, type] of Object.entries(cases)) {
    const r = await srv.fetch(p, { headers: { 'accept-encoding': 'identity' } });
    await r.arrayBuffer();
    assert.equal(r.status, 200, p);
    assert.match(r.headers.get('content-type'), type, p);
  }
});

test('HTML answers carry a Content-Security-Policy', async () => {
  const r = await srv.fetch('/');
  assert.equal(r.status, 200);
  assert.match(await r.text(), /resident app/);
  assert.match(r.headers.get('content-security-policy'), /default-src 'self'/);
  assert.match(r.headers.get('content-security-policy'), /frame-ancestors 'none'/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
});

test('ETag and If-None-Match give 304', async () => {
  const r = await srv.fetch('/assets/style.css');
  await r.arrayBuffer();
  const etag = r.headers.get('etag');
  assert.match(etag, /^"[0-9a-f]+-[0-9a-f]+(-gz)?"$/);
  const again = await srv.fetch('/assets/style.css', { headers: { 'if-none-match': etag } });
  assert.equal(again.status, 304);
  assert.equal((await again.arrayBuffer()).byteLength, 0);
  const other = await srv.fetch('/assets/style.css', { headers: { 'if-none-match': '"nope"' } });
  assert.equal(other.status, 200);
  await other.arrayBuffer();
});

test('hashed assets are cacheable for a long time, pages are revalidated', async () => {
  const a = await srv.fetch('/assets/style.css');
  await a.arrayBuffer();
  assert.match(a.headers.get('cache-control'), /immutable/);
  const p = await srv.fetch('/');
  await p.arrayBuffer();
  assert.equal(p.headers.get('cache-control'), 'no-cache');
});

test('the precompressed .gz is sent when the client accepts gzip', async () => {
  const head = 'GET /assets/app.js HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip, deflate\r\nConnection: close\r\n\r\n';
  const r = await srv.raw(head);
  const [headers] = r.text.split('\r\n\r\n');
  assert.match(headers, /^HTTP\/1\.1 200/);
  assert.match(headers, /\r\nContent-Encoding: gzip/i);
  assert.match(headers, /\r\nVary: Accept-Encoding/i);
  const body = Buffer.from(r.text.slice(headers.length + 4), 'latin1');
  assert.equal(gunzipSync(body).toString(), APP_JS);
});

test('the plain file is sent when the client does not accept gzip', async () => {
  for (const ae of ['identity', 'gzip;q=0', '']) {
    const head = `GET /assets/app.js HTTP/1.1\r\nHost: x\r\n${ae ? `Accept-Encoding: ${ae}\r\n` : ''}Connection: close\r\n\r\n`;
    const r = await srv.raw(head);
    assert.doesNotMatch(r.text.split('\r\n\r\n')[0], /Content-Encoding/i, ae);
    assert.ok(r.text.endsWith(APP_JS), ae);
  }
});

test('HEAD answers the headers without the body', async () => {
  const r = await srv.raw('HEAD /assets/style.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.match(r.text, /^HTTP\/1\.1 200/);
  assert.ok(r.text.endsWith('\r\n\r\n'), JSON.stringify(r.text));
});

test('app routes without an extension fall back to the nearest index.html', async () => {
  let r = await srv.fetch('/appeals/123');
  assert.equal(r.status, 200);
  assert.match(await r.text(), /resident app/);
  r = await srv.fetch('/console/cases/9');
  assert.equal(r.status, 200);
  assert.match(await r.text(), /console/);
  r = await srv.fetch('/console');
  assert.match(await r.text(), /console/);
});

test('a missing asset is a 404, not the index page', async () => {
  const r = await srv.json('/assets/missing.js');
  assert.equal(r.status, 404);
  assert.equal(r.body.error.code, 'route.not_found');
});

test('dotfiles and dot directories in the web root are never served', async () => {
  for (const p of ['/.vite/manifest.json', '/.git/config', '/.env', '/.git/', '/console/.hidden']) {
    const r = await srv.fetch(p);
    assert.equal(r.status, 404, p);
    const text = await r.text();
    assert.ok(!text.includes('secret') && !text.includes('src/main.ts') && !text.includes('<title>'), p);
  }
});

test('an unknown path under assets/ is a 404, never the app cached for a year', async () => {
  for (const p of ['/assets/missing-chunk', '/assets/old/route', '/console/assets/gone']) {
    const r = await srv.fetch(p);
    assert.equal(r.status, 404, p);
    assert.ok(!/immutable/.test(r.headers.get('cache-control') || ''), p);
  }
});

test('API paths never fall back to the web app', async () => {
  const r = await srv.json('/api/v1/unknown');
  assert.equal(r.status, 404);
  assert.equal(r.body.error.code, 'route.not_found');
});

test('no way out of the web root', async () => {
  const attempts = [
    '/../outside/secret.txt',
    '/assets/../../outside/secret.txt',
    '/%2e%2e/outside/secret.txt',
    '/%2E%2E/outside/secret.txt',
    '/assets/%2e%2e/%2e%2e/outside/secret.txt',
    '/..%2foutside%2fsecret.txt',
    '/assets/..%2f..%2foutside/secret.txt',
    '/index.html%00.png',
    '/%00/../outside/secret.txt',
    '/escape.txt',
    '/escapedir/secret.txt',
    '/assets\\..\\..\\outside\\secret.txt',
  ];
  for (const p of attempts) {
    const r = await srv.raw(`GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    assert.doesNotMatch(r.text, /TOP-SECRET/, p);
    assert.match(r.text, /^HTTP\/1\.1 (400|404) /, `${p}: ${r.text.slice(0, 60)}`);
  }
});

// harness.mjs — start the real shuniu binary for API tests and talk to it.
//
// Each startServer() makes a temp data dir (and, when SHUNIU_TEST_DB=postgres,
// a fresh PostgreSQL database on the throwaway server in SHUNIU_TEST_PG), runs
// `shuniu init`, then `shuniu serve --listen 127.0.0.1:0` and reads the bound
// port from the log. stop() sends SIGTERM and resolves with the exit code, so
// tests can assert a clean exit (the ASan build exits non-zero on leaks).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import net from 'node:net';
import { randomBytes } from 'node:crypto';

export const BIN = process.env.SHUNIU_BIN || resolve('build/asan/shuniu');
export const DB = process.env.SHUNIU_TEST_DB || 'sqlite';
// Every server and CLI run a test starts begins at this instant, whatever the
// machine's clock says (--test-clock-start): a Wednesday morning in Shanghai.
// Tests take dates from the server (GET /api/v1/meta's server_time, or the
// _test/clock answer), never from the machine; tests/any-hour proves it.
export const TEST_CLOCK_START = '2026-11-25T09:30:00+08:00';
const PG = process.env.SHUNIU_TEST_PG || '';

function psql(url, sql) {
  const r = spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
  return r.stdout.trim();
}

function pgDatabaseUrl(name) {
  const u = new URL(PG);
  u.pathname = '/' + name;
  return u.toString();
}

// Run SQL on the PostgreSQL test server's maintenance database.
export function pgAdmin(sql) {
  return psql(PG, sql);
}

// Run the CLI synchronously; returns { status, stdout, stderr }. A command
// given --data runs on the pinned clock too (opts.clockStart: another instant,
// or null for the machine's clock); serve is started by startServer().
export function cli(args, opts = {}) {
  const start = opts.clockStart === undefined ? TEST_CLOCK_START : opts.clockStart;
  if (start && args[0] !== 'serve' && args.includes('--data') && !args.includes('--test-clock-start')) {
    args = [...args, '--test-clock-start', start];
  }
  const r = spawnSync(BIN, args, {
    encoding: 'utf8',
    input: opts.input ?? '',
    env: { ...process.env, ...(opts.env || {}) },
    timeout: opts.timeout ?? 60000,
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

// A fresh data dir with `shuniu init` done; returns { dir, dbUrl, cleanup }.
export function makeDataDir({ init = true } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'shuniu-api-'));
  let dbUrl = null;
  let dbName = null;
  if (DB === 'postgres') {
    if (!PG) throw new Error('SHUNIU_TEST_DB=postgres needs SHUNIU_TEST_PG');
    dbName = 't_' + randomBytes(6).toString('hex');
    psql(PG, `CREATE DATABASE ${dbName}`);
    dbUrl = pgDatabaseUrl(dbName);
  }
  const data = join(dir, 'data');
  if (init) {
    const r = cli(['init', '--data', data, ...(dbUrl ? ['--db', dbUrl] : [])]);
    if (r.status !== 0) throw new Error(`init failed: ${r.stderr}`);
  }
  return {
    dir: data,
    root: dir,
    dbUrl,
    psql: (sql) => psql(dbUrl, sql),
    cleanup() {
      if (dbName) {
        try { psql(PG, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`); } catch { /* best effort */ }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Start `shuniu serve`. Options: testClock (false: the machine's clock, no
// _test routes), clockStart (the instant it starts at, default TEST_CLOCK_START),
// config (text appended to shuniu.conf), args (extra CLI args), env, data (an
// existing makeDataDir() result).
export async function startServer(opts = {}) {
  const data = opts.data || makeDataDir();
  if (opts.config) appendFileSync(join(data.dir, 'shuniu.conf'), '\n' + opts.config + '\n');
  const args = ['serve', '--data', data.dir, '--listen', '127.0.0.1:0'];
  if (opts.testClock !== false) {
    args.push('--test-clock', '--test-clock-start', opts.clockStart || TEST_CLOCK_START);
  }
  args.push(...(opts.args || []));
  const proc = spawn(BIN, args, {
    env: { ...process.env, ...(opts.env || {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  const exited = new Promise((res) => proc.on('exit', (code, signal) => res({ code, signal })));
  const port = await new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error('server did not start:\n' + log)), 30000);
    proc.stderr.on('data', (d) => {
      log += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(log);
      if (m) { clearTimeout(timer); res(Number(m[1])); }
    });
    exited.then(({ code }) => { clearTimeout(timer); rej(new Error(`server exited ${code}:\n${log}`)); });
  });
  const base = `http://127.0.0.1:${port}`;
  let stopped = null;
  const server = {
    port,
    base,
    data,
    proc,
    log: () => log,
    url: (p) => base + p,
    fetch: (p, init) => fetch(base + p, init),
    async json(p, init = {}) {
      const r = await fetch(base + p, init);
      const text = await r.text();
      let body = null;
      try { body = JSON.parse(text); } catch { body = text; }
      return { status: r.status, headers: r.headers, body };
    },
    post(p, body, headers = {}) {
      return server.json(p, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    },
    raw: (bytes, timeoutMs) => rawRequest(port, bytes, timeoutMs),
    // SIGTERM (or another signal) and wait; resolves { code, signal }.
    async stop(signal = 'SIGTERM') {
      if (!stopped) {
        proc.kill(signal);
        stopped = exited;
      }
      const r = await stopped;
      if (!opts.data) data.cleanup();
      return r;
    },
    exited,
  };
  return server;
}

// Send raw bytes; resolve with everything the server sent until it closed the
// connection or timeoutMs passed ({ text, closed }).
export function rawRequest(port, bytes, timeoutMs = 3000) {
  return new Promise((res, rej) => {
    const sock = net.connect(port, '127.0.0.1');
    const chunks = [];
    let done = false;
    const finish = (closed) => {
      if (done) return;
      done = true;
      sock.destroy();
      res({ text: Buffer.concat(chunks).toString('latin1'), closed });
    };
    sock.on('connect', () => sock.write(bytes));
    sock.on('data', (d) => chunks.push(d));
    sock.on('end', () => finish(true));
    sock.on('close', () => finish(true));
    sock.on('error', (e) => (chunks.length ? finish(true) : rej(e)));
    setTimeout(() => finish(false), timeoutMs);
  });
}

// Count HTTP responses in a raw byte stream.
export function countResponses(text) {
  return (text.match(/HTTP\/1\.[01] \d{3} /g) || []).length;
}

// The command line: help, version, --help everywhere, init, migrate, configuration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, readFileSync, writeFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { cli, makeDataDir, startServer, DB } from './lib/harness.mjs';

function commands() {
  const r = cli(['help']);
  assert.equal(r.status, 0);
  const names = [...r.stdout.matchAll(/^  ([a-z][a-z-]*) /gm)].map((m) => m[1]);
  assert.ok(names.length >= 5, r.stdout);
  return names;
}

test('help lists the commands', () => {
  const names = commands();
  for (const c of ['help', 'version', 'init', 'migrate', 'serve']) assert.ok(names.includes(c), c);
});

test('version prints the version', () => {
  const r = cli(['version']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^shuniu \d+\.\d+\.\d+/);
});

test('every subcommand answers --help with its usage and exits 0', () => {
  for (const name of commands()) {
    const r = cli([name, '--help']);
    assert.equal(r.status, 0, `${name} --help exited ${r.status}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^usage: shuniu ${name}\\b`), name);
  }
});

test('an unknown command exits 2 with usage on stderr', () => {
  const r = cli(['frobnicate']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown command 'frobnicate'/);
  assert.match(r.stderr, /usage: shuniu COMMAND/);
  assert.equal(r.stdout, '');
});

test('no command at all exits 2 with usage', () => {
  const r = cli([]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /usage:/);
});

test('a command without --data exits 2', () => {
  const r = cli(['migrate']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /missing --data/);
});

test('init creates the config, a 0600 key file and a migrated database', () => {
  const d = makeDataDir();
  try {
    assert.ok(existsSync(join(d.dir, 'shuniu.conf')));
    const key = statSync(join(d.dir, 'secret.key'));
    assert.equal(key.mode & 0o777, 0o600);
    assert.match(readFileSync(join(d.dir, 'secret.key'), 'utf8'), /^[0-9a-f]{64}\n$/);
    if (DB === 'sqlite') assert.ok(existsSync(join(d.dir, 'shuniu.db')));
    const st = cli(['migrate', '--data', d.dir, '--status']);
    assert.equal(st.status, 0, st.stderr);
    assert.match(st.stdout, /0001_core/);
    assert.doesNotMatch(st.stdout, /pending/i);
  } finally {
    d.cleanup();
  }
});

test('init refuses to overwrite an existing data directory', () => {
  const d = makeDataDir();
  try {
    const keyBefore = readFileSync(join(d.dir, 'secret.key'), 'utf8');
    const r = cli(['init', '--data', d.dir, ...(d.dbUrl ? ['--db', d.dbUrl] : [])]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /refusing to overwrite/);
    assert.equal(readFileSync(join(d.dir, 'secret.key'), 'utf8'), keyBefore);
  } finally {
    d.cleanup();
  }
});

test('migrate is idempotent', () => {
  const d = makeDataDir();
  try {
    for (let i = 0; i < 2; i++) {
      const r = cli(['migrate', '--data', d.dir]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /up to date/);
    }
  } finally {
    d.cleanup();
  }
});

test('serve refuses to start when an applied migration has changed', () => {
  const d = makeDataDir();
  try {
    const sql = "UPDATE schema_migrations SET checksum = 'tampered' WHERE version = 1";
    if (DB === 'postgres') d.psql(sql);
    else runSqlite(join(d.dir, 'shuniu.db'), sql);
    const r = cli(['serve', '--data', d.dir, '--listen', '127.0.0.1:0'], { timeout: 20000 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /0001_core.*changed/);
    const st = cli(['migrate', '--data', d.dir, '--status']);
    assert.match(st.stdout, /CHANGED/i);
  } finally {
    d.cleanup();
  }
});

test('serve refuses to start without the key file, saying so', () => {
  const d = makeDataDir();
  try {
    rmSync(join(d.dir, 'secret.key'));
    const r = cli(['serve', '--data', d.dir, '--listen', '127.0.0.1:0'], { timeout: 20000 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /secret key file .* is missing/);
  } finally {
    d.cleanup();
  }
});

test('a directory that was never initialised is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shuniu-empty-'));
  try {
    const r = cli(['migrate', '--data', dir]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /not a Shuniu data directory/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an unknown key in the config file is an error naming the file and line', () => {
  const d = makeDataDir();
  try {
    const conf = join(d.dir, 'shuniu.conf');
    const lines = readFileSync(conf, 'utf8').split('\n').length;
    writeFileSync(conf, readFileSync(conf, 'utf8') + 'treads = 4\n');
    const r = cli(['migrate', '--data', d.dir]);
    assert.equal(r.status, 1);
    assert.ok(r.stderr.includes(`shuniu.conf:${lines}: unknown key 'treads'`), r.stderr);
  } finally {
    d.cleanup();
  }
});

test('a bad value in the config file is an error naming the file, line and key', () => {
  const d = makeDataDir();
  try {
    const conf = join(d.dir, 'shuniu.conf');
    writeFileSync(conf, 'threads = many\n' + (d.dbUrl ? `db = ${d.dbUrl}\n` : ''));
    const r = cli(['migrate', '--data', d.dir]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /shuniu\.conf:1: bad value 'many' for 'threads'/);
  } finally {
    d.cleanup();
  }
});

test('a bad environment value names the variable', () => {
  const d = makeDataDir();
  try {
    const r = cli(['migrate', '--data', d.dir], { env: { SHUNIU_LOG_FORMAT: 'xml' } });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /SHUNIU_LOG_FORMAT: bad value 'xml' for 'log_format'/);
  } finally {
    d.cleanup();
  }
});

test('configuration precedence is flag > environment > file > default', async () => {
  const threadsOf = async (opts) => {
    const s = await startServer(opts);
    const m = / (\d+) threads/.exec(s.log());
    await s.stop();
    return Number(m[1]);
  };
  const d = makeDataDir();
  try {
    writeFileSync(join(d.dir, 'shuniu.conf'), readFileSync(join(d.dir, 'shuniu.conf'), 'utf8') + 'threads = 3\n');
    assert.equal(await threadsOf({ data: d }), 3);
    assert.equal(await threadsOf({ data: d, env: { SHUNIU_THREADS: '5' } }), 5);
    assert.equal(await threadsOf({ data: d, env: { SHUNIU_THREADS: '5' }, args: ['--threads', '6'] }), 6);
  } finally {
    d.cleanup();
  }
});

test('JSON log format writes one JSON object per line', async () => {
  const s = await startServer({ env: { SHUNIU_LOG_FORMAT: 'json' } });
  await s.json('/healthz?x=1');
  await new Promise((r) => setTimeout(r, 200));
  await s.stop();
  const lines = s.log().split('\n').filter((l) => l.trim());
  const access = lines.map((l) => JSON.parse(l)).filter((o) => o.type === 'access');
  assert.ok(access.length >= 1);
  const a = access.find((o) => o.route === '/healthz');
  assert.equal(a.method, 'GET');
  assert.equal(a.status, 200);
  assert.equal(a.path, '/healthz');
  assert.equal(typeof a.us, 'number');
  assert.equal(typeof a.bytes, 'number');
});

function runSqlite(file, sql) {
  const out = spawnSync('sqlite3', [file, sql], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
}

test('--test-clock-start pins the clock of any command with --data; serve takes it only with --test-clock', () => {
  const d = makeDataDir();
  try {
    // 2020-01-02 is older than 180 days by the machine's clock, but not on 2020-03-01
    let r = cli(['audit', 'purge', '--before', '2020-01-02', '--data', d.dir], { clockStart: '2020-03-01T10:00:00+08:00' });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /younger than 180 days/);
    r = cli(['audit', 'purge', '--before', '2020-01-02', '--data', d.dir], { clockStart: '2020-07-01T10:00:00+08:00' });
    assert.equal(r.status, 0, r.stderr);
    r = cli(['audit', 'purge', '--before', '2020-01-02', '--data', d.dir, '--test-clock-start', 'yesterday']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--test-clock-start needs an ISO 8601 time/);
    r = cli(['serve', '--data', d.dir, '--listen', '127.0.0.1:0', '--test-clock-start', '2026-11-25T09:30:00+08:00'], { timeout: 20000 });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--test-clock-start needs --test-clock/);
  } finally {
    d.cleanup();
  }
});

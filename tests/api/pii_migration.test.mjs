// Migration 0011 on a database written before it: the birth date shrinks to
// its month, the ID masks lose their birth and sequence digits, and the
// birth_date column is gone — on SQLite and PostgreSQL alike.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cli, makeDataDir, DB } from './lib/harness.mjs';

let d;

function sql(text) {
  if (DB === 'postgres') return d.psql(text);
  const r = spawnSync('sqlite3', [join(d.dir, 'shuniu.db'), text], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

function importCsv(kind, text) {
  const f = join(d.root, `${kind}.csv`);
  writeFileSync(f, text);
  const r = cli(['import', kind, f, '--data', d.dir]);
  assert.equal(r.status, 0, r.stderr);
}

before(() => {
  d = makeDataDir();
  importCsv('units', 'code,name,kind,parent_code\n320506,吴中区,district,\n,长桥街道,,320506\n' +
    ',龙桥社区,,320506001\n,第一网格,,320506001001\n,1幢,,320506001001001\n');
  importCsv('residents', 'building_code,room,name,phone,id_number\n' +
    '320506001001001-001,101,王秀英,13987654321,11010519491231002X\n' +
    '320506001001001-001,102,李四,13987654322,\n');
  // Put the table back as 0010 left it: a plaintext birth date and the old mask.
  sql("ALTER TABLE residents ADD COLUMN birth_date TEXT");
  sql("UPDATE residents SET birth_date = '1949-12-31', id_mask = '110105********002X' WHERE name = '王秀英'");
  sql("UPDATE residents SET birth_date = '1950-06-01' WHERE name = '李四'");
  sql('ALTER TABLE residents DROP COLUMN birth_ym');
  sql('DELETE FROM schema_migrations WHERE version = 11');
});
after(() => { d.cleanup(); });

test('migrate keeps the birth month, shortens the mask and drops the birth date', () => {
  const r = cli(['migrate', '--data', d.dir]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /applied 0011_pii_birth_month/);
  assert.equal(sql("SELECT birth_ym || ' ' || id_mask FROM residents WHERE name = '王秀英'"), '1949-12 110105***********X');
  assert.equal(sql("SELECT birth_ym || ' ' || COALESCE(id_mask, '-') FROM residents WHERE name = '李四'"), '1950-06 -');
  const cols = DB === 'sqlite' ? sql("SELECT name FROM pragma_table_info('residents')")
    : sql("SELECT column_name FROM information_schema.columns WHERE table_name = 'residents'");
  assert.ok(!cols.includes('birth_date'), cols);
});

test('on SQLite the old values are not left in freed pages', { skip: DB !== 'sqlite' }, () => {
  sql('PRAGMA wal_checkpoint(TRUNCATE)');
  for (const f of readdirSync(d.dir).filter((x) => x.startsWith('shuniu.db'))) {
    const b = readFileSync(join(d.dir, f));
    for (const needle of ['1949-12-31', '********002X']) {
      assert.equal(b.indexOf(Buffer.from(needle)), -1, `'${needle}' in ${f}`);
    }
  }
});

// CSV import: UTF-8 and GBK, line-numbered errors, all or nothing, dry runs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cli, makeDataDir, DB } from './lib/harness.mjs';

let d;
const units = 'code,name,kind,parent_code,party_org_name\n' +
  '320506,吴中区,district,,中共苏州市吴中区委员会\n' +
  ',长桥街道,,320506,\n' +
  ',龙桥社区,,320506001,"龙桥社区党委, 长桥"\n' +
  ',第一网格,,320506001001,\n' +
  ',1幢,,320506001001001,\n';

function run(kind, text, ...extra) {
  const f = join(d.root, `${kind}-${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(f, text);
  return cli(['import', kind, f, '--data', d.dir, ...extra]);
}

function count(table) {
  const sql = `SELECT COUNT(*) FROM ${table}`;
  if (DB === 'postgres') return Number(d.psql(sql));
  return Number(spawnSync('sqlite3', [join(d.dir, 'shuniu.db'), sql], { encoding: 'utf8' }).stdout.trim());
}

before(() => { d = makeDataDir(); });
after(() => { d.cleanup(); });

test('a dry run checks everything and stores nothing', () => {
  const r = run('units', units, '--dry-run');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /dry run: 5 units rows are valid/);
  assert.equal(count('units'), 0);
});

test('units import with codes assigned under their parents', () => {
  const r = run('units', units);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /imported 5 units rows/);
  assert.equal(count('units'), 5);
});

test('errors are reported with line numbers and nothing is half-imported', () => {
  const before = count('residents');
  const text = 'building_code,room,name,gender,phone,id_number,tags\n' +
    '320506001001001-001,101,张三,男,13912345678,11010519491231002X,living_alone\n' +
    '320506001001001-001,102,李四,女,1391234,110105194912310021,vip\n' +
    '320506001001999-001,103,王五,,,,\n';
  const r = run('residents', text);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^line 3: phone: /m);
  assert.match(r.stderr, /^line 3: id_number: /m);
  assert.match(r.stderr, /^line 3: tags: 'vip'/m);
  assert.match(r.stderr, /^line 4: building_code: /m);
  assert.doesNotMatch(r.stderr, /^line 2:/m);
  assert.match(r.stderr, /nothing imported/);
  assert.equal(count('residents'), before, 'line 2 was valid but must not be stored alone');
  assert.equal(count('households'), 0);
});

test('a GBK file (as Excel writes it) imports like UTF-8', () => {
  const text = 'building_code,room,name,gender,phone,id_number,tags\r\n' +
    '320506001001001-001,201,赵敏,女,13800001111,11010519491231002X,living_alone;disabled\r\n';
  const f = join(d.root, 'gbk.csv');
  const conv = spawnSync('iconv', ['-f', 'UTF-8', '-t', 'GBK'], { input: text });
  assert.equal(conv.status, 0);
  writeFileSync(f, conv.stdout);
  const r = cli(['import', 'residents', f, '--data', d.dir]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(count('residents'), 1);
  const names = DB === 'postgres' ? d.psql('SELECT name || tags FROM residents')
    : spawnSync('sqlite3', [join(d.dir, 'shuniu.db'), 'SELECT name || tags FROM residents'], { encoding: 'utf8' }).stdout.trim();
  assert.equal(names, '赵敏living_alone,disabled');
});

test('a duplicate ID number is a line error', () => {
  const r = run('residents', 'building_code,room,name,id_number\n320506001001001-001,202,重复,11010519491231002X\n');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^line 2: id_number: a resident with this ID number exists already/m);
});

test('Party members are matched to residents by ID number', () => {
  let r = run('party-members', 'id_number,branch_code,joined_on\n11010519491231002X,320506001001001,1975-07-01\n');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(count('party_members'), 1);
  r = run('party-members', 'id_number,branch_code,joined_on\n11010519491231002X,320506001001001,1975-07-01\n');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^line 2: id_number: already a Party member/m);
});

test('a bad header names the column', () => {
  const r = run('units', 'code,nam\n320506,x\n');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /line 1: nam: unknown column/);
  assert.match(r.stderr, /line 1: name: required column missing/);
});

test('a birth date that differs from the ID number is a line error; only its month is stored', () => {
  let r = run('residents', 'building_code,room,name,birth_date,id_number\n320506001001001-001,301,李桂兰,1958-03-13,320506195803124529\n');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^line 2: birth_date: differs from the birth date in the ID number/m);
  r = run('residents', 'building_code,room,name,birth_date,id_number\n320506001001001-001,301,李桂兰,1958-03-12,320506195803124529\n' +
    '320506001001001-001,302,周明,1961-07-09,\n');
  assert.equal(r.status, 0, r.stderr);
  const sql = "SELECT name || ' ' || birth_ym || ' ' || COALESCE(id_mask, '-') FROM residents WHERE name IN ('李桂兰', '周明') ORDER BY name";
  const rows = DB === 'postgres' ? d.psql(sql)
    : spawnSync('sqlite3', [join(d.dir, 'shuniu.db'), sql], { encoding: 'utf8' }).stdout.trim();
  assert.deepEqual(rows.split('\n').sort(), ['周明 1961-07 -', '李桂兰 1958-03 320506***********9'].sort());
});

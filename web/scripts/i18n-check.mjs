// i18n-check.mjs — fail the build when a language lacks a string.
//
// 1. Each zh-CN string file and its English twin hold the same keys.
// 2. Every error code the server can answer (src/core/errors.def) has a
//    translation in both languages, so no server error reaches a user as the
//    generic "something went wrong" or in the wrong language.
// The string files are TypeScript; they are transpiled with the project's own
// TypeScript compiler and imported as data: modules.
import { readFileSync } from 'node:fs';
import ts from 'typescript';

const src = new URL('../src/i18n/', import.meta.url);
const errorsDef = new URL('../../src/core/errors.def', import.meta.url);

async function load(name) {
  const text = readFileSync(new URL(name, src), 'utf8');
  const js = ts.transpileModule(text, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  return (await import(`data:text/javascript;base64,${Buffer.from(js).toString('base64')}`)).default;
}

function keys(obj, prefix = '', out = new Set()) {
  for (const [k, v] of Object.entries(obj)) {
    const p = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object') keys(v, p, out);
    else out.add(p);
  }
  return out;
}

const problems = [];
const pairs = [['zh-CN.ts', 'en.ts'], ['resident.zh-CN.ts', 'resident.en.ts'], ['console.zh-CN.ts', 'console.en.ts']];
const loaded = {};
for (const [zhName, enName] of pairs) {
  const zh = (loaded[zhName] = await load(zhName));
  const en = (loaded[enName] = await load(enName));
  const kz = keys(zh);
  const ke = keys(en);
  for (const k of kz) if (!ke.has(k)) problems.push(`${enName}: missing ${k} (in ${zhName})`);
  for (const k of ke) if (!kz.has(k)) problems.push(`${zhName}: missing ${k} (in ${enName})`);
}

const codes = [...readFileSync(errorsDef, 'utf8').matchAll(/^E\(\s*\w+\s*,\s*"([^"]+)"/gm)].map((m) => m[1]);
if (!codes.length) problems.push('errors.def: no error codes found');
for (const code of codes) {
  const key = code.replace(/\./g, '_');
  for (const f of ['zh-CN.ts', 'en.ts']) if (!(key in (loaded[f].errors ?? {}))) problems.push(`${f}: no translation for error ${code} (errors.${key})`);
}

if (problems.length) {
  console.error(`i18n: ${problems.length} problem(s)`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log(`i18n: ${pairs.length} string-file pairs agree; ${codes.length} error codes translated in both languages`);

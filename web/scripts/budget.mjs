// budget.mjs — fail the build when an app's entry outgrows its budget.
//
// An entry's cost is the gzipped JavaScript a first visit must load: the
// entry chunk and everything it imports statically (routes are lazy, so
// their chunks are not counted). Budgets, from the issue: residents' app
// 250 KB, console 900 KB. Prints the sizes either way.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const dist = new URL('../dist/', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8'));
const budgets = { 'index.html': ['resident', 250 * 1024], 'console/index.html': ['console', 900 * 1024] };

let over = 0;
for (const [key, [name, limit]] of Object.entries(budgets)) {
  const seen = new Set();
  const walk = (k) => {
    if (seen.has(k)) return;
    seen.add(k);
    for (const i of manifest[k]?.imports ?? []) walk(i);
  };
  if (!manifest[key]) throw new Error(`budget: no entry ${key} in the manifest`);
  walk(key);
  let bytes = 0;
  for (const k of seen) if (manifest[k].file.endsWith('.js')) bytes += gzipSync(readFileSync(join(dist, manifest[k].file))).length;
  const ok = bytes <= limit;
  if (!ok) over++;
  console.log(`budget: ${name} entry ${(bytes / 1024).toFixed(1)} KB gzipped JS (budget ${limit / 1024} KB) ${ok ? 'ok' : 'OVER'}`);
}
process.exit(over ? 1 : 0);

// The race guard of web/src/shared/pagedList.ts, with a plain state object and
// a fake server whose answers arrive when the test says. Run by `npm run
// build` (node --test); the TypeScript is stripped by the compiler the build
// already has, as nothing but types is imported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';

const source = readFileSync(new URL('../src/shared/pagedList.ts', import.meta.url), 'utf8');
const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
const dir = mkdtempSync(join(tmpdir(), 'paged-list-'));
writeFileSync(join(dir, 'pagedList.mjs'), js);
const { pagedList, fetchAll } = await import(join(dir, 'pagedList.mjs'));
rmSync(dir, { recursive: true });

/* A server whose answers wait: calls[i].answer(page) or .fail(error) settles request i. */
function server() {
  const calls = [];
  const fetch = (cursor) =>
    new Promise((answer, fail) => {
      calls.push({ cursor, answer, fail });
    });
  return { calls, fetch };
}
const blank = () => ({ items: [], next: null, loading: false, error: null, finished: false });
const page = (items, next_cursor = null) => ({ items, next_cursor });

test('reload fetches the first page and loadMore appends the next until the last', async () => {
  const s = server();
  const list = pagedList(blank(), { fetch: s.fetch });
  const first = list.reload();
  assert.equal(list.loading, true);
  s.calls[0].answer(page([1, 2], 'c2'));
  await first;
  assert.deepEqual(list.items, [1, 2]);
  assert.equal(list.next, 'c2');
  assert.equal(list.finished, false);
  assert.equal(list.loading, false);

  const more = list.loadMore();
  assert.equal(s.calls[1].cursor, 'c2');
  s.calls[1].answer(page([3]));
  await more;
  assert.deepEqual(list.items, [1, 2, 3]);
  assert.equal(list.finished, true);

  await list.loadMore();
  assert.equal(s.calls.length, 2, 'nothing is fetched once the last page has arrived');
});

test('an answer for filters that have since changed is dropped', async () => {
  const s = server();
  const list = pagedList(blank(), { fetch: s.fetch });
  const old = list.reload();
  const current = list.reload();
  s.calls[1].answer(page(['new']));
  await current;
  s.calls[0].answer(page(['old'], 'stale'));
  await old;
  assert.deepEqual(list.items, ['new']);
  assert.equal(list.next, null);
  assert.equal(list.loading, false);
});

test('a load-more answer that arrives after a reload is dropped', async () => {
  const s = server();
  const list = pagedList(blank(), { fetch: s.fetch });
  const first = list.reload();
  s.calls[0].answer(page(['a'], 'c2'));
  await first;
  const more = list.loadMore();
  const again = list.reload();
  s.calls[2].answer(page(['b']));
  await again;
  s.calls[1].answer(page(['stale']));
  await more;
  assert.deepEqual(list.items, ['b']);
});

test('loadMore while a page is loading returns that request instead of fetching twice', async () => {
  const s = server();
  const list = pagedList(blank(), { fetch: s.fetch });
  const first = list.reload();
  assert.equal(list.loadMore(), first, 'loadMore during the first page waits for it');
  s.calls[0].answer(page([1], 'c2'));
  await first;
  const a = list.loadMore();
  const b = list.loadMore();
  assert.equal(a, b);
  assert.equal(s.calls.length, 2);
  s.calls[1].answer(page([2], 'c3'));
  await b;
  assert.deepEqual(list.items, [1, 2]);
});

test('loadMore before any page fetches the first (as Vant asks for it)', async () => {
  const s = server();
  const state = blank();
  const list = pagedList(state, { fetch: s.fetch });
  state.loading = true; // what Vant's v-model:loading does before emitting load
  const p = list.loadMore();
  assert.equal(s.calls[0].cursor, null);
  s.calls[0].answer(page([1]));
  await p;
  assert.deepEqual(list.items, [1]);
  assert.equal(list.loading, false);
  state.loading = true;
  await list.loadMore();
  assert.equal(list.loading, false, 'a finished list clears the loading flag Vant set');
});

test('a failure keeps the rows, reports once, and loadMore retries the same cursor', async () => {
  const s = server();
  const seen = [];
  const list = pagedList(blank(), { fetch: s.fetch, onError: (e) => seen.push(e) });
  const first = list.reload();
  s.calls[0].answer(page([1], 'c2'));
  await first;
  const more = list.loadMore();
  const boom = new Error('offline');
  s.calls[1].fail(boom);
  await more;
  assert.equal(list.error, boom);
  assert.deepEqual(seen, [boom]);
  assert.deepEqual(list.items, [1]);
  assert.equal(list.loading, false);
  const retry = list.loadMore();
  assert.equal(s.calls[2].cursor, 'c2');
  assert.equal(list.error, null);
  s.calls[2].answer(page([2]));
  await retry;
  assert.deepEqual(list.items, [1, 2]);
});

test('a failure for old filters is neither shown nor reported', async () => {
  const s = server();
  const seen = [];
  const list = pagedList(blank(), { fetch: s.fetch, onError: (e) => seen.push(e) });
  const old = list.reload();
  const current = list.reload();
  s.calls[0].fail(new Error('old'));
  await old;
  assert.equal(list.error, null);
  assert.equal(list.loading, true, 'the current request is still out');
  s.calls[1].answer(page([]));
  await current;
  assert.deepEqual(seen, []);
});

test('reload keeps the old rows until the new ones arrive, unless clearOnReload', async () => {
  for (const clearOnReload of [false, true]) {
    const s = server();
    const list = pagedList(blank(), { fetch: s.fetch, clearOnReload });
    const first = list.reload();
    s.calls[0].answer(page([1], 'c2'));
    await first;
    const again = list.reload();
    assert.deepEqual(list.items, clearOnReload ? [] : [1]);
    assert.equal(list.next, clearOnReload ? null : 'c2');
    s.calls[1].answer(page([9]));
    await again;
    assert.deepEqual(list.items, [9]);
  }
});

test('onPage sees each accepted page and whether it is the first', async () => {
  const s = server();
  const seen = [];
  const list = pagedList(blank(), { fetch: s.fetch, onPage: (p, first) => seen.push([p.summary, first]) });
  const first = list.reload();
  s.calls[0].answer({ ...page([1], 'c2'), summary: 'a' });
  await first;
  const more = list.loadMore();
  s.calls[1].answer({ ...page([2]), summary: 'b' });
  await more;
  assert.deepEqual(seen, [['a', true], ['b', false]]);
});

test('a fetch that throws at once does not leave the list stuck', async () => {
  let n = 0;
  const list = pagedList(blank(), {
    fetch: () => {
      if (n++ === 0) throw new Error('bad filter');
      return Promise.resolve(page([1]));
    },
  });
  await list.loadMore();
  assert.equal(list.error.message, 'bad filter');
  await list.loadMore();
  assert.deepEqual(list.items, [1]);
});

test('fetchAll follows the cursor to the end, or to maxPages', async () => {
  const pages = { null: page([1, 2], 'b'), b: page([3], 'c'), c: page([4]) };
  const fetch = async (cursor) => pages[String(cursor)];
  assert.deepEqual(await fetchAll(fetch), [1, 2, 3, 4]);
  assert.deepEqual(await fetchAll(fetch, 2), [1, 2, 3]);
});

// Cursor-paged lists (docs/API.md "Lists": `{"items": [...], "next_cursor"}`
// with `?cursor=&limit=`), in one place for both apps.
//
// pagedList() keeps a list's state in an object it is given — a Vue
// reactive() one in the apps (usePagedList.ts), a plain one in
// web/scripts/paged-list.test.mjs, which is why this file imports nothing
// but types. It owns the race guard every list page used to write for itself:
//
// - reload() starts a new generation (the filters changed, or a row did) and
//   fetches the first page; an answer for an older generation is dropped,
//   so a slow answer for the old filters never overwrites the new ones.
// - loadMore() appends the next page; while a request of the current
//   generation is out it returns that request instead of sending a second
//   one, so a double click or a scroll event during loading adds each page
//   once. Before the first page it fetches the first page (Vant's List asks
//   for it that way).
//
// fetchAll() is the other use of a cursor: every page, concatenated, for
// choosers and short lists shown whole.
import type { Page } from '../api/types';

export interface PagedListState<T> {
  items: T[];
  /* The next page's cursor; null before the first page and after the last. */
  next: string | null;
  loading: boolean;
  /* The last request's failure for the current generation, or null. */
  error: unknown;
  /* The last page has arrived: nothing more to load. */
  finished: boolean;
}

export interface PagedList<T> extends PagedListState<T> {
  /* Forget the pages (the filters changed) and fetch the first one again. */
  reload(): Promise<void>;
  /* Append the next page; a no-op once finished, shared while one is loading. */
  loadMore(): Promise<void>;
}

export interface PagedListOptions<T, P extends Page<T> = Page<T>> {
  /* Fetch one page; read the filters here, at call time. */
  fetch(cursor: string | null): Promise<P>;
  /* Each accepted page (for fields beside items, such as a summary); first is true for the first page. */
  onPage?(page: P, first: boolean): void;
  /* Each failure of the current generation, after `error` is set (e.g. a toast). */
  onError?(e: unknown): void;
  /* Empty the list at once on reload; otherwise the old rows stay until the new ones arrive. */
  clearOnReload?: boolean;
}

export function pagedList<T, P extends Page<T> = Page<T>>(state: PagedListState<T>, opts: PagedListOptions<T, P>): PagedList<T> {
  let generation = 0;
  let pending: Promise<void> | null = null;
  let loaded = false; // a first page of this generation has arrived

  async function fetchPage(cursor: string | null, my: number) {
    state.loading = true;
    state.error = null;
    try {
      const page = await opts.fetch(cursor);
      if (my !== generation) return;
      state.items = cursor ? [...state.items, ...page.items] : page.items;
      state.next = page.next_cursor;
      state.finished = !page.next_cursor;
      loaded = true;
      opts.onPage?.(page, !cursor);
    } catch (e) {
      if (my !== generation) return;
      state.error = e;
      opts.onError?.(e);
    } finally {
      if (my === generation) state.loading = false;
    }
  }

  function start(cursor: string | null): Promise<void> {
    const p: Promise<void> = fetchPage(cursor, generation).finally(() => {
      if (pending === p) pending = null;
    });
    pending = p;
    return p;
  }

  const list = state as PagedList<T>;
  list.reload = () => {
    generation++;
    loaded = false;
    if (opts.clearOnReload) Object.assign(state, { items: [], next: null, finished: false });
    return start(null);
  };
  list.loadMore = () => {
    if (pending) return pending;
    if (loaded && !state.next) {
      state.loading = false; // Vant's List set it before asking
      return Promise.resolve();
    }
    return start(loaded ? state.next : null);
  };
  return list;
}

/* Every page of a list, in order; maxPages bounds a list that may be long. */
export async function fetchAll<T>(fetch: (cursor: string | null) => Promise<Page<T>>, maxPages = Infinity): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  for (let n = 0; n < maxPages; n++) {
    const page: Page<T> = await fetch(cursor);
    out.push(...page.items);
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  return out;
}

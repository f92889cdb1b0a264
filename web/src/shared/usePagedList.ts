// The Vue side of pagedList.ts: a cursor-paged list as one reactive object.
//
//   const list = usePagedList({ fetch: (cursor) => api.bookings({ status: tab.value, cursor, limit: 30 }) });
//   onMounted(list.reload);            // and on every filter change
//
// Console tables: `:data="list.items"`, `v-loading="list.loading && !list.items.length"`,
// a "load more" button while `list.next`, `list.error` in an alert whose retry
// calls `list.reload()`. Residents' Vant lists: `v-model:loading="list.loading"`,
// `:finished="list.finished"`, `:error="!!list.error"` with
// `@update:error="list.error = null"`, and `@load="list.loadMore"` (Vant asks
// for the first page itself).
import { reactive } from 'vue';
import type { Page } from '../api/types';
import { pagedList } from './pagedList';
import type { PagedList, PagedListOptions, PagedListState } from './pagedList';

export type { PagedList } from './pagedList';
export { fetchAll } from './pagedList';

export function usePagedList<T, P extends Page<T> = Page<T>>(opts: PagedListOptions<T, P>): PagedList<T> {
  const state = reactive({ items: [], next: null, loading: false, error: null, finished: false }) as PagedListState<T>;
  return pagedList(state, opts);
}

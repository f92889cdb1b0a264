// What the four list tabs of a committee share: a cursor-paged list read
// with the tab's filters, and the one shape of every change made from a tab
// — send it, say so, fetch the list again and tell the committee page (whose
// counts changed too). A failure is shown and nothing else happens.
import { ElMessage } from 'element-plus';
import type { Page } from '../../api/types';
import { i18n } from '../../i18n';
import { usePagedList } from '../../shared/usePagedList';
import { showError } from '../session';

export function useListTab<T>(fetch: (cursor: string | null) => Promise<Page<T>>, changed: () => void) {
  const list = usePagedList<T>({ fetch });
  const reload = () => list.reload();

  /* A change was made (a dialog saved it): show the message (an i18n key), reload, report it. */
  function after(message: string) {
    ElMessage.success(i18n.global.t(message));
    reload();
    changed();
  }

  /* Run a change, then as after(); a failure is shown instead. */
  async function step(run: () => Promise<unknown>, message: string): Promise<boolean> {
    try {
      await run();
    } catch (e) {
      showError(e);
      return false;
    }
    after(message);
    return true;
  }

  return { list, reload, after, step };
}

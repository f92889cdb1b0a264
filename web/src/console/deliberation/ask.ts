// One prompt for a line of text the server needs (why a meeting is
// cancelled, the answer to an objection): required, at most max characters.
import { ElMessageBox } from 'element-plus';
import { i18n } from '../../i18n';

/* The text entered, trimmed; null when the prompt was closed. */
export async function askText(o: { title: string; message: string; what: string; max: number }): Promise<string | null> {
  const t = i18n.global.t;
  try {
    const r = await ElMessageBox.prompt(o.message, o.title, {
      confirmButtonText: t('console.common.confirm'),
      cancelButtonText: t('console.common.cancel'),
      inputType: 'textarea',
      inputValidator: (v: string) => (!v?.trim() || v.trim().length > o.max ? t('console.delib.required', { what: o.what }) : true),
    });
    return r.value.trim();
  } catch {
    return null;
  }
}

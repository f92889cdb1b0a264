// Answering a resident's comment on a commitment in public: one prompt, used
// by the item's page and the community's list of comments to answer.
import { ElMessage, ElMessageBox } from 'element-plus';
import { i18n } from '../../i18n';
import { showError } from '../session';
import { acc } from './api';

/* Ask for the answer and send it; true when it was stored. */
export async function answerComment(commentId: number): Promise<boolean> {
  const t = i18n.global.t;
  let text: string;
  try {
    const r = await ElMessageBox.prompt(t('console.acc.cm.answerPh'), t('console.acc.cm.answer'), {
      confirmButtonText: t('console.common.confirm'),
      cancelButtonText: t('console.common.cancel'),
      inputType: 'textarea',
      inputValidator: (v: string) =>
        !v?.trim() || v.trim().length > 1000 ? t('console.acc.cm.required', { what: t('console.acc.cm.f.answer') }) : true,
    });
    text = r.value.trim();
  } catch {
    return false;
  }
  try {
    await acc.answerComment(commentId, text);
    ElMessage.success(t('console.acc.cm.answered'));
    return true;
  } catch (e) {
    showError(e);
    return false;
  }
}

// Display helpers of the accountability pages: state tag colours, a
// commitment's member, and the community an account works for.
import type { CommitmentItem, CommitmentState, User } from '../../api/types';
import { i18n } from '../../i18n';

type TagType = 'primary' | 'success' | 'warning' | 'danger' | 'info';

export function commitmentTag(s: CommitmentState): TagType {
  return s === 'done' ? 'success' : s === 'verifying' ? 'warning' : 'primary';
}

/* "张三（书记）", or the organisation as a whole. */
export function memberText(i: Pick<CommitmentItem, 'member'>): string {
  const m = i.member;
  if (!m || !m.name) return i18n.global.t('console.acc.cm.organisation');
  return m.post ? `${m.name}（${m.post}）` : m.name;
}

/* The account's own unit when it is a community (the default of a community chooser). */
export function ownCommunity(u: User | null | undefined): number | null {
  return u?.unit?.kind === 'community' ? u.unit.id : null;
}

/* The fixed categories of commitment items, in the server's order. */
export const COMMITMENT_CATEGORIES = ['party_building', 'livelihood', 'governance', 'services', 'environment', 'safety', 'other'] as const;

/* What can be done to a commitment item from its page: progress, or one of the 销号 actions. */
export type ItemAct = 'progress' | 'request_close' | 'verify' | 'return';

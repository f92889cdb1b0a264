// Display helpers of the accountability pages: state tag colours, a
// commitment's member, and the community an account works for.
import type { CommitmentItem, CommitmentState, User } from '../../api/types';
import { i18n } from '../../i18n';
import { todayShanghai } from '../../shared/shanghai';
import { yuan } from '../../shared/meals';

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

export const PROJECT_TYPES = ['dispute_mediation', 'meal_delivery', 'environment', 'epidemic_prevention', 'illegal_construction', 'micro', 'other'] as const;
export const PROJECT_STATES = ['proposed', 'approved', 'in_progress', 'completed', 'cancelled'] as const;

export function projectTag(s: string): TagType {
  if (s === 'completed') return 'success';
  if (s === 'in_progress') return 'primary';
  if (s === 'approved') return 'warning';
  return s === 'cancelled' ? 'danger' : 'info';
}

/* This Shanghai year and the five before it and the next (what the server accepts), newest first. */
export function yearChoices(now: number): number[] {
  const y = shanghaiYear(now);
  return Array.from({ length: 7 }, (_, k) => y + 1 - k);
}

/* The Shanghai year of an instant (epoch ms). */
export function shanghaiYear(now: number): number {
  return Number(todayShanghai(now).slice(0, 4));
}

/* Integer fen as yuan with thousands grouped: 20000000 → "200,000.00". */
export function money(fen: number): string {
  const [int, dec] = yuan(fen).split('.');
  return `${int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${dec}`;
}

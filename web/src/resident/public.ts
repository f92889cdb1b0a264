// Helpers of a community's public page (/p/:code): money as people read it,
// and the colours of the states it shows.
import { i18n } from '../i18n';
import { yuan } from '../shared/meals';

/* Integer fen → "200,000.00 元" / "¥200,000.00"; no float arithmetic on money. */
export function money(fen: number): string {
  const [whole, cents] = yuan(fen).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return i18n.global.t('resident.public.money', { n: `${grouped}.${cents}` });
}

/* A share as a whole percentage, 0–100 (0 when there is no whole). */
export function percentOf(part: number, whole: number): number {
  if (whole <= 0) return 0;
  return Math.max(0, Math.min(100, Math.round((part * 100) / whole)));
}

type TagType = 'primary' | 'success' | 'warning' | 'danger' | 'default';

/* A label of a code under a key, the code itself when no translation exists. */
export function labelOf(prefix: string, code: string): string {
  const key = `resident.public.${prefix}.${code}`;
  return i18n.global.te(key) ? i18n.global.t(key) : code;
}

export function projectTag(state: string): TagType {
  switch (state) {
    case 'proposed':
      return 'warning';
    case 'approved':
    case 'in_progress':
      return 'primary';
    case 'completed':
      return 'success';
    case 'cancelled':
      return 'danger';
    default:
      return 'default';
  }
}

/*
 * The community whose public page a signed-in account or a station belongs
 * to, when the server says: an account at a community is its own; a
 * resident (whose account sits at a grid) or a station's grid needs the
 * server to name the community (`community: {code, name}` beside the unit).
 */
export interface CommunityRef {
  code: string;
  name: string;
}
type WithCommunity = { name?: string; community?: CommunityRef | null; unit?: { code?: string; name: string; kind?: string } | null };
export function communityOf(x: WithCommunity | null | undefined): CommunityRef | null {
  if (!x) return null;
  if (x.community?.code) return x.community;
  if (x.unit?.kind === 'community' && x.unit.code) return { code: x.unit.code, name: x.unit.name };
  return null;
}

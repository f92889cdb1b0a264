// Helpers both apps use for meal assistance (助餐): money in yuan, the order
// cut-off of a day, and "now" on the server's clock.
import { api } from '../api/client';
import type { MealMode, MealTag } from '../api/types';
import { addDays, isoAt, todayShanghai } from './shanghai';

/* In the order the server lists them. */
export const MEAL_MODES: MealMode[] = ['dine_in', 'meal_delivery', 'grocery_delivery'];
export const MEAL_TAGS: MealTag[] = ['aged_80_plus', 'living_alone', 'all_elderly', 'disabled', 'low_income'];

/* Integer fen → "12.50" (yuan, two decimals); no float arithmetic on money. */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const n = Math.abs(Math.trunc(fen));
  return `${sign}${Math.floor(n / 100)}.${String(n % 100).padStart(2, '0')}`;
}

/* "12.5" / "12.50" / "12" → 1250 fen; null when it is not an amount. */
export function fenOf(text: string | number): number | null {
  const m = /^\s*(\d{1,7})(?:\.(\d{1,2}))?\s*$/.exec(String(text));
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/* When orders for day close: the day's cut-off "HH:MM" in Shanghai, epoch ms. */
export const cutoffMs = (day: string, cutoff: string) => new Date(isoAt(day, cutoff)).getTime();

/*
 * The server's clock as an offset from the device's: the cut-off is the
 * server's to judge, and a phone's clock may be wrong. Fetched once a page
 * load; the device's clock when the server cannot be asked.
 */
let skew: Promise<number> | null = null;
export function serverNow(): Promise<number> {
  if (!skew)
    skew = api
      .meta()
      .then((m) => new Date(m.server_time).getTime() - Date.now())
      .catch(() => ((skew = null), 0));
  return skew.then((s) => Date.now() + s);
}

/* The days one may still order for at a point: from today (if its cut-off is
 * ahead) for `count` days. */
export function orderableDays(now: number, cutoff: string, count: number): string[] {
  const today = todayShanghai(now);
  const out: string[] = [];
  for (let k = 0; out.length < count && k <= count; k++) {
    const d = addDays(today, k);
    if (cutoffMs(d, cutoff) > now) out.push(d);
  }
  return out;
}

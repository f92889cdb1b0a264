// Calendar arithmetic in Asia/Shanghai (UTC+8 all year, no daylight saving),
// whatever the device's own zone. Server times come as ISO 8601 with +08:00,
// so their date and time of day can be read off the string.

const OFFSET_MS = 8 * 3600e3;

/* Today's date in Shanghai, "YYYY-MM-DD". */
export function todayShanghai(now = Date.now()): string {
  return new Date(now + OFFSET_MS).toISOString().slice(0, 10);
}

/* The date k days after date ("2026-11-30", 2 → "2026-12-02"). */
export function addDays(date: string, k: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + k);
  return d.toISOString().slice(0, 10);
}

/* 0 = Monday … 6 = Sunday, for a "YYYY-MM-DD" date. */
export function weekdayIndex(date: string): number {
  return (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
}

/* "2026-12-01T14:00:00+08:00" → "14:00". */
export const timeOf = (iso: string) => iso.slice(11, 16);
/* "2026-12-01T14:00:00+08:00" → "2026-12-01". */
export const dateOf = (iso: string) => iso.slice(0, 10);
/* A Shanghai date and "HH:MM" as ISO 8601 with the offset. */
export const isoAt = (date: string, hhmm: string) => `${date}T${hhmm}:00+08:00`;

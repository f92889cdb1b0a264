// The checks the server makes on the answers to a service item's form
// (src/service/application.c, answers_or_reply), made in the browser first so
// the resident hears at once what is wrong and where. The server stays the
// judge: its 400 names the field as "form.<key>" and the page shows it there.
import type { Answer, FormField } from '../api/types';

/* What is wrong with one answer: an i18n key under "…form." and its values. */
export interface FieldProblem {
  key: 'required' | 'tooLong' | 'number' | 'integer' | 'range' | 'min' | 'max' | 'date' | 'option' | 'phone' | 'idNumber';
  params?: Record<string, string | number>;
}

/* A field's label in the user's language. */
export const fieldLabel = (f: FormField, locale: string) => (locale === 'en' && f.label_en ? f.label_en : f.label);

const chars = (s: string) => [...s].length;

export function validDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1900 || mo < 1 || mo > 12 || d < 1) return false;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
}

/* A mainland mobile or landline number, as the server stores it; null when not one. */
export function normalisePhone(s: string): string | null {
  let v = s.trim();
  if (v.startsWith('+86')) v = v.slice(3);
  if (!/^[\d -]*$/.test(v)) return null;
  const d = v.replace(/[ -]/g, '');
  if (/^1[3-9]\d{9}$/.test(d)) return d;
  if (/^0[1-9]\d{8,10}$/.test(d)) return d;
  return null;
}

/* An 18-character ID number with a good GB 11643 check character and birth date. */
export function validIdNumber(s: string): boolean {
  const v = s.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(v)) return false;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = w.reduce((acc, k, i) => acc + k * Number(v[i]), 0);
  if ('10X98765432'[sum % 11] !== v[17]) return false;
  const y = Number(v.slice(6, 10));
  return y >= 1880 && validDate(`${v.slice(6, 10)}-${v.slice(10, 12)}-${v.slice(12, 14)}`);
}

/* Check one answer (as typed: a string) against its field. */
export function checkAnswer(f: FormField, raw: string | undefined): FieldProblem | null {
  const v = (raw ?? '').trim();
  if (!v) return f.required ? { key: 'required' } : null;
  switch (f.type) {
    case 'number': {
      const n = Number(v);
      if (!Number.isFinite(n)) return { key: 'number' };
      if (f.integer && !Number.isInteger(n)) return { key: 'integer' };
      if (f.min !== undefined && f.max !== undefined && (n < f.min || n > f.max)) return { key: 'range', params: { min: f.min, max: f.max } };
      if (f.min !== undefined && n < f.min) return { key: 'min', params: { min: f.min } };
      if (f.max !== undefined && n > f.max) return { key: 'max', params: { max: f.max } };
      return null;
    }
    case 'text':
    case 'textarea': {
      const max = f.maxlength ?? (f.type === 'text' ? 200 : 2000);
      return chars(v) > max ? { key: 'tooLong', params: { n: max } } : null;
    }
    case 'date':
      return validDate(v) ? null : { key: 'date' };
    case 'select':
      return (f.options ?? []).includes(v) ? null : { key: 'option' };
    case 'phone':
      return normalisePhone(v) ? null : { key: 'phone' };
    case 'id_number':
      return validIdNumber(v) ? null : { key: 'idNumber' };
  }
  return null;
}

/* The answers as the server takes them: numbers as numbers, blanks left out. */
export function toAnswers(fields: FormField[], raw: Record<string, string>): Record<string, Answer> {
  const out: Record<string, Answer> = {};
  for (const f of fields) {
    const v = (raw[f.key] ?? '').trim();
    if (!v) continue;
    out[f.key] = f.type === 'number' ? Number(v) : v;
  }
  return out;
}

/* The field a server error names ("form.since" → "since"), or null. */
export function formFieldOf(e: unknown): string | null {
  const d = (e as { code?: string; details?: { field?: unknown } }) ?? {};
  const f = d.details?.field;
  return d.code === 'request.invalid' && typeof f === 'string' && f.startsWith('form.') ? f.slice(5) : null;
}

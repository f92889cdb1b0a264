// Small helpers shared by the resident pages.
import { api, ApiError } from '../api/client';
import type { Category, FormField } from '../api/types';
import { checkAnswer, fieldLabel } from '../shared/forms';
import { i18n, errorText } from '../i18n';
import { setUser } from './session';

/* A server error in the user's language. A lost session (cookie gone, or
 * the CSRF token kept in another tab) is told as "please sign in again". */
export function errMsg(e: unknown): string {
  if (e instanceof ApiError && (e.code === 'auth.csrf_failed' || e.code === 'auth.required')) {
    setUser(null);
    return i18n.global.t('resident.common.relogin');
  }
  return errorText(e);
}

let cats: Promise<Category[]> | null = null;
/* The appeal categories, fetched once per page load. */
export function loadCategories(): Promise<Category[]> {
  if (!cats) cats = api.categories().catch((e) => ((cats = null), Promise.reject(e)));
  return cats;
}

export function categoryLabel(c: Pick<Category, 'name' | 'name_en'>): string {
  return i18n.global.locale.value === 'en' && c.name_en ? c.name_en : c.name;
}

/* A timeline action in the user's language (unknown ones as sent). */
export function actionLabel(action: string): string {
  const key = `resident.action.${action}`;
  return i18n.global.te(key) ? i18n.global.t(key) : action;
}

/* Shrink a photo before upload: longest side at most `max` px, JPEG 0.8.
 * Re-encoding also drops the camera's metadata. Falls back to the original
 * file when the browser cannot decode it. */
export async function compressImage(file: File, max = 1600): Promise<Blob> {
  const url = URL.createObjectURL(file);
  try {
    const img = await new Promise<HTMLImageElement>((resolve, reject) => {
      const i = new Image();
      i.onload = () => resolve(i);
      i.onerror = () => reject(new Error('decode'));
      i.src = url;
    });
    const scale = Math.min(1, max / Math.max(img.naturalWidth, img.naturalHeight));
    const w = Math.max(1, Math.round(img.naturalWidth * scale));
    const h = Math.max(1, Math.round(img.naturalHeight * scale));
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext('2d');
    if (!ctx) return file;
    ctx.fillStyle = '#fff'; // transparent PNG areas become white, not black
    ctx.fillRect(0, 0, w, h);
    ctx.drawImage(img, 0, 0, w, h);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.8));
    return blob || file;
  } catch {
    return file;
  } finally {
    URL.revokeObjectURL(url);
  }
}

/* A key for Idempotency-Key: crypto.randomUUID where available (it needs a
 * secure context), else random bytes. */
export function newIdempotencyKey(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/* A Vant tag colour for an appeal status. */
export function tagType(status: string): 'primary' | 'success' | 'warning' | 'danger' | 'default' {
  switch (status) {
    case 'submitted':
      return 'warning';
    case 'accepted':
    case 'dispatched':
    case 'handling':
      return 'primary';
    case 'resolved':
    case 'closed':
    case 'rated':
      return 'success';
    case 'rejected':
      return 'danger';
    default:
      return 'default';
  }
}

/* What is wrong with each answer of a service form, in the user's language
 * (key → message; empty when all is well). */
export function formErrors(fields: FormField[], values: Record<string, string>): Record<string, string> {
  const t = i18n.global.t;
  const out: Record<string, string> = {};
  for (const f of fields) {
    const p = checkAnswer(f, values[f.key]);
    if (p) out[f.key] = t(`resident.form.${p.key}`, { label: fieldLabel(f, i18n.global.locale.value), ...(p.params ?? {}) });
  }
  return out;
}

/* A service item's name in the user's language. */
export function itemName(i: { name: string; name_en?: string }): string {
  return i18n.global.locale.value === 'en' && i.name_en ? i.name_en : i.name;
}

/* The server refused the answer to field key ("form.<key>"): say so by its label. */
export function fieldErrorText(fields: FormField[], key: string): string {
  const f = fields.find((x) => x.key === key);
  return i18n.global.t('errors.request_invalid_field', { field: f ? fieldLabel(f, i18n.global.locale.value) : key });
}

/* A Vant tag colour for a service application's status. */
export function appTagType(status: string): 'primary' | 'success' | 'warning' | 'danger' | 'default' {
  switch (status) {
    case 'submitted':
    case 'needs_material':
      return 'warning';
    case 'accepted':
      return 'primary';
    case 'approved':
    case 'completed':
      return 'success';
    case 'rejected':
      return 'danger';
    default:
      return 'default';
  }
}

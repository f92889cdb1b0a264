// vue-i18n set-up shared by both apps: Chinese by default, English on
// request; the choice is remembered per browser. Dates are shown in
// Asia/Shanghai whatever the device's zone.
import { createI18n } from 'vue-i18n';
import zhShared from './zh-CN';
import enShared from './en';

// The shared strings only: each app adds its own part (useAppMessages) from its main.ts, so
// the residents' phones never download the console's strings, nor the console the residents'.
const zh = { ...zhShared };
const en = { ...enShared };

export type Locale = 'zh-CN' | 'en';

const saved = localStorage.getItem('shuniu.locale');
export const i18n = createI18n({
  legacy: false,
  locale: saved === 'en' ? 'en' : 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zh, en },
});

/* Add one app's strings under its key ('resident' or 'console') in both languages. */
export function useAppMessages(key: 'resident' | 'console', zhPart: object, enPart: object) {
  i18n.global.mergeLocaleMessage('zh-CN', { [key]: zhPart } as never);
  i18n.global.mergeLocaleMessage('en', { [key]: enPart } as never);
}

export function setLocale(l: Locale) {
  i18n.global.locale.value = l;
  localStorage.setItem('shuniu.locale', l);
  document.documentElement.lang = l;
}

/* "2026-11-25T10:03:21+08:00" → "2026-11-25 10:03" in Asia/Shanghai (with seconds: "…10:03:21"). */
export function formatTime(iso: string | null | undefined, seconds = false): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(i18n.global.locale.value === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    ...(seconds ? { second: '2-digit' as const } : {}),
  }).format(d);
}

/* A server error in the user's language: by its stable code, else the status. */
export function errorText(e: unknown): string {
  const t = i18n.global.t;
  const code = (e as { code?: string })?.code;
  const field = (e as { details?: { field?: unknown } })?.details?.field;
  if (code === 'request.invalid' && typeof field === 'string' && field) {
    const label = i18n.global.te(`fields.${field}`) ? t(`fields.${field}`) : field;
    return t('errors.request_invalid_field', { field: label });
  }
  const key = code ? `errors.${code.replace(/\./g, '_')}` : '';
  // details name what the message may quote: {until}, {weekly_quota}, …
  const details = (e as { details?: Record<string, unknown> })?.details ?? {};
  const named: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(details)) named[k] = typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) ? formatTime(v) : v;
  if (key && i18n.global.te(key)) return t(key, named);
  return t('errors.generic');
}

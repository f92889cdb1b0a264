// Display helpers shared by the console pages.
import { ref } from 'vue';
import { api } from '../api/client';
import type { Category } from '../api/types';
import { i18n } from '../i18n';

const categories = ref<Category[]>([]);
let loading: Promise<void> | null = null;

/* Loads the category list once (for English names); failures leave the server's names. */
export function loadCategories(): Promise<void> {
  if (!loading) {
    loading = api
      .categories()
      .then((items) => {
        categories.value = items;
      })
      .catch(() => {
        loading = null;
      });
  }
  return loading;
}

/* A category's name in the user's language. */
export function categoryName(c: { code: string; name: string } | null | undefined): string {
  if (!c) return '—';
  if (i18n.global.locale.value === 'en') {
    const found = categories.value.find((x) => x.code === c.code);
    if (found?.name_en) return found.name_en;
  }
  return c.name;
}

export function percent(r: number | null | undefined): string {
  return r === null || r === undefined ? '—' : `${(r * 100).toFixed(1)}%`;
}

export function hours(h: number | null | undefined): string {
  return h === null || h === undefined ? '—' : h.toFixed(1);
}

/* The translation of key, or the fallback when there is none. */
export function tOr(key: string, fallback: string): string {
  return i18n.global.te(key) ? i18n.global.t(key) : fallback;
}

const serviceItems = ref<{ id: number; name: string; name_en: string }[]>([]);
let itemsLoading: Promise<void> | null = null;

/* Loads the service catalogue once (for English names); failures leave the server's names. */
export function loadServiceItems(): Promise<void> {
  if (!itemsLoading) {
    itemsLoading = api
      .serviceItems(true)
      .then((items) => {
        serviceItems.value = items;
      })
      .catch(() => {
        itemsLoading = null;
      });
  }
  return itemsLoading;
}

/* The catalogue as loaded (for filters). */
export const serviceItemList = () => serviceItems.value;

/* A service item's name in the user's language. */
export function serviceItemName(i: { id: number; name: string } | null | undefined): string {
  if (!i) return '—';
  if (i18n.global.locale.value === 'en') {
    const found = serviceItems.value.find((x) => x.id === i.id);
    if (found?.name_en) return found.name_en;
  }
  return i.name;
}

/* An Element Plus tag colour for a service application's status. */
export function appTagType(s: string): 'primary' | 'success' | 'warning' | 'danger' | 'info' {
  if (s === 'submitted' || s === 'needs_material') return 'warning';
  if (s === 'accepted') return 'primary';
  if (s === 'approved' || s === 'completed') return 'success';
  return s === 'rejected' ? 'danger' : 'info';
}

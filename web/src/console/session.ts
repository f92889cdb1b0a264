// The signed-in account of the console, shared by the guard, the layout and
// the pages; and one place that turns a failed call into what the user sees.
import { reactive } from 'vue';
import { ElMessage } from 'element-plus';
import { api, ApiError } from '../api/client';
import type { User } from '../api/types';
import { errorText } from '../i18n';

export const session = reactive<{ user: User | null; checked: boolean }>({ user: null, checked: false });

/* Who is signed in: null when nobody. Failures (network, server) are thrown. */
export async function loadUser(): Promise<User | null> {
  try {
    session.user = await api.session();
  } finally {
    session.checked = true;
  }
  return session.user;
}

let onSignedOut: (() => void) | null = null;
export function setSignedOutHandler(f: () => void) {
  onSignedOut = f;
}

/* Shows a server error in the user's language; a lost session goes back to the sign-in page. */
export function showError(e: unknown) {
  if (e instanceof ApiError && e.status === 401) {
    session.user = null;
    onSignedOut?.();
  }
  ElMessage.error(errorText(e));
}

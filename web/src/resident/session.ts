// Who is signed in, shared by the resident pages. Loaded once from
// api.session(), which answers a null user when nobody is signed in.
import { ref } from 'vue';
import { api } from '../api/client';
import type { User } from '../api/types';

export const user = ref<User | null>(null);
let loading: Promise<User | null> | null = null;

export function ensureSession(): Promise<User | null> {
  if (!loading) {
    loading = api
      .session()
      .then((u) => (user.value = u))
      .catch(() => {
        // The server is unreachable: behave as signed out, try again next time.
        loading = null;
        user.value = null;
        return null;
      });
  }
  return loading;
}

export function setUser(u: User | null) {
  user.value = u;
  loading = Promise.resolve(u);
}

export async function signOut() {
  try {
    await api.logout();
  } finally {
    setUser(null);
  }
}

// The HTTP call behind the accountability pages' client (api.ts beside it):
// the same contract as api/client.ts — JSON in and out, the CSRF token on
// every write, failures as ApiError with the server's stable code — for the
// endpoints of commitments, projects, the fund and 微实事. The token is the
// one api/client.ts keeps in sessionStorage after sign-in.
import { ApiError } from '../../api/client';

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  const init: RequestInit = { method, credentials: 'same-origin', headers };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const csrf = sessionStorage.getItem('shuniu.csrf');
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  let r: Response;
  try {
    r = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'network.unreachable', 'network');
  }
  const text = await r.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!r.ok) {
    const e = (data as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | null)?.error;
    throw new ApiError(r.status, e?.code || 'server.internal', e?.message || r.statusText, e?.details ?? {});
  }
  return data as T;
}

/* "?a=1&b=x" of the parameters that are set. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') s.set(k, String(v));
  const t = s.toString();
  return t ? `?${t}` : '';
}

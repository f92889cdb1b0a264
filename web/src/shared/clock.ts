// The server's clock as the apps should read it. Whether a step is possible
// now (check-in from 30 minutes before the start, cancelling before it) is
// the server's judgement by its own clock; a phone or PC whose clock is off
// would offer the wrong buttons. The skew is measured once per page load
// from /meta's server_time (to within the request's latency).
import { api } from '../api/client';

let skew = 0;
let synced: Promise<void> | null = null;

/* Measure the skew (once; a failure leaves the device's clock and tries again next time). */
export function syncClock(): Promise<void> {
  if (!synced) {
    synced = api
      .meta()
      .then((m) => {
        const t = new Date(m.server_time).getTime();
        if (Number.isFinite(t)) skew = t - Date.now();
      })
      .catch(() => {
        synced = null;
      });
  }
  return synced;
}

/* Now by the server's clock, in milliseconds. */
export const serverNow = () => Date.now() + skew;

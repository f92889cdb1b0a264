// The one typed API client: every URL the apps use is written here and
// nowhere else. Errors arrive as ApiError with the server's stable code, so
// the UI can say it in the user's language (see i18n "errors").
import type {
  Account,
  AccountChange,
  Activity,
  ActivityFilter,
  ActivityInput,
  ApplicationAction,
  ApplicationDetail,
  ApplicationListItem,
  ApplicationStatus,
  Answer,
  AttendanceRecord,
  NewApplication,
  ServiceItem,
  ServiceItemInput,
  Signup,
  SignupStatus,
  SignupSummary,
  AccountFilter,
  AuditEntry,
  AuditFilter,
  Booking,
  BookingStatus,
  NewBooking,
  Slot,
  Venue,
  VenueInput,
  NewAccount,
  AppealAction,
  AppealDetail,
  AppealListItem,
  Attachment,
  Category,
  Created,
  Message,
  NewAppeal,
  Page,
  Place,
  NewRegistration,
  Reapplication,
  Registration,
  RegistrationCreated,
  RegistrationStatus,
  AppealStats,
  Hotspot,
  Household,
  Resident,
  MapAppeal,
  UnitCollection,
  Station,
  StationInput,
  Tracked,
  UnitDetail,
  UnitInput,
  User,
} from './types';
import type {
  MealAssignee,
  MealCoverage,
  MealEnrolment,
  MealEnrolmentStatus,
  MealMode,
  MealOrder,
  MealOrderStatus,
  MealPoint,
  MealPointInput,
  MealRound,
  MealStatement,
} from './types';

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

let csrf = sessionStorage.getItem('shuniu.csrf') || '';

/*
 * One request with the house's contract: JSON in and out (or a Blob body), the
 * CSRF token on every write, failures as ApiError with the server's stable code.
 * Exported for the clients beside this one (api/public.ts, console/accountability/api.ts).
 */
export async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { ...headers } };
  if (body instanceof Blob) {
    init.body = body;
  } else if (body !== undefined) {
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (method !== 'GET' && csrf) (init.headers as Record<string, string>)['x-csrf-token'] = csrf;
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
export const q = (params: Record<string, string | number | boolean | undefined | null>) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') s.set(k, String(v));
  const t = s.toString();
  return t ? `?${t}` : '';
};

export const api = {
  async login(username: string, password: string): Promise<User> {
    const r = await call<{ user: User; csrf_token: string }>('POST', '/api/v1/auth/login', { username, password });
    csrf = r.csrf_token;
    sessionStorage.setItem('shuniu.csrf', csrf);
    return r.user;
  },
  async logout(): Promise<void> {
    await call('POST', '/api/v1/auth/logout');
    csrf = '';
    sessionStorage.removeItem('shuniu.csrf');
  },
  me: () => call<{ user: User }>('GET', '/api/v1/auth/me').then((r) => r.user),
  /** The signed-in user, or null — never an error for "not signed in". */
  async session(): Promise<User | null> {
    const r = await call<{ user: User | null; csrf_token?: string }>('GET', '/api/v1/auth/session');
    if (r.csrf_token) {
      csrf = r.csrf_token;
      sessionStorage.setItem('shuniu.csrf', csrf);
    }
    return r.user;
  },
  meta: () =>
    call<{ version: string; server_time: string; timezone: string; map_tile_url: string | null }>('GET', '/api/v1/meta'),
  categories: () => call<{ items: Category[] }>('GET', '/api/v1/appeal-categories').then((r) => r.items),
  upload: (file: Blob) => call<Attachment>('POST', '/api/v1/attachments', file),
  attachmentUrl: (id: string) => `/api/v1/attachments/${id}`,
  stationQrUrl: (id: number) => `/api/v1/stations/${id}/qr.svg`,
  submit: (a: NewAppeal, idempotencyKey: string) =>
    call<Created>('POST', '/api/v1/appeals', a, { 'idempotency-key': idempotencyKey }),
  appeals: (f: { status?: string; unit?: number; q?: string; overdue?: boolean; mine?: boolean; cursor?: string | null; limit?: number } = {}) =>
    call<Page<AppealListItem>>(
      'GET',
      `/api/v1/appeals${q({ status: f.status, unit: f.unit, q: f.q, overdue: f.overdue ? 1 : undefined, mine: f.mine ? 1 : undefined, cursor: f.cursor, limit: f.limit })}`,
    ),
  appeal: (id: number) => call<AppealDetail>('GET', `/api/v1/appeals/${id}`),
  act: (id: number, action: AppealAction, fields: Record<string, unknown> = {}) =>
    call<{ id: number; status: string }>('POST', `/api/v1/appeals/${id}/actions`, { action, ...fields }),
  track: (caseNo: string, last4: string) =>
    call<Tracked>('GET', `/api/v1/appeals/track/${encodeURIComponent(caseNo)}${q({ phone_last4: last4 })}`),
  messages: (unread = false) => call<Page<Message> & { unread_count: number }>('GET', `/api/v1/messages${q({ unread: unread ? 1 : undefined })}`),
  readMessage: (id: number) => call('POST', `/api/v1/messages/${id}/read`),
  readAllMessages: () => call('POST', '/api/v1/messages/read-all'),
  units: (f: { unit?: number; parent?: number; kind?: string; q?: string; cursor?: string | null; limit?: number } = {}) =>
    call<Page<UnitDetail>>(
      'GET',
      `/api/v1/units${q({ unit: f.unit, parent: f.parent, kind: f.kind, q: f.q, cursor: f.cursor, limit: f.limit })}`,
    ),
  unit: (id: number) => call<UnitDetail & { boundary: unknown }>('GET', `/api/v1/units/${id}`),
  createUnit: (u: UnitInput & { parent_id: number; code?: string }) =>
    call<UnitDetail & { depth: number }>('POST', '/api/v1/units', u),
  updateUnit: (id: number, u: UnitInput) => call<{ id: number }>('PATCH', `/api/v1/units/${id}`, u),
  moveUnit: (id: number, parentId: number) =>
    call<{ id: number; code: string; parent_id: number }>('POST', `/api/v1/units/${id}/move`, { parent_id: parentId }),
  deleteUnit: (id: number) => call<{ deleted: boolean }>('DELETE', `/api/v1/units/${id}`),
  stations: (f: { unit?: number; cursor?: string | null; limit?: number } = {}) =>
    call<Page<Station>>('GET', `/api/v1/stations${q({ unit: f.unit, cursor: f.cursor, limit: f.limit })}`),
  createStation: (s: StationInput & { grid_id: number }) =>
    call<{ id: number; public_code: string; grid_id: number; name: string }>('POST', '/api/v1/stations', s),
  updateStation: (id: number, s: StationInput) => call<{ id: number }>('PATCH', `/api/v1/stations/${id}`, s),
  stats: (f: { unit?: number; from?: string; to?: string } = {}) =>
    call<AppealStats>('GET', `/api/v1/stats/appeals${q({ unit: f.unit, from: f.from, to: f.to })}`),
  hotspots: (f: { unit?: number; days?: number; min_count?: number } = {}) =>
    call<{ items: Hotspot[] }>('GET', `/api/v1/appeals/hotspots${q({ unit: f.unit, days: f.days, min_count: f.min_count })}`),
  mapUnits: (f: { unit?: number; kind?: 'grid' | 'community' } = {}) =>
    call<UnitCollection>('GET', `/api/v1/map/units${q({ unit: f.unit, kind: f.kind })}`),
  mapAppeals: (f: { unit?: number } = {}) =>
    call<{ items: MapAppeal[] }>('GET', `/api/v1/map/appeals${q({ unit: f.unit })}`),
  revealContact: (id: number) => call<{ id: number; case_no: string; phone: string | null }>('POST', `/api/v1/appeals/${id}/contact`),
  households: (f: { unit?: number; cursor?: string | null; limit?: number } = {}) =>
    call<Page<Household>>('GET', `/api/v1/households${q({ unit: f.unit, cursor: f.cursor, limit: f.limit })}`),
  residents: (f: { unit?: number; q?: string; cursor?: string | null; limit?: number } = {}) =>
    call<Page<Resident>>('GET', `/api/v1/residents${q({ unit: f.unit, q: f.q, cursor: f.cursor, limit: f.limit })}`),
  resident: (id: number) => call<Resident>('GET', `/api/v1/residents/${id}`),
  /** Sub-units down to grids (streets without a parent); public. */
  places: (parent?: number) =>
    call<{ items: Place[] }>('GET', `/api/v1/registrations/places${q({ parent })}`).then((r) => r.items),
  /** The grid a station's QR code stands for; public. */
  placeOfStation: (code: string) =>
    call<{ items: Place[] }>('GET', `/api/v1/registrations/places${q({ station_code: code })}`).then((r) => r.items[0]),
  register: (r: NewRegistration) => call<RegistrationCreated>('POST', '/api/v1/registrations', r),
  myRegistration: () => call<Registration>('GET', '/api/v1/registrations/mine'),
  reapply: (r: Reapplication) => call<RegistrationCreated>('POST', '/api/v1/registrations/mine', r),
  cancelRegistration: () => call<{ id: number; status: RegistrationStatus }>('POST', '/api/v1/registrations/mine/cancel'),
  registrations: (f: { status?: RegistrationStatus; unit?: number; cursor?: string | null; limit?: number } = {}) =>
    call<Page<Registration>>('GET', `/api/v1/registrations${q({ status: f.status, unit: f.unit, cursor: f.cursor, limit: f.limit })}`),
  registration: (id: number) => call<Registration>('GET', `/api/v1/registrations/${id}`),
  confirmRegistration: (id: number, to: { resident_id: number } | { household_id: number }) =>
    call<{ id: number; status: RegistrationStatus; resident_id: number; household_id: number }>(
      'POST',
      `/api/v1/registrations/${id}/confirm`,
      to,
    ),
  rejectRegistration: (id: number, reason: string) =>
    call<{ id: number; status: RegistrationStatus }>('POST', `/api/v1/registrations/${id}/reject`, { reason }),
  revealResident: (id: number) =>
    call<{ id: number; phone: string | null; id_number: string | null }>('POST', `/api/v1/residents/${id}/reveal`),
  accounts: (f: AccountFilter = {}) =>
    call<Page<Account>>(
      'GET',
      `/api/v1/accounts${q({ q: f.q, role: f.role, unit: f.unit, disabled: f.disabled, cursor: f.cursor, limit: f.limit })}`,
    ),
  account: (id: number) => call<Account>('GET', `/api/v1/accounts/${id}`),
  createAccount: (a: NewAccount) => call<Account>('POST', '/api/v1/accounts', a),
  updateAccount: (id: number, change: AccountChange) => call<Account>('PATCH', `/api/v1/accounts/${id}`, change),
  setAccountPassword: (id: number, password: string) =>
    call<{ id: number; ok: boolean }>('POST', `/api/v1/accounts/${id}/password`, { password }),
  unlockAccount: (id: number) => call<{ id: number; was_locked: boolean }>('POST', `/api/v1/accounts/${id}/unlock`),
  audit: (f: AuditFilter = {}) =>
    call<Page<AuditEntry>>(
      'GET',
      `/api/v1/audit${q({ actor: f.actor, action: f.action, from: f.from, to: f.to, cursor: f.cursor, limit: f.limit })}`,
    ),
  venues: (f: { unit?: number; cursor?: string | null; limit?: number } = {}) =>
    call<Page<Venue>>('GET', `/api/v1/venues${q({ unit: f.unit, cursor: f.cursor, limit: f.limit })}`),
  venue: (id: number) => call<Venue>('GET', `/api/v1/venues/${id}`),
  venueSlots: (id: number, date: string) =>
    call<{ date: string; slot_minutes: number; items: Slot[] }>('GET', `/api/v1/venues/${id}/slots${q({ date })}`),
  venueQrUrl: (id: number) => `/api/v1/venues/${id}/qr.svg`,
  createVenue: (v: VenueInput) => call<{ id: number; name: string; public_code: string }>('POST', '/api/v1/venues', v),
  updateVenue: (id: number, v: VenueInput) => call<{ id: number }>('PATCH', `/api/v1/venues/${id}`, v),
  addBlackout: (id: number, b: { start: string; end: string; reason?: string }) =>
    call<{ id: number }>('POST', `/api/v1/venues/${id}/blackouts`, b),
  deleteBlackout: (id: number, bid: number) => call<{ deleted: boolean }>('DELETE', `/api/v1/venues/${id}/blackouts/${bid}`),
  bookings: (f: { venue?: number; status?: BookingStatus; mine?: boolean; cursor?: string | null; limit?: number } = {}) =>
    call<Page<Booking>>(
      'GET',
      `/api/v1/bookings${q({ venue: f.venue, status: f.status, mine: f.mine ? 1 : undefined, cursor: f.cursor, limit: f.limit })}`,
    ),
  booking: (id: number) => call<Booking>('GET', `/api/v1/bookings/${id}`),
  book: (b: NewBooking) => call<{ id: number; status: BookingStatus; start: string; end: string }>('POST', '/api/v1/bookings', b),
  bookingAction: (id: number, action: 'cancel' | 'approve' | 'reject' | 'check-in' | 'no-show', reason?: string) =>
    call<{ id: number; status: BookingStatus }>('POST', `/api/v1/bookings/${id}/${action}`, reason ? { reason } : {}),
  checkIn: (code: string) => call<{ id: number; status: BookingStatus }>('POST', '/api/v1/bookings/check-in', { code }),
  activities: (f: ActivityFilter = {}) =>
    call<Page<Activity>>(
      'GET',
      `/api/v1/activities${q({ unit: f.unit, from: f.from, to: f.to, status: f.status, mine: f.mine ? 1 : undefined, cursor: f.cursor, limit: f.limit })}`,
    ),
  activity: (id: number) => call<Activity>('GET', `/api/v1/activities/${id}`),
  createActivity: (a: ActivityInput) =>
    call<{ id: number; status: string; booking_id: number | null; check_in_code: string }>('POST', '/api/v1/activities', a),
  updateActivity: (id: number, a: ActivityInput) => call<{ id: number; booking_id: number | null }>('PATCH', `/api/v1/activities/${id}`, a),
  cancelActivity: (id: number, reason: string) => call<{ id: number; status: string }>('POST', `/api/v1/activities/${id}/cancel`, { reason }),
  activityQrUrl: (id: number) => `/api/v1/activities/${id}/qr.svg`,
  signUp: (id: number, residentId?: number) =>
    call<{ id: number; status: SignupStatus; activity_id: number; position: number | null }>(
      'POST',
      `/api/v1/activities/${id}/signups`,
      residentId ? { resident_id: residentId } : {},
    ),
  cancelSignup: (id: number, sid: number, reason?: string) =>
    call<{ id: number; status: SignupStatus }>('POST', `/api/v1/activities/${id}/signups/${sid}/cancel`, reason ? { reason } : {}),
  signups: (id: number, f: { status?: SignupStatus; cursor?: string | null; limit?: number } = {}) =>
    call<Page<Signup> & { summary: SignupSummary }>(
      'GET',
      `/api/v1/activities/${id}/signups${q({ status: f.status, cursor: f.cursor, limit: f.limit })}`,
    ),
  checkInSignup: (id: number, sid: number) =>
    call<{ id: number; activity_id: number; checked_in_at: string }>('POST', `/api/v1/activities/${id}/signups/${sid}/check-in`, {}),
  activityCheckIn: (code: string) =>
    call<{ id: number; activity_id: number; checked_in_at: string }>('POST', '/api/v1/activities/check-in', { code }),
  attendance: (f: { resident_id?: number; cursor?: string | null; limit?: number } = {}) =>
    call<AttendanceRecord>('GET', `/api/v1/activities/attendance${q({ resident_id: f.resident_id, cursor: f.cursor, limit: f.limit })}`),
  serviceItems: (all = false) =>
    call<{ items: ServiceItem[] }>('GET', `/api/v1/service-items${q({ all: all ? 1 : undefined })}`).then((r) => r.items),
  serviceItem: (id: number) => call<ServiceItem>('GET', `/api/v1/service-items/${id}`),
  createServiceItem: (i: ServiceItemInput) => call<{ id: number; code: string }>('POST', '/api/v1/service-items', i),
  updateServiceItem: (id: number, i: ServiceItemInput) => call<{ id: number }>('PATCH', `/api/v1/service-items/${id}`, i),
  apply: (a: NewApplication) =>
    call<{ id: number; status: ApplicationStatus; due_at: string; handler_unit: { id: number } }>('POST', '/api/v1/service-applications', a),
  applications: (f: { status?: ApplicationStatus | 'open'; item?: number; unit?: number; mine?: boolean; cursor?: string | null; limit?: number } = {}) =>
    call<Page<ApplicationListItem>>(
      'GET',
      `/api/v1/service-applications${q({ status: f.status, item: f.item, unit: f.unit, mine: f.mine ? 1 : undefined, cursor: f.cursor, limit: f.limit })}`,
    ),
  application: (id: number) => call<ApplicationDetail>('GET', `/api/v1/service-applications/${id}`),
  applicationAction: (
    id: number,
    action: ApplicationAction,
    extra: { note?: string; version?: number; form?: Record<string, Answer>; attachments?: string[] } = {},
  ) => call<{ id: number; status: ApplicationStatus; version: number }>('POST', `/api/v1/service-applications/${id}/actions`, { action, ...extra }),
  /* the answers whole (ID numbers, phones, birth dates): handlers only, audited */
  revealApplication: (id: number) =>
    call<{ id: number; form: Record<string, Answer> }>('POST', `/api/v1/service-applications/${id}/reveal`),

  /* ---- meal assistance (助餐) ---- */
  mealPoints: (f: { unit?: number; cursor?: string | null; limit?: number } = {}) =>
    call<Page<MealPoint>>('GET', `/api/v1/meal-points${q({ unit: f.unit, cursor: f.cursor, limit: f.limit })}`),
  mealPoint: (id: number) => call<MealPoint>('GET', `/api/v1/meal-points/${id}`),
  createMealPoint: (p: MealPointInput) => call<{ id: number; name: string }>('POST', '/api/v1/meal-points', p),
  updateMealPoint: (id: number, p: MealPointInput) => call<{ id: number }>('PATCH', `/api/v1/meal-points/${id}`, p),
  mealAssignees: (pointId: number) =>
    call<{ items: MealAssignee[] }>('GET', `/api/v1/meal-points/${pointId}/assignees`).then((r) => r.items),
  mealStatement: (pointId: number, month: string) =>
    call<MealStatement>('GET', `/api/v1/meal-points/${pointId}/statement${q({ month })}`),
  mealCoverage: (f: { unit?: number } = {}) => call<MealCoverage>('GET', `/api/v1/meals/coverage${q({ unit: f.unit })}`),
  mealEnrolments: (
    f: { point?: number; status?: MealEnrolmentStatus; resident?: number; unit?: number; cursor?: string | null; limit?: number } = {},
  ) =>
    call<Page<MealEnrolment>>(
      'GET',
      `/api/v1/meal-enrolments${q({ point: f.point, status: f.status, resident: f.resident, unit: f.unit, cursor: f.cursor, limit: f.limit })}`,
    ),
  applyMeal: (a: { point_id: number; resident_id?: number; note?: string }) =>
    call<{ id: number; status: MealEnrolmentStatus; applied_as: string; matched: string[] }>('POST', '/api/v1/meal-enrolments', a),
  mealEnrolmentAction: (id: number, action: 'approve' | 'reject' | 'withdraw', reason?: string) =>
    call<{ id: number; status: MealEnrolmentStatus; orders_cancelled?: number }>(
      'POST',
      `/api/v1/meal-enrolments/${id}/${action}`,
      reason ? { reason } : {},
    ),
  mealOrders: (
    f: { point?: number; day?: string; status?: MealOrderStatus; round?: number; resident?: number; unit?: number; cursor?: string | null; limit?: number } = {},
  ) =>
    call<Page<MealOrder>>(
      'GET',
      `/api/v1/meal-orders${q({ point: f.point, day: f.day, status: f.status, round: f.round, resident: f.resident, unit: f.unit, cursor: f.cursor, limit: f.limit })}`,
    ),
  orderMeal: (o: { enrolment_id: number; day: string; mode: MealMode }) =>
    call<{ id: number; status: MealOrderStatus; day: string; mode: MealMode; price_fen: number; subsidy_fen: number }>(
      'POST',
      '/api/v1/meal-orders',
      o,
    ),
  mealOrderAction: (id: number, action: 'cancel' | 'serve' | 'deliver') =>
    call<{ id: number; status: MealOrderStatus }>('POST', `/api/v1/meal-orders/${id}/${action}`, {}),
  mealRounds: (f: { point?: number; day?: string; mine?: boolean; unit?: number; cursor?: string | null; limit?: number } = {}) =>
    call<Page<MealRound>>(
      'GET',
      `/api/v1/meal-rounds${q({ point: f.point, day: f.day, mine: f.mine ? 1 : undefined, unit: f.unit, cursor: f.cursor, limit: f.limit })}`,
    ),
  mealRound: (id: number) => call<MealRound>('GET', `/api/v1/meal-rounds/${id}`),
  createMealRound: (r: { point_id: number; day: string; name: string; assignee_id: number }) =>
    call<{ id: number; day: string; name: string }>('POST', '/api/v1/meal-rounds', r),
  assignMealOrders: (roundId: number, orderIds: number[]) =>
    call<{ id: number; assigned: number }>('POST', `/api/v1/meal-rounds/${roundId}/orders`, { order_ids: orderIds }),
};

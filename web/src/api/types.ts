// The shapes the server answers, as docs/API.md describes them.

export interface Unit {
  id: number;
  code?: string;
  name: string;
  kind?: 'district' | 'street' | 'community' | 'grid' | 'building';
}

export interface User {
  id: number;
  username: string;
  display_name: string;
  roles: string[];
  permissions: string[];
  unit_id: number;
  unit?: Unit;
  resident_id?: number | null;
  /** A resident not yet bound to a resident record: the latest self-registration (or null). */
  registration?: RegistrationBrief | null;
}

export type RegistrationStatus = 'pending' | 'confirmed' | 'rejected' | 'cancelled';

export interface RegistrationBrief {
  id: number;
  status: RegistrationStatus;
  reason: string;
  unit: { id: number; name: string };
  household: { id: number; room: string; building: string } | null;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface Deadline {
  amount: number;
  unit: 'hours' | 'workdays';
}

export interface Category {
  id: number;
  code: string;
  name: string;
  name_en: string;
  level: 'grid' | 'community' | 'street' | 'department';
  accept_deadline: Deadline;
  handle_deadline: Deadline;
  active: boolean;
  sort: number;
}

export type AppealStatus =
  | 'submitted'
  | 'accepted'
  | 'rejected'
  | 'dispatched'
  | 'handling'
  | 'resolved'
  | 'closed'
  | 'rated'
  | 'merged';

export type AppealAction =
  | 'accept'
  | 'reject'
  | 'dispatch'
  | 'sign'
  | 'return'
  | 'resolve'
  | 'escalate'
  | 'transfer'
  | 'extend'
  | 'approve_extension'
  | 'verify'
  | 'rate'
  | 'merge'
  | 'link'
  | 'comment';

export interface AppealListItem {
  id: number;
  case_no: string;
  category: { code: string; name: string };
  title: string;
  status: AppealStatus;
  channel: string;
  unit: Unit;
  handler_unit: Unit;
  assignee_id: number | null;
  created_at: string;
  accept_due: string | null;
  handle_due: string | null;
  overdue: boolean;
  rating: string | null;
  rework_count: number;
}

export interface TimelineEvent {
  id: number;
  at: string;
  action: string;
  actor: string;
  from_status: AppealStatus | null;
  to_status: AppealStatus;
  note: string;
  photos: string[];
  details?: Record<string, unknown>;
}

export interface AppealDetail extends AppealListItem {
  description: string;
  address: string;
  lng: number | null;
  lat: number | null;
  photos: string[];
  contact: { name: string; phone: string };
  station_id: number | null;
  accepted_at: string | null;
  resolved_at: string | null;
  closed_at: string | null;
  escalations: number;
  reopen_count: number;
  extension_request: { hours: number; reason: string } | null;
  merged_into: number | null;
  was_overdue: boolean;
  version: number;
  timeline: TimelineEvent[];
  links: { id: number; case_no: string; status: AppealStatus }[];
  allowed_actions: AppealAction[];
}

export interface NewAppeal {
  category: string;
  title: string;
  description?: string;
  unit_id?: number;
  station_code?: string;
  lng?: number;
  lat?: number;
  address?: string;
  photos?: string[];
  contact?: { name?: string; phone?: string };
  channel?: string;
}

export interface Created {
  id: number;
  case_no: string;
  status: AppealStatus;
  accept_due: string;
}

export interface Message {
  id: number;
  kind: string;
  title: string;
  body: string;
  appeal_id: number | null;
  case_no: string | null;
  created_at: string;
  read: boolean;
}

export interface Attachment {
  id: string;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  url: string;
}

export interface Tracked {
  id: number;
  case_no: string;
  category: string;
  title: string;
  status: AppealStatus;
  created_at: string;
  closed_at: string | null;
  handler_unit: string;
  rating: string | null;
  timeline: TimelineEvent[];
}

export interface UnitDetail extends Unit {
  parent_id: number | null;
  party_org_name: string | null;
  party_secretary: string | null;
  has_boundary: boolean;
}

/* What staff may edit on a unit (the boundary is drawn elsewhere). */
export interface UnitInput {
  name: string;
  party_org_name?: string;
  party_secretary?: string;
}

export interface Station {
  id: number;
  grid_id: number;
  grid_name: string;
  name: string;
  address: string;
  lng: number | null;
  lat: number | null;
  opening_hours: string;
  phone: string;
  public_code: string;
  hub_leader_id: number | null;
  hub_leader_name: string | null;
}

export interface StationInput {
  name: string;
  address?: string;
  opening_hours?: string;
  phone?: string;
  lng?: number | null;
  lat?: number | null;
}

export interface AppealMeasures {
  received: number;
  accepted: number;
  closed: number;
  closure_rate: number | null;
  on_time_closed: number;
  on_time_rate: number | null;
  reworked: number;
  rework_rate: number | null;
  rated: number;
  satisfied: number;
  satisfaction_rate: number | null;
  mean_handling_hours: number | null;
  p90_handling_hours: number | null;
}

export interface AppealStats {
  unit: Unit;
  from: string;
  to: string;
  totals: AppealMeasures;
  children: (AppealMeasures & { unit: Unit })[];
  categories: (AppealMeasures & { category: { code: string; name: string } })[];
}

export interface Hotspot {
  grid: Unit;
  category: { code: string; name: string };
  count: number;
  first_at: string;
  last_at: string;
  appeal_ids: number[];
}

export interface UnitFeature {
  type: 'Feature';
  id: number;
  properties: { id: number; code: string; name: string; kind: string; open_appeals: number };
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown };
}

export interface UnitCollection {
  type: 'FeatureCollection';
  features: UnitFeature[];
}

export interface MapAppeal {
  id: number;
  case_no: string;
  title: string;
  status: AppealStatus;
  category: { code: string; name: string };
  lng: number | null;
  lat: number | null;
  unit_id: number;
  overdue: boolean;
}

export interface Household {
  id: number;
  building_id: number;
  room: string;
  address: string;
  residents: number;
}

export interface Resident {
  id: number;
  household_id: number;
  name: string;
  gender: 'male' | 'female' | 'unknown';
  birth_ym: string | null;
  age: number | null;
  phone: string | null;
  id_number: string | null;
  tags: string[];
  party_member: boolean;
  is_demo: boolean;
}

/** A unit a person picks their grid from when registering (GET /registrations/places). */
export interface Place {
  id: number;
  name: string;
  kind: 'district' | 'street' | 'community' | 'grid';
  leaf: boolean;
}

export interface NewRegistration {
  phone: string;
  name: string;
  password: string;
  unit_id?: number;
  station_code?: string;
  address: string;
  note?: string;
}

export interface Reapplication {
  unit_id?: number;
  station_code?: string;
  address: string;
  note?: string;
  name?: string;
}

export interface RegistrationCandidate {
  id: number;
  name: string;
  phone: string | null;
  household_id: number;
  household: { id: number; room: string; building: string };
  bound: boolean;
}

export interface Registration {
  id: number;
  account_id: number;
  unit: { id: number; name: string };
  name: string;
  phone: string;
  address: string;
  note: string;
  status: RegistrationStatus;
  resident_id: number | null;
  household_id: number | null;
  household: { id: number; room: string; building: string } | null;
  reason: string;
  created_at: string;
  decided_at: string | null;
  /** GET /registrations/mine only: the account has a resident record. */
  bound?: boolean;
  /** Staff views only. */
  candidates?: RegistrationCandidate[];
}

export interface RegistrationCreated {
  id: number;
  account_id: number;
  status: RegistrationStatus;
  unit: { id: number; name: string };
}

export interface Account {
  id: number;
  username: string;
  display_name: string;
  unit: { id: number; name: string };
  roles: string[];
  disabled: boolean;
  locked: boolean;
  password_set: boolean;
  last_login_at: string | null;
  created_at: string | null;
}

export interface AccountFilter {
  q?: string;
  role?: string;
  unit?: number;
  disabled?: boolean;
  cursor?: string | null;
  limit?: number;
}

export interface NewAccount {
  username: string;
  display_name?: string;
  unit_id: number;
  roles: string[];
  password?: string;
}

export interface AccountChange {
  display_name?: string;
  unit_id?: number;
  roles?: string[];
  disabled?: boolean;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor_id: number;
  actor_name: string;
  ip: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  outcome: string;
  details: Record<string, unknown>;
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  from?: string;
  to?: string;
  cursor?: string | null;
  limit?: number;
}

/* ---- venues and bookings ---- */

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export type OpeningHours = Partial<Record<Weekday, [string, string][]>>;

export interface VenueRules {
  min_notice_minutes: number;
  max_days_ahead: number;
  max_duration_minutes: number;
  weekly_quota: number;
  approval_required: boolean;
}

export interface Venue {
  id: number;
  unit: { id: number; name: string };
  name: string;
  description: string;
  address: string;
  capacity: number;
  slot_minutes: number;
  opening_hours: OpeningHours;
  rules: VenueRules;
  active: boolean;
  public_code?: string;
  blackouts?: { id: number; start: string; end: string; reason: string }[];
}

export interface VenueInput {
  unit_id?: number;
  name?: string;
  description?: string;
  address?: string;
  capacity?: number;
  slot_minutes?: number;
  opening_hours?: OpeningHours;
  rules?: Partial<VenueRules>;
  active?: boolean;
}

export interface Slot {
  start: string;
  end: string;
  state: 'free' | 'taken' | 'closed' | 'past';
}

export type BookingStatus = 'pending' | 'approved' | 'rejected' | 'cancelled' | 'checked_in' | 'no_show';

export interface Booking {
  id: number;
  venue: { id: number; name: string };
  start: string;
  end: string;
  purpose: string;
  attendees: number;
  status: BookingStatus;
  reason: string;
  resident: { id: number | null; name: string } | null;
  account_id: number | null;
  for_unit: { id: number; name: string } | null;
  booked_by: { id: number; name: string };
  created_at: string;
  decided_at: string | null;
  checked_in_at: string | null;
}

export interface NewBooking {
  venue_id: number;
  start: string;
  end: string;
  purpose: string;
  attendees?: number;
  resident_id?: number;
  for_unit?: boolean;
}

/* ---- activities ---- */

export type EligibilityTag = 'living_alone' | 'all_elderly' | 'disabled' | 'low_income' | 'aged_80_plus' | 'child';
export const ELIGIBILITY_TAGS: EligibilityTag[] = ['living_alone', 'all_elderly', 'disabled', 'low_income', 'aged_80_plus', 'child'];

export type ActivityStatus = 'published' | 'cancelled';
export type SignupStatus = 'confirmed' | 'waitlisted' | 'cancelled';
export type Attendance = 'attended' | 'absent' | 'expected' | 'waitlisted' | 'cancelled';

export interface Activity {
  id: number;
  unit: { id: number; name: string };
  organiser: { kind: 'unit' | 'volunteer_team'; name: string };
  title: string;
  description: string;
  start: string;
  end: string;
  place: string;
  venue: { id: number; name: string } | null;
  booking: { id: number; status: BookingStatus } | null;
  capacity: number;
  confirmed: number;
  waitlisted: number;
  places_left: number;
  signup_opens_at: string;
  signup_closes_at: string;
  signup_open: boolean;
  eligibility: EligibilityTag[];
  status: ActivityStatus;
  cancel_reason: string;
  created_by: { id: number; name: string };
  created_at: string;
  updated_at: string;
  my_signup: { id: number; status: SignupStatus; position: number | null; checked_in_at: string | null } | null;
  check_in_code?: string;
}

export interface ActivityInput {
  title?: string;
  start?: string;
  end?: string;
  capacity?: number;
  place?: string;
  venue_id?: number | null;
  description?: string;
  unit_id?: number;
  organiser_kind?: 'unit' | 'volunteer_team';
  organiser_name?: string;
  signup_opens_at?: string;
  signup_closes_at?: string;
  eligibility?: EligibilityTag[];
}

export interface ActivityFilter {
  unit?: number;
  from?: string;
  to?: string;
  status?: ActivityStatus;
  mine?: boolean;
  cursor?: string | null;
  limit?: number;
}

export interface Signup {
  id: number;
  status: SignupStatus;
  attendance: Attendance;
  account_id: number | null;
  resident_id: number | null;
  name: string;
  signed_up_by: { id: number; name: string };
  created_at: string;
  promoted_at: string | null;
  checked_in_at: string | null;
  cancel_reason: string;
  position: number | null;
}

export interface SignupSummary {
  capacity: number;
  confirmed: number;
  waitlisted: number;
  checked_in: number;
}

export interface AttendanceRecord {
  resident_id: number | null;
  items: {
    id: number;
    status: SignupStatus;
    attendance: Attendance;
    checked_in_at: string | null;
    created_at: string;
    activity: { id: number; title: string; start: string; end: string; place: string; status: ActivityStatus; unit: { id: number; name: string } };
  }[];
  next_cursor: string | null;
  summary: { attended: number; absent: number; expected: number };
}

/* ---- online service applications ---- */

export type FormFieldType = 'text' | 'textarea' | 'number' | 'date' | 'select' | 'phone' | 'id_number';
export const FORM_FIELD_TYPES: FormFieldType[] = ['text', 'textarea', 'number', 'date', 'select', 'phone', 'id_number'];

export interface FormField {
  key: string;
  label: string;
  label_en?: string;
  type: FormFieldType;
  required?: boolean;
  maxlength?: number;
  min?: number;
  max?: number;
  integer?: boolean; // number fields: whole numbers only
  options?: string[];
}

export type HandlingLevel = 'community' | 'street' | 'district';

export interface ServiceItem {
  id: number;
  code: string;
  name: string;
  name_en: string;
  guide: string;
  materials: { name: string; required: boolean }[];
  form: FormField[];
  handling_level: HandlingLevel;
  time_limit_days: number;
  active: boolean;
  sort: number;
}

export type ServiceItemInput = Partial<Omit<ServiceItem, 'id'>>;

export type ApplicationStatus = 'submitted' | 'accepted' | 'needs_material' | 'approved' | 'rejected' | 'completed' | 'withdrawn';
export type ApplicationAction = 'accept' | 'request_material' | 'supplement' | 'approve' | 'reject' | 'complete' | 'withdraw';
export type Answer = string | number;

export interface ApplicationListItem {
  id: number;
  item: { id: number; code: string; name: string };
  status: ApplicationStatus;
  applicant: { account_id: number; name: string };
  handler_unit: { id: number; name: string };
  created_at: string;
  due_at: string;
  overdue: boolean;
  version: number;
}

export interface ApplicationDetail extends ApplicationListItem {
  form: Record<string, Answer> | null;
  /* true when ID numbers, phones or birth dates in the answers are masked (revealApplication) */
  form_masked: boolean;
  form_fields: FormField[];
  attachments: string[];
  timeline: { id: number; action: 'submit' | ApplicationAction; actor: string; note: string; attachments: string[]; at: string }[];
  allowed_actions: ApplicationAction[];
}

export interface NewApplication {
  item_id: number;
  form: Record<string, Answer>;
  attachments?: string[];
}

/* ---- meal assistance (助餐) ---- */

export type MealMode = 'dine_in' | 'meal_delivery' | 'grocery_delivery';
export type MealTag = 'aged_80_plus' | 'living_alone' | 'all_elderly' | 'disabled' | 'low_income';

export interface MealPoint {
  id: number;
  unit: { id: number; name: string };
  name: string;
  address: string;
  daily_capacity: number;
  modes: MealMode[];
  price_fen: number;
  subsidy_fen: number;
  resident_share_fen: number;
  /** "HH:MM": orders for day D close at D's cut-off (Shanghai). */
  order_cutoff: string;
  eligibility: MealTag[];
  active: boolean;
}

export interface MealPointInput {
  unit_id?: number;
  name?: string;
  address?: string;
  daily_capacity?: number;
  modes?: MealMode[];
  price_fen?: number;
  subsidy_fen?: number;
  order_cutoff?: string;
  eligibility?: MealTag[];
  active?: boolean;
}

export type MealEnrolmentStatus = 'pending' | 'approved' | 'rejected' | 'withdrawn';

export interface MealEnrolment {
  id: number;
  point: { id: number; name: string };
  resident: { id: number; name: string };
  applicant: { id: number; name: string };
  applied_as: 'self' | 'family' | 'staff';
  matched: MealTag[];
  note: string;
  status: MealEnrolmentStatus;
  reason: string;
  decided_at: string | null;
  created_at: string;
}

export type MealOrderStatus = 'ordered' | 'cancelled' | 'served' | 'delivered';

export interface MealOrder {
  id: number;
  point: { id: number; name: string };
  enrolment_id: number;
  resident: { id: number; name: string };
  day: string;
  mode: MealMode;
  price_fen: number;
  subsidy_fen: number;
  resident_share_fen: number;
  status: MealOrderStatus;
  round_id: number | null;
  ordered_by: { id: number; name: string };
  created_at: string;
  cancelled_at: string | null;
  done_at: string | null;
  done_by: { id: number; name: string } | null;
  address: { building: string; room: string; address: string; phone: string | null };
}

export interface MealRound {
  id: number;
  point: { id: number; name: string };
  day: string;
  name: string;
  assignee: { id: number; name: string };
  orders: number;
  delivered: number;
  created_at: string;
  /** GET /meal-rounds/:id only: its live orders, by building and room. */
  items?: MealOrder[];
}

export interface MealAssignee {
  id: number;
  name: string;
  unit: { id: number; name: string };
  kind: 'volunteer' | 'staff';
}

export interface MealSums {
  meals: number;
  price_total_fen: number;
  subsidy_total_fen: number;
  resident_share_fen: number;
}

export interface MealStatement extends MealSums {
  point: { id: number; name: string; unit: { id: number; name: string } };
  month: string;
  residents: number;
  not_taken: number;
  by_mode: Record<MealMode, MealSums>;
  by_day: (MealSums & { day: string; by_mode: Record<MealMode, number> })[];
}

export interface MealCoverageRow {
  community: { id: number; name: string };
  meal_points: number;
  rule: MealTag[];
  eligible: number;
  enrolled: number;
  served_this_month: number;
}

export interface MealCoverage {
  unit: { id: number; name: string };
  month: string;
  items: MealCoverageRow[];
  totals: { meal_points: number; eligible: number; enrolled: number; served_this_month: number };
}

/* ---- public accountability: commitments (承诺清单) ---- */

export type CommitmentState = 'in_progress' | 'verifying' | 'done';
export type CommitmentAction = 'request_close' | 'verify' | 'return';

export interface CommitmentRate {
  items: number;
  done: number;
  overdue: number;
  percent: number;
}

export interface CommitmentList {
  id: number;
  unit: Unit;
  term_start: string;
  term_end: string;
  title: string;
  rate: CommitmentRate;
  created_at: string;
}

export interface CommitmentItem {
  id: number;
  list_id: number;
  unit: Unit;
  /** null: the organisation as a whole */
  member: { name: string; post: string; account_id: number | null } | null;
  title: string;
  detail: string;
  category: string;
  target: string;
  due_date: string;
  state: CommitmentState;
  percent: number;
  overdue: boolean;
  verified_at: string | null;
  verified_by: { id: number; name: string } | null;
  return_reason: string | null;
  comment_count: number;
  objection_count: number;
  created_at: string;
  updated_at: string;
}

export interface CommitmentEvent {
  id: number;
  kind: 'created' | 'progress' | 'request_close' | 'verify' | 'return';
  at: string;
  percent: number | null;
  note: string;
  reason: string;
  photos: string[];
  actor: { id: number; name: string } | null;
}

export interface CommitmentComment {
  id: number;
  kind: 'comment' | 'objection';
  text: string;
  created_at: string;
  answer: { text: string; at: string; by?: { id: number; name: string } } | null;
}

export interface CommitmentItemDetail extends CommitmentItem {
  list: { id: number; title: string; term_start: string; term_end: string };
  events: CommitmentEvent[];
  comments: CommitmentComment[];
}

/* A resident's comment as staff list them to answer. */
export interface CommitmentCommentRow extends CommitmentComment {
  item: { id: number; title: string };
}

export interface CommitmentItemInput {
  member_name?: string;
  member_post?: string;
  member_account_id?: number;
  title: string;
  detail: string;
  category: string;
  target: string;
  due_date: string;
}

export interface CommitmentRates extends CommitmentRate {
  unit: Unit;
  children: ({ unit: Unit } & CommitmentRate)[];
}

/* ---- public accountability: projects (便民实事 and more) ---- */

export type ProjectType =
  | 'dispute_mediation'
  | 'meal_delivery'
  | 'environment'
  | 'epidemic_prevention'
  | 'illegal_construction'
  | 'micro'
  | 'other';
export type ProjectState = 'proposed' | 'approved' | 'in_progress' | 'completed' | 'cancelled';
export type ProjectAction = 'approve' | 'start' | 'progress' | 'milestone_done' | 'complete' | 'cancel';

export interface Project {
  id: number;
  unit: Unit;
  year: number;
  type: ProjectType;
  title: string;
  goal: string;
  budget_fen: number;
  state: ProjectState;
  percent: number;
  responsible_unit: { id: number; name: string } | null;
  responsible_person: string;
  created_at: string;
  updated_at: string;
}

export interface ProjectMilestone {
  id: number;
  title: string;
  due_date: string;
  done_at: string | null;
}

export interface ProjectEvent {
  id: number;
  kind: string;
  at: string;
  percent: number | null;
  note: string;
  photos: string[];
  milestone_id: number | null;
  actor: { id: number; name: string } | null;
}

export interface ProjectHotspot {
  grid: { id: number; code: string; name: string };
  category: { code: string; name: string };
  count: number;
  appeal_ids: number[];
  days: number;
  taken_at: string;
}

export interface ProjectDetail extends Project {
  outcome: string;
  outcome_photos: string[];
  cancel_reason: string;
  approved_at: string | null;
  started_at: string | null;
  completed_at: string | null;
  cancelled_at: string | null;
  milestones: ProjectMilestone[];
  events: ProjectEvent[];
  sources: {
    appeals: { id: number; case_no: string; title?: string; status: string; category: string; submitted_at: string }[];
    hotspot: ProjectHotspot | null;
  };
  commitment_items: { id: number; title: string; status: string; list_id: number; unit_id: number }[];
}

export interface ProjectSources {
  appeal_ids?: number[];
  hotspot?: { grid_id: number; category: string; days?: number };
  commitment_item_ids?: number[];
}

export interface ProjectInput extends ProjectSources {
  unit_id: number;
  year: number;
  type: ProjectType;
  title: string;
  goal: string;
  budget_fen: number;
  responsible_unit_id?: number;
  responsible_person?: string;
  milestones?: { title: string; due_date: string }[];
}

/* ---- public accountability: the community service fund (为民服务专项经费) ---- */

export type FundEntryKind = 'allocation' | 'spend' | 'refund' | 'correction';
export type FundSpendState = 'pending' | 'approved' | 'rejected' | 'recorded';

export interface FundEntry {
  seq: number;
  at: string;
  unit: Unit;
  year: number;
  kind: FundEntryKind;
  amount_fen: number;
  project: { id: number; title: string } | null;
  ref_seq: number | null;
  note: string;
  actor: { id: number; name: string } | null;
}

export interface FundCoverage {
  year: number;
  minimum_fen: number;
  below_minimum: number;
  items: {
    unit: Unit;
    street: { id: number; name: string } | null;
    allocated_fen: number;
    spent_fen: number;
    balance_fen: number;
    below_minimum: boolean;
  }[];
}

export interface FundSpend {
  id: number;
  unit: Unit;
  year: number;
  project: { id: number; title: string };
  amount_fen: number;
  note: string;
  meal_point_id: number | null;
  month: string | null;
  state: FundSpendState;
  reason: string | null;
  requested_by: { id: number; name: string };
  requested_at: string;
  decided_by: { id: number; name: string } | null;
  decided_at: string | null;
  entry_seq: number | null;
  entry?: FundEntry | null;
}

/* ---- public accountability: 微实事 (residents propose and choose) ---- */

export type MicroRoundState = 'upcoming' | 'proposing' | 'reviewing' | 'voting' | 'closed' | 'published';
export type MicroProposalStatus = 'submitted' | 'admitted' | 'declined';

export interface MicroRound {
  id: number;
  unit: Unit;
  title: string;
  description: string;
  budget_fen: number;
  proposal_start: string;
  proposal_end: string;
  voting_start: string;
  voting_end: string;
  state: MicroRoundState;
  published_at: string | null;
  counts: { proposals: number; admitted: number; ballots: number };
}

export interface MicroProposal {
  id: number;
  title: string;
  description: string;
  estimate_fen: number;
  photos: string[];
  status: MicroProposalStatus;
  cost_fen: number | null;
  decline_reason: string | null;
  created_at: string;
  decided_at: string | null;
  mine: boolean;
  proposer?: { account_id: number; name: string };
  project_id: number | null;
}

export interface MicroRoundDetail extends MicroRound {
  proposals: MicroProposal[];
}

export interface MicroResults {
  round: { id: number; title: string; unit: Unit; budget_fen: number; voting_end: string; state: MicroRoundState };
  ballots: number;
  published: boolean;
  published_at: string | null;
  chosen_total_fen: number;
  items: { id: number; title: string; cost_fen: number; votes: number; rank: number; chosen: boolean; project_id: number | null }[];
}

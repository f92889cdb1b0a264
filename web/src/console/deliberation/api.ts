// The staff console's client for deliberation (议事协商): the representative
// roster, meeting-type settings, meetings with attendance, proposals, votes
// and resolutions, and matters (议题) with the 四议两公开 steps, objections,
// community settings and the secretaries' yearly review. Every URL of these
// pages is written here (the endpoints are in docs/API.md); the types are the
// answers as the server writes them.
import type { Page, ProjectType } from '../../api/types';
import { call as request, q as query } from '../../api/client';
import type { MeetingState, MeetingType, RepKind, Step, Vote } from './labels';

type Cursor = { cursor?: string | null; limit?: number };

/* ---- roster (代表名册) ---- */
export interface Representative {
  id: number;
  unit_id: number;
  unit_name: string;
  name: string;
  kind: RepKind;
  organisation: string;
  phone_mask: string | null;
  account_id: number | null;
  active: boolean;
  created_at: string;
  updated_at: string;
}
export interface RepresentativeInput {
  name: string;
  kind: RepKind;
  organisation: string;
  phone?: string | null;
  account_id?: number | null;
  active?: boolean;
}

/* ---- meetings ---- */
export interface MeetingTypeSetting {
  type: MeetingType;
  quorum_pct: number;
  pass_pct: number;
  updated_at?: string | null;
}
export interface MeetingRow {
  id: number;
  unit_id: number;
  unit_name: string;
  type: MeetingType;
  matter_id: number | null;
  title: string;
  starts_at: string;
  ends_at: string | null;
  place: string;
  venue_id: number | null;
  booking_id: number | null;
  agenda: string;
  state: MeetingState;
  quorum_pct: number;
  pass_pct: number;
  invited: number;
  present: number;
  quorate: boolean;
  passed: boolean;
  cancel_reason: string;
  held_at: string | null;
  closed_at: string | null;
  cancelled_at: string | null;
  created_at: string;
}
export interface Invitee {
  representative_id: number;
  name: string;
  kind: RepKind;
  organisation: string;
  phone_mask: string | null;
  has_account: boolean;
  present: boolean | null;
}
export interface Proposal {
  id: number;
  title: string;
  text: string;
  proposer_id: number | null;
  proposer_name: string | null;
  for: number;
  against: number;
  abstain: number;
  votes_cast: number;
  passed: boolean;
  adopted: boolean;
  votes: { representative_id: number; vote: Vote }[];
}
export interface Appointee {
  name: string;
  role: string;
  representative_id?: number | null;
}
export interface Resolution {
  text: string;
  minutes: string;
  adopted: number[];
  appointees: Appointee[];
  photos: string[];
  project_id: number | null;
}
export interface MeetingDetail extends MeetingRow {
  invitees: Invitee[];
  proposals: Proposal[];
  resolution: Resolution | null;
}
export interface MeetingInput {
  type: MeetingType;
  unit_id: number;
  matter_id?: number;
  title: string;
  starts_at: string;
  ends_at?: string;
  place?: string;
  venue_id?: number;
  agenda: string;
  invitees: number[];
}
export interface ResolutionInput {
  text: string;
  minutes: string;
  adopted: number[];
  appointees: Appointee[];
  photos: string[];
  project?: { title: string; type: ProjectType; goal: string; budget_fen: number };
}

/* ---- matters (议题) ---- */
export type MatterCategory = 'spending' | 'land' | 'facility' | 'other';
export type MatterState = 'new' | 'proposed' | 'deliberated' | 'reviewed' | 'decided' | 'disclosing' | 'implementing' | 'done';
export type SourceKind = 'resident' | 'hotspot' | 'appeals' | 'staff';
export interface UnitRef {
  id: number;
  code: string;
  name: string;
  kind: string;
}
export interface MatterRow {
  id: number;
  unit: UnitRef;
  year: number;
  title: string;
  category: MatterCategory;
  amount_fen: number;
  major: boolean;
  major_reason: 'amount' | 'land' | 'facility' | 'staff' | null;
  state: MatterState;
  next_step: Step | null;
  source_kind: SourceKind;
  created_at: string;
  updated_at: string;
}
export interface MatterStep {
  step: Step;
  meeting_id: number | null;
  meeting_type: MeetingType | null;
  text: string;
  days: number | null;
  project_id: number | null;
  done_at: string;
  done_by: { id: number; name: string } | null;
}
export interface Objection {
  id: number;
  text: string;
  created_at: string;
  answer: string | null;
  answered_at: string | null;
}
export interface HotspotSnapshot {
  grid: { id: number; code: string; name: string };
  category: { code: string; name: string };
  count: number;
  days: number;
  taken_at: string;
}
export interface MatterDetail extends MatterRow {
  description: string;
  source: {
    kind: SourceKind;
    note: string;
    appeals: { id: number; case_no: string; title?: string; category: string; status: string; submitted_at: string }[];
    hotspot: HotspotSnapshot | null;
  };
  steps: MatterStep[];
  disclosure: null | {
    text: string;
    published_at: string;
    days: number;
    ends_on: string;
    implement_from: string;
    open: boolean;
    objections: Objection[];
    unanswered: number;
  };
  project: null | { id: number; title: string; state: string };
  created_by: { id: number; name: string } | null;
}
export interface MatterInput {
  unit_id: number;
  title: string;
  description: string;
  category: MatterCategory;
  amount_fen: number;
  major?: boolean;
  source: {
    kind: SourceKind;
    appeal_ids?: number[];
    hotspot?: { grid_id: number; category: string; days: number };
    note?: string;
  };
}
export type StepInput =
  | { step: 'propose' | 'deliberate' | 'review' | 'decide'; meeting_id: number; text?: string }
  | { step: 'publish_resolution'; text: string; days?: number }
  | { step: 'implement'; text?: string; project_id?: number; project?: { type: ProjectType; title: string; goal: string; budget_fen: number } }
  | { step: 'publish_result'; text: string };
export interface MatterSettings {
  unit_id: number;
  major_spending_fen: number;
  major_land: boolean;
  major_facility: boolean;
  disclosure_days: number;
  updated_at: string | null;
}
export interface ReviewMatter {
  id: number;
  title: string;
  category: MatterCategory;
  amount_fen: number;
  state: MatterState;
  complete: boolean;
  next_step: Step | null;
  created_at: string;
  finished_at: string | null;
  total_days: number | null;
  steps: { step: Step; done_at: string; days: number }[];
}
export interface Review {
  year: number;
  units: { unit: UnitRef; major_count: number; complete_count: number; matters: ReviewMatter[] }[];
}

export const delib = {
  /* ---- roster ---- */
  representatives: (f: { unit?: number; kind?: RepKind; active?: boolean; q?: string } & Cursor = {}) =>
    request<Page<Representative>>(
      'GET',
      `/api/v1/representatives${query({ unit: f.unit, kind: f.kind, active: f.active === undefined ? undefined : f.active ? 1 : 0, q: f.q, cursor: f.cursor, limit: f.limit })}`,
    ),
  createRepresentative: (r: RepresentativeInput & { unit_id: number }) => request<Representative>('POST', '/api/v1/representatives', r),
  updateRepresentative: (id: number, r: Partial<RepresentativeInput>) => request<Representative>('PATCH', `/api/v1/representatives/${id}`, r),

  /* ---- meeting types ---- */
  meetingTypes: () => request<{ items: MeetingTypeSetting[] }>('GET', '/api/v1/meeting-types').then((r) => r.items),
  setMeetingType: (type: MeetingType, s: { quorum_pct: number; pass_pct: number }) =>
    request<MeetingTypeSetting>('PUT', `/api/v1/meeting-types/${type}`, s),

  /* ---- meetings ---- */
  meetings: (f: { unit?: number; type?: MeetingType; state?: MeetingState; matter?: number; from?: string; to?: string } & Cursor = {}) =>
    request<Page<MeetingRow>>(
      'GET',
      `/api/v1/meetings${query({ unit: f.unit, type: f.type, state: f.state, matter: f.matter, from: f.from, to: f.to, cursor: f.cursor, limit: f.limit })}`,
    ),
  meeting: (id: number) => request<MeetingDetail>('GET', `/api/v1/meetings/${id}`),
  createMeeting: (m: MeetingInput) => request<MeetingDetail>('POST', '/api/v1/meetings', m),
  cancelMeeting: (id: number, reason: string) => request<MeetingDetail>('POST', `/api/v1/meetings/${id}/cancel`, { reason }),
  attendance: (id: number, present: number[]) => request<MeetingDetail>('POST', `/api/v1/meetings/${id}/attendance`, { present }),
  addProposal: (id: number, p: { title: string; text?: string; proposer_id?: number }) =>
    request<Proposal & { meeting_id: number }>('POST', `/api/v1/meetings/${id}/proposals`, p),
  vote: (proposalId: number, representativeId: number, vote: Vote) =>
    request<Proposal>('POST', `/api/v1/proposals/${proposalId}/votes`, { representative_id: representativeId, vote }),
  resolve: (id: number, r: ResolutionInput) => request<MeetingDetail>('POST', `/api/v1/meetings/${id}/resolution`, r),

  /* ---- matters ---- */
  matters: (f: { unit?: number; state?: MatterState; major?: boolean; year?: number } & Cursor = {}) =>
    request<Page<MatterRow>>(
      'GET',
      `/api/v1/matters${query({ unit: f.unit, state: f.state, major: f.major === undefined ? undefined : f.major ? 1 : 0, year: f.year, cursor: f.cursor, limit: f.limit })}`,
    ),
  matter: (id: number) => request<MatterDetail>('GET', `/api/v1/matters/${id}`),
  createMatter: (m: MatterInput) => request<MatterDetail>('POST', '/api/v1/matters', m),
  step: (id: number, s: StepInput) => request<MatterDetail>('POST', `/api/v1/matters/${id}/steps`, s),
  answerObjection: (id: number, text: string) => request<Objection>('POST', `/api/v1/matter-objections/${id}/answer`, { text }),
  matterSettings: (unitId: number) => request<MatterSettings>('GET', `/api/v1/units/${unitId}/matter-settings`),
  setMatterSettings: (unitId: number, s: Partial<Omit<MatterSettings, 'unit_id' | 'updated_at'>>) =>
    request<MatterSettings>('PUT', `/api/v1/units/${unitId}/matter-settings`, s),
  review: (f: { unit?: number; year?: number } = {}) => request<Review>('GET', `/api/v1/matters/review${query({ unit: f.unit, year: f.year })}`),
};

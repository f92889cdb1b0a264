// The staff console's client for area joint committees (片区型"大党委"): the
// organisation register, the committees and their four lists — needs,
// resources, projects, responsibilities — and the view of unmet needs beside
// unused resources. Every URL of these pages is written here (the endpoints
// are in docs/API.md, "Joint committees"); the types are the answers' shapes.
import type { Page } from '../../api/types';
import { call as request, q as query } from '../../api/client';

type Cursor = { cursor?: string | null; limit?: number };
type Ref = { id: number; name: string };
type UnitRef = Ref & { kind?: string };

export type OrgKind = 'gov' | 'resident_unit' | 'enterprise' | 'social_org' | 'school' | 'other';
export type NeedSource = 'resident' | 'appeal' | 'hotspot' | 'visit';
export type NeedState = 'open' | 'matched' | 'met';
export type ResourceKind = 'room' | 'volunteers' | 'money' | 'skills' | 'equipment';
export type ResourceState = 'available' | 'committed' | 'used';
export type ProjectState = 'planned' | 'running' | 'done';
export type DutyState = 'open' | 'done';

export interface Organisation {
  id: number;
  name: string;
  kind: OrgKind;
  unit: UnitRef;
  contact_person: string;
  phone_mask: string | null;
  address: string;
  note: string;
  created_at: string;
  updated_at: string;
}
export interface OrganisationInput {
  name?: string;
  kind?: OrgKind;
  unit_id?: number;
  contact_person?: string;
  phone?: string | null;
  address?: string;
  note?: string;
}

export interface CommitteeCounts {
  needs_open: number;
  needs_matched: number;
  needs_met: number;
  resources_available: number;
  resources_committed: number;
  resources_used: number;
  projects_planned: number;
  projects_running: number;
  projects_done: number;
  responsibilities_open: number;
  responsibilities_done: number;
  responsibilities_overdue: number;
}
export interface Committee {
  id: number;
  name: string;
  unit: UnitRef;
  communities: Ref[];
  secretary: string;
  member_count: number;
  counts: CommitteeCounts;
  created_at: string;
  updated_at: string;
}
export interface Member {
  organisation: { id: number; name: string; kind: OrgKind; contact_person: string; phone_mask: string | null };
  role: string;
  joined_at: string;
}
export interface CommitteeDetail extends Committee {
  note: string;
  can_write: boolean;
  members: Member[];
}
export interface CommitteeInput {
  name: string;
  unit_id: number;
  community_ids: number[];
  secretary?: string;
  note?: string;
  members?: { organisation_id: number; role: string }[];
}

type ProjectRef = { id: number; title: string; state: ProjectState };
export interface Need {
  id: number;
  committee_id: number;
  community: Ref;
  title: string;
  detail: string;
  source: NeedSource;
  appeals: { id: number; case_no: string; category: string; status: string; submitted_at: string }[];
  hotspot: { grid: Ref & { code: string }; category: { code: string; name: string }; count: number; days: number; taken_at: string } | null;
  organisation: (Ref & { kind: OrgKind }) | null;
  wants: ResourceKind[];
  state: NeedState;
  project: ProjectRef | null;
  created_at: string;
  met_at: string | null;
}
export interface NeedInput {
  community_id: number;
  title: string;
  detail?: string;
  source: NeedSource;
  appeal_ids?: number[];
  hotspot?: { grid_id: number; category: string; days?: number };
  organisation_id?: number;
  wants?: ResourceKind[];
}

export interface Resource {
  id: number;
  committee_id: number;
  organisation: Ref & { kind: OrgKind };
  kind: ResourceKind;
  title: string;
  detail: string;
  quantity: number | null;
  quantity_unit: string;
  amount_fen: number | null;
  state: ResourceState;
  project: ProjectRef | null;
  created_at: string;
  used_at: string | null;
}
export type ResourceInput = { organisation_id: number; kind: ResourceKind; title: string; detail?: string } & (
  | { quantity: number; quantity_unit: string }
  | { amount_fen: number }
);

export interface CommitteeProject {
  id: number;
  committee_id: number;
  title: string;
  detail: string;
  state: ProjectState;
  needs: { id: number; title: string; state: NeedState; community: Ref }[];
  resources: { id: number; title: string; kind: ResourceKind; state: ResourceState; organisation: Ref }[];
  project: { id: number; title: string; state: string; unit: Ref } | null;
  responsibilities: { open: number; done: number; overdue: number };
  created_at: string;
  started_at: string | null;
  done_at: string | null;
}

export interface Duty {
  id: number;
  committee_id: number;
  project: { id: number; title: string } | null;
  need: { id: number; title: string } | null;
  organisation: Ref | null;
  person: string;
  task: string;
  due_date: string;
  state: DutyState;
  overdue: boolean;
  done_at: string | null;
}
export type DutyInput = ({ project_id: number } | { need_id: number }) & {
  organisation_id?: number;
  person?: string;
  task: string;
  due_date: string;
};

export interface Match {
  needs: (Need & { candidates: number[] })[];
  resources: Resource[];
  truncated: boolean;
}

const jc = (id: number, rest = '') => `/api/v1/joint-committees/${id}${rest}`;

export const cmt = {
  /* ---- the organisation register ---- */
  organisations: (f: { unit?: number; kind?: OrgKind; q?: string } & Cursor = {}) =>
    request<Page<Organisation>>('GET', `/api/v1/organisations${query({ unit: f.unit, kind: f.kind, q: f.q, cursor: f.cursor, limit: f.limit })}`),
  createOrganisation: (o: OrganisationInput) => request<Organisation>('POST', '/api/v1/organisations', o),
  updateOrganisation: (id: number, o: OrganisationInput) => request<Organisation>('PATCH', `/api/v1/organisations/${id}`, o),
  revealOrganisation: (id: number) => request<{ phone: string | null }>('POST', `/api/v1/organisations/${id}/reveal`),

  /* ---- committees ---- */
  committees: (f: { unit?: number } & Cursor = {}) =>
    request<Page<Committee>>('GET', `/api/v1/joint-committees${query({ unit: f.unit, cursor: f.cursor, limit: f.limit })}`),
  committee: (id: number) => request<CommitteeDetail>('GET', jc(id)),
  createCommittee: (c: CommitteeInput) => request<CommitteeDetail>('POST', '/api/v1/joint-committees', c),
  updateCommittee: (id: number, c: { name?: string; secretary?: string; note?: string }) => request<CommitteeDetail>('PATCH', jc(id), c),
  addMember: (id: number, organisationId: number, role: string) =>
    request<CommitteeDetail>('POST', jc(id, '/members'), { organisation_id: organisationId, role }),
  removeMember: (id: number, organisationId: number) => request<CommitteeDetail>('DELETE', jc(id, `/members/${organisationId}`)),

  /* ---- the four lists ---- */
  needs: (id: number, f: { state?: NeedState; community_id?: number; source?: NeedSource } & Cursor = {}) =>
    request<Page<Need>>('GET', jc(id, `/needs${query({ state: f.state, community_id: f.community_id, source: f.source, cursor: f.cursor, limit: f.limit })}`)),
  createNeed: (id: number, n: NeedInput) => request<Need>('POST', jc(id, '/needs'), n),
  needState: (id: number, needId: number, state: 'met') => request<Need>('POST', jc(id, `/needs/${needId}/state`), { state }),

  resources: (id: number, f: { state?: ResourceState; kind?: ResourceKind } & Cursor = {}) =>
    request<Page<Resource>>('GET', jc(id, `/resources${query({ state: f.state, kind: f.kind, cursor: f.cursor, limit: f.limit })}`)),
  createResource: (id: number, r: ResourceInput) => request<Resource>('POST', jc(id, '/resources'), r),
  resourceState: (id: number, resourceId: number, state: 'used') =>
    request<Resource>('POST', jc(id, `/resources/${resourceId}/state`), { state }),

  projects: (id: number, f: { state?: ProjectState } & Cursor = {}) =>
    request<Page<CommitteeProject>>('GET', jc(id, `/projects${query({ state: f.state, cursor: f.cursor, limit: f.limit })}`)),
  createProject: (id: number, p: { title: string; detail?: string; need_ids: number[]; resource_ids: number[]; project_id?: number }) =>
    request<CommitteeProject>('POST', jc(id, '/projects'), p),
  projectState: (id: number, projectId: number, state: 'running' | 'done') =>
    request<CommitteeProject>('POST', jc(id, `/projects/${projectId}/state`), { state }),

  duties: (id: number, f: { state?: DutyState; overdue?: boolean } & Cursor = {}) =>
    request<Page<Duty>>('GET', jc(id, `/responsibilities${query({ state: f.state, overdue: f.overdue ? 1 : undefined, cursor: f.cursor, limit: f.limit })}`)),
  createDuty: (id: number, d: DutyInput) => request<Duty>('POST', jc(id, '/responsibilities'), d),
  dutyDone: (id: number, dutyId: number) => request<Duty>('POST', jc(id, `/responsibilities/${dutyId}/state`), { state: 'done' }),

  match: (id: number, f: { kind?: ResourceKind; community_id?: number } = {}) =>
    request<Match>('GET', jc(id, `/match${query({ kind: f.kind, community_id: f.community_id })}`)),
};

// The residents' side of public accountability: a community's public page
// (signed out: /api/v1/public/units/:code…) and the few things a signed-in
// resident does there (comment on a commitment, propose and vote in 微实事).
// Answers carry no resident's name, phone or account; money is integer fen.
//
// Requests go through api/client.ts's call(): JSON in and out, the CSRF token
// on every write, errors as ApiError with the server's stable code.
import { call } from './client';
import type { CommitmentState, ProjectState, ProjectType } from './types';

export type { CommitmentState, ProjectState, ProjectType };

/* ---- what the public endpoints answer ---- */

export interface PublicSummary {
  unit: { code: string; name: string; party_org: string | null };
  street: { code: string; name: string } | null;
  year: number;
  /** null when the community has published no list */
  commitments: Rate | null;
  projects: { count: number; by_state: Partial<Record<ProjectState, number>> };
  fund: { allocated_fen: number; spent_fen: number; balance_fen: number };
  /** the newest 微实事 round, or null */
  micro: PublicMicroRound | null;
}

export interface Rate {
  items: number;
  done: number;
  overdue?: number;
  percent: number;
}

/* in_progress → verifying (销号 asked, the street checks) → done (销号); overdue is derived */
export type CommitmentCategory = 'party_building' | 'livelihood' | 'governance' | 'services' | 'environment' | 'safety' | 'other';

export interface CommitmentComment {
  id: number;
  /** an objection says the item is "not as promised" (与承诺不符), with the reason as text */
  kind: 'comment' | 'objection';
  text: string;
  created_at: string;
  answer: { text: string; at: string } | null;
}

export interface CommitmentEvent {
  kind: 'created' | 'progress' | 'request_close' | 'verify' | 'return';
  at: string;
  percent: number | null;
  note: string | null;
  reason: string | null;
  photos: string[];
}

export interface CommitmentItem {
  id: number;
  /** the member and post the list publishes; null for the organisation as a whole */
  member: { name: string; post: string } | null;
  title: string;
  detail: string;
  category: CommitmentCategory;
  target: string;
  due_date: string;
  state: CommitmentState;
  percent: number;
  overdue: boolean;
  verified_at: string | null;
  comment_count?: number;
  objection_count?: number;
  events: CommitmentEvent[];
  comments: CommitmentComment[];
  /** the projects that serve it */
  projects: { id: number; title: string; state: ProjectState }[];
}

export interface CommitmentList {
  id: number;
  title: string;
  term_start: string;
  term_end: string;
  rate: Rate;
  items: CommitmentItem[];
}

export interface PublicCommitments {
  lists: CommitmentList[];
  rate: Rate;
}


export interface PublicHotspot {
  grid: { id: number; code?: string; name: string };
  category: { code: string; name: string };
  count: number;
  days: number;
  taken_at?: string;
}

export interface PublicProject {
  id: number;
  unit: { id: number; name: string };
  year: number;
  type: ProjectType;
  title: string;
  goal: string;
  budget_fen: number;
  spent_fen: number;
  state: ProjectState;
  percent: number;
  /** the responsible unit's name (never a person: staff names stay off the public page) */
  responsible_unit: string | { name: string } | null;
  approved_at?: string | null;
  completed_at?: string | null;
  milestones: { title: string; due_date: string; done: boolean }[];
  progress: { at: string; percent: number | null; note: string | null; photos: string[] }[];
  outcome: string | null;
  outcome_photos: string[];
  cancel_reason: string | null;
  sources: {
    appeals: { case_no: string; category: string; status: string; submitted_at: string }[];
    hotspot: PublicHotspot | null;
  };
  commitment_items: { id: number; title: string }[];
}

export interface FundEntry {
  seq: number;
  at: string;
  kind: string;
  amount_fen: number;
  project: { id: number; title: string } | null;
  note: string | null;
}

export interface PublicFund {
  year: number;
  allocated_fen: number;
  spent_fen: number;
  balance_fen: number;
  entries: FundEntry[];
}

/* upcoming → proposing → reviewing → voting → closed → published; all but the last by the clock */
export type MicroState = 'upcoming' | 'proposing' | 'reviewing' | 'voting' | 'closed' | 'published';

export interface MicroResultItem {
  id: number;
  title: string;
  cost_fen: number;
  votes: number;
  rank: number;
  chosen: boolean;
  project_id: number | null;
}

export interface MicroResults {
  ballots: number;
  published: boolean;
  published_at: string | null;
  chosen_total_fen: number;
  items: MicroResultItem[];
}

export interface MicroRoundWindows {
  id: number;
  title: string;
  description: string | null;
  budget_fen: number;
  proposal_start: string;
  proposal_end: string;
  voting_start: string;
  voting_end: string;
  state: MicroState;
  published_at: string | null;
  counts?: { proposals: number; admitted: number; ballots: number };
}

export interface PublicMicroRound extends MicroRoundWindows {
  /** admitted proposals only, at the cost the community admitted */
  proposals: { id: number; title: string; description: string; cost_fen: number; photos: string[] }[];
  /** null before the voting window closes */
  results: MicroResults | null;
}

/* What a signed-in resident of the community sees of a round (GET /micro-rounds/:id). */
export interface MicroRoundMine extends MicroRoundWindows {
  proposals: {
    id: number;
    title: string;
    description: string;
    estimate_fen: number;
    status: 'submitted' | 'admitted' | 'declined';
    cost_fen: number | null;
    decline_reason: string | null;
    created_at: string;
    mine: boolean;
  }[];
  my_ballot?: { proposal_ids: number[]; created_at: string } | null;
  can_vote?: boolean;
}

export interface NewProposal {
  title: string;
  description: string;
  estimate_fen: number;
  photos?: string[];
}

/* ---- requests ---- */

const unitPath = (code: string) => `/api/v1/public/units/${encodeURIComponent(code)}`;
const yearQ = (year?: number) => (year ? `?year=${year}` : '');

export const publicApi = {
  summary: (code: string) => call<PublicSummary>('GET', unitPath(code)),
  commitments: (code: string) => call<PublicCommitments>('GET', `${unitPath(code)}/commitments`),
  projects: (code: string, year?: number) =>
    call<{ year: number; items: PublicProject[] }>('GET', `${unitPath(code)}/projects${yearQ(year)}`),
  fund: (code: string, year?: number) => call<PublicFund>('GET', `${unitPath(code)}/fund${yearQ(year)}`),
  /** The community of a station's QR code. */
  station: (code: string) =>
    call<{ station: { name: string }; community: { code: string; name: string } | null }>(
      'GET',
      `/api/v1/public/stations/${encodeURIComponent(code)}`,
    ),
  micro: (code: string) => call<{ rounds: PublicMicroRound[] }>('GET', `${unitPath(code)}/micro`),

  /* ---- signed in: a resident of the community ---- */
  comment: (itemId: number, kind: 'comment' | 'objection', text: string) =>
    call<{ id: number }>('POST', `/api/v1/commitments/${itemId}/comments`, { kind, text }),
  microRound: (id: number) => call<MicroRoundMine>('GET', `/api/v1/micro-rounds/${id}`),
  propose: (roundId: number, p: NewProposal) =>
    call<{ id: number; status: string }>('POST', `/api/v1/micro-rounds/${roundId}/proposals`, p),
  vote: (roundId: number, proposalIds: number[]) =>
    call<{ id: number; proposal_ids: number[]; total_fen: number }>('POST', `/api/v1/micro-rounds/${roundId}/ballots`, {
      proposal_ids: proposalIds,
    }),
};

// Matters (议题) in public: a community's list of matters and one matter's
// whole thread — where it came from (appeals, a hotspot), the meetings that
// deliberated it with their votes, the resolution and its disclosure period
// with residents' objections, the project that carries it out, what the fund
// spent on it and the commitment item it serves. No sign-in to read; a
// resident of the community may object while the resolution is disclosed.
// Answers carry no resident's or representative's name, phone or account:
// representatives appear as counts by kind, appointees by their role only.
//
// Requests go through api/client.ts's call(): JSON in and out, the CSRF token
// on every write, errors as ApiError with the server's stable code.
import { call } from './client';
import type { FundEntry, PublicHotspot, PublicProject } from './public';

/* ---- codes ---- */

/* 一事一议, 听证会, 协调会, 议事会, 家园议事会, 大党委联席会议, and the four of 四议两公开 */
export type MeetingType =
  | 'yishi_yiyi'
  | 'hearing'
  | 'coordination'
  | 'council'
  | 'homeland_council'
  | 'joint_committee'
  | 'party_org'
  | 'two_committees'
  | 'party_members'
  | 'residents';

export type RepresentativeKind =
  | 'building_leader'
  | 'party_member'
  | 'resident'
  | 'owner'
  | 'women'
  | 'volunteer'
  | 'organisation'
  | 'committee_member';

export type MeetingState = 'scheduled' | 'held' | 'closed' | 'cancelled';

/* 四议两公开, in order */
export type MatterStep = 'propose' | 'deliberate' | 'review' | 'decide' | 'publish_resolution' | 'implement' | 'publish_result';
export const MATTER_STEPS: MatterStep[] = ['propose', 'deliberate', 'review', 'decide', 'publish_resolution', 'implement', 'publish_result'];

/* ---- what the public endpoints answer ---- */

export interface ThreadProposal {
  title: string;
  for: number;
  against: number;
  abstain: number;
  passed: boolean;
  adopted: boolean;
}

export interface ThreadMeeting {
  id: number;
  type: MeetingType;
  title: string;
  starts_at: string;
  place: string | null;
  state: MeetingState;
  /** the invited representatives as counts by kind */
  invited: Partial<Record<RepresentativeKind, number>>;
  present: number;
  quorate: boolean;
  proposals: ThreadProposal[];
  resolution: { text: string; appointees: { role: string }[]; photos: string[] } | null;
}

export interface MatterObjection {
  id: number;
  text: string;
  created_at: string;
  answer: { text: string; at: string } | null;
}

export interface Disclosure {
  published_at: string;
  days: number;
  /** the last Shanghai day residents may object on */
  ends_on: string;
  /** whether residents may object now, by the server's clock */
  open: boolean;
  objections: MatterObjection[];
}

export interface MatterListItem {
  id: number;
  title: string;
  category: string;
  major: boolean;
  state: string;
  created_at: string;
  /** the steps done, in order */
  steps_done: MatterStep[];
}

export interface MatterThread {
  id: number;
  unit: { code: string; name: string };
  title: string;
  description: string;
  category: string;
  major: boolean;
  amount_fen: number | null;
  state: string;
  created_at: string;
  source: { kind: string; appeals: PublicProject['sources']['appeals']; hotspot: PublicHotspot | null };
  steps: { step: MatterStep; at: string; meeting_id: number | null }[];
  meetings: ThreadMeeting[];
  disclosure: Disclosure | null;
  project: PublicProject | null;
  fund: { spent_fen: number; entries: FundEntry[] } | null;
  commitment_items: { id: number; title: string }[];
}

/* ---- requests ---- */

export const mattersApi = {
  list: (code: string) =>
    call<{ items: MatterListItem[] }>('GET', `/api/v1/public/units/${encodeURIComponent(code)}/matters`).then((r) => r.items),
  thread: (id: number) => call<MatterThread>('GET', `/api/v1/matters/${id}/thread`),
  /* signed in: a resident of the matter's community, during the disclosure period */
  object: (id: number, text: string) => call<{ id: number }>('POST', `/api/v1/matters/${id}/objections`, { text }),
};

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

/* An objection as the public sees it: never who wrote it. */
export interface MatterObjection {
  text: string;
  created_at: string;
  answer: string | null;
  answered_at: string | null;
}

/* The resolution published for residents to object to (决议公开). */
export interface Disclosure {
  /** the resolution as published */
  text: string;
  published_at: string;
  days: number;
  /** the last Shanghai day residents may object on (through its end) */
  ends_on: string;
  /** 00:00 Shanghai of the day after ends_on: from then on the matter may be carried out */
  implement_from: string;
  /** whether residents may object now, by the server's clock */
  open: boolean;
  objections: MatterObjection[];
}

/* new → proposed → deliberated → reviewed → decided → disclosing → implementing → done */
export type MatterState = 'new' | 'proposed' | 'deliberated' | 'reviewed' | 'decided' | 'disclosing' | 'implementing' | 'done';
export type MatterCategory = 'spending' | 'land' | 'facility' | 'other';
export type MatterSourceKind = 'resident' | 'hotspot' | 'appeals' | 'staff';

export interface MatterListItem {
  id: number;
  title: string;
  category: MatterCategory;
  amount_fen: number;
  major: boolean;
  state: MatterState;
  /** the step the procedure expects next; null when done */
  next_step: MatterStep | null;
  created_at: string;
  updated_at: string;
  disclosure: { ends_on: string; open: boolean } | null;
}

export interface MatterThread {
  matter: {
    id: number;
    unit: { code: string; name: string };
    street: { code: string; name: string } | null;
    title: string;
    description: string;
    category: MatterCategory;
    amount_fen: number;
    major: boolean;
    state: MatterState;
    next_step: MatterStep | null;
    created_at: string;
  };
  sources: {
    kind: MatterSourceKind;
    /** what was proposed (never by whom) */
    note: string;
    appeals: { case_no: string; category: string; status: string; submitted_at: string; closed_at: string | null }[];
    hotspot: PublicHotspot | null;
  };
  /** the steps done, in procedure order; text: the staff's note */
  steps: { step: MatterStep; done_at: string; meeting_id: number | null; text: string }[];
  /** oldest first */
  meetings: ThreadMeeting[];
  disclosure: Disclosure | null;
  /** the project carrying it out, as the community page shows it */
  project: PublicProject | null;
  /** null without a project */
  fund: { spent_fen: number; entries: FundEntry[] } | null;
  commitment_items: { id: number; title: string }[];
  result: { text: string; published_at: string } | null;
}

/* ---- requests ---- */

export const mattersApi = {
  list: (code: string) =>
    call<{ unit: { code: string; name: string }; items: MatterListItem[] }>('GET', `/api/v1/public/units/${encodeURIComponent(code)}/matters`).then(
      (r) => r.items,
    ),
  thread: (id: number) => call<MatterThread>('GET', `/api/v1/matters/${id}/thread`),
  /* signed in: a resident of the matter's community, during the disclosure period */
  object: (id: number, text: string) => call<MatterObjection & { id: number }>('POST', `/api/v1/matters/${id}/objections`, { text }),
};

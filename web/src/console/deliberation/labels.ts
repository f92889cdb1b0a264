// The words and arithmetic of deliberation (议事协商) shared by its pages:
// meeting types, representative kinds, the 四议两公开 steps in order, state
// tag colours, and the quorum / passing rule the server applies (shown live
// while votes are entered; the server's answer is what counts).
import type { ProjectType, Unit, User } from '../../api/types';
import { todayShanghai, addDays } from '../../shared/shanghai';

type TagType = 'primary' | 'success' | 'warning' | 'danger' | 'info';

/* Meeting types, the four of 四议两公开 last, in their order. */
export const MEETING_TYPES = [
  'yishi_yiyi', 'hearing', 'coordination', 'council', 'homeland_council', 'joint_committee',
  'party_org', 'two_committees', 'party_members', 'residents',
] as const;
export type MeetingType = (typeof MEETING_TYPES)[number];

export const REP_KINDS = [
  'building_leader', 'party_member', 'resident', 'owner', 'women', 'volunteer', 'organisation', 'committee_member',
] as const;
export type RepKind = (typeof REP_KINDS)[number];

export const MEETING_STATES = ['scheduled', 'held', 'closed', 'cancelled'] as const;
export type MeetingState = (typeof MEETING_STATES)[number];

/* The seven steps of 四议两公开 in order, and the meeting type each needs (null: no meeting). */
export const STEPS = ['propose', 'deliberate', 'review', 'decide', 'publish_resolution', 'implement', 'publish_result'] as const;
export type Step = (typeof STEPS)[number];
export const STEP_MEETING: Record<Step, MeetingType | null> = {
  propose: 'party_org',
  deliberate: 'two_committees',
  review: 'party_members',
  decide: 'residents',
  publish_resolution: null,
  implement: null,
  publish_result: null,
};
/* The steps of a matter that is not major: straight to the decision. */
export const MINOR_STEPS: readonly Step[] = ['decide', 'publish_resolution', 'implement', 'publish_result'];
/* Meeting types a non-major matter may decide in (any but the first three of 四议两公开). */
export const MINOR_DECIDE_TYPES = MEETING_TYPES.filter((x) => x !== 'party_org' && x !== 'two_committees' && x !== 'party_members');

/* The meeting types that can carry a step, for a major or a minor matter. */
export function typesForStep(step: Step, major: boolean): readonly MeetingType[] {
  const t = STEP_MEETING[step];
  if (!t) return [];
  return major || step !== 'decide' ? [t] : MINOR_DECIDE_TYPES;
}

export function meetingTag(s: string): TagType {
  if (s === 'closed') return 'success';
  if (s === 'held') return 'warning';
  if (s === 'cancelled') return 'info';
  return 'primary';
}

export const VOTES = ['for', 'against', 'abstain'] as const;
export type Vote = (typeof VOTES)[number];

/* quorate when present·100 > quorum_pct·invited. */
export const quorate = (present: number, invited: number, quorumPct: number) => present * 100 > quorumPct * invited;
/* A proposal passes when the meeting is quorate and for·100 > pass_pct·present. */
export const passes = (votesFor: number, present: number, passPct: number, isQuorate: boolean) =>
  isQuorate && votesFor * 100 > passPct * present;
/* The least number present for a quorum, and the least number of "for" votes to pass. */
export const quorumNeeds = (invited: number, quorumPct: number) => Math.floor((quorumPct * invited) / 100) + 1;
export const passNeeds = (present: number, passPct: number) => Math.floor((passPct * present) / 100) + 1;

/* Whole days from the Shanghai day of now to date (a "YYYY-MM-DD"), negative once past. */
export function daysUntil(date: string, now: number): number {
  const a = Date.parse(`${todayShanghai(now)}T00:00:00Z`);
  const b = Date.parse(`${date}T00:00:00Z`);
  return Math.round((b - a) / 86400e3);
}

/* The day after date. */
export const dayAfter = (date: string) => addDays(date, 1);

/* The Shanghai year of an instant (epoch ms). */
export const yearOf = (now: number) => Number(todayShanghai(now).slice(0, 4));

/* A matter's categories; land and public facilities can make a matter major (a community's setting). */
export const MATTER_CATEGORIES = ['spending', 'land', 'facility', 'other'] as const;
export const MATTER_STATES = ['new', 'proposed', 'deliberated', 'reviewed', 'decided', 'disclosing', 'implementing', 'done'] as const;
export const SOURCE_KINDS = ['appeals', 'hotspot', 'resident', 'staff'] as const;

export function matterTag(s: string): TagType {
  if (s === 'done') return 'success';
  if (s === 'disclosing') return 'warning';
  if (s === 'implementing' || s === 'decided') return 'primary';
  return 'info';
}

/* The unit whose roster, meetings and matters an account works on first: its own community or street. */
export function ownRosterUnit(u: User | null | undefined): Unit | null {
  return u?.unit && (u.unit.kind === 'community' || u.unit.kind === 'street') ? u.unit : null;
}

/* A project to create, as its form holds it (budget in yuan as typed). */
export interface NewProject {
  title: string;
  type: ProjectType;
  budget: string;
  goal: string;
}
export const blankProject = (title = ''): NewProject => ({ title, type: 'other', budget: '', goal: '' });

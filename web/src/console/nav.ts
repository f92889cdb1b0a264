// The console's pages and the permission key each needs: the menu shows only
// what the signed-in account may open, and the router sends an account that
// opens a page it may not use to the first one it may (三员分立: the auditor
// sees the audit log and nothing else, the administrators no appeal pages).
import type { User } from '../api/types';

export interface NavItem {
  path: string;
  label: string; // i18n key
  perm: string; // "a|b": either opens it
}

export const NAV: NavItem[] = [
  { path: '/', label: 'console.nav.home', perm: 'stats:read' },
  { path: '/queue', label: 'console.nav.queue', perm: 'appeal:read' },
  { path: '/map', label: 'console.nav.map', perm: 'appeal:read' },
  { path: '/qr', label: 'console.nav.qr', perm: 'org:read' },
  { path: '/org', label: 'console.nav.org', perm: 'org:read' },
  { path: '/registrations', label: 'console.nav.registrations', perm: 'resident:write' },
  { path: '/venues', label: 'console.nav.venues', perm: 'venue:write' },
  { path: '/bookings', label: 'console.nav.bookings', perm: 'booking:manage' },
  { path: '/activities', label: 'console.nav.activities', perm: 'activity:manage' },
  { path: '/applications', label: 'console.nav.applications', perm: 'service:handle' },
  { path: '/service-items', label: 'console.nav.serviceItems', perm: 'service:catalogue' },
  // meal assistance (助餐)
  { path: '/meal-points', label: 'console.meals.nav.points', perm: 'meal:manage' },
  { path: '/meal-enrolments', label: 'console.meals.nav.enrolments', perm: 'meal:manage' },
  { path: '/meal-apply', label: 'console.meals.nav.apply', perm: 'meal:apply' },
  { path: '/meal-orders', label: 'console.meals.nav.orders', perm: 'meal:manage' },
  { path: '/meal-statement', label: 'console.meals.nav.statement', perm: 'meal:manage' },
  { path: '/meal-coverage', label: 'console.meals.nav.coverage', perm: 'stats:read' },
  { path: '/my-deliveries', label: 'console.meals.nav.deliveries', perm: 'meal:deliver' },
  // public accountability: commitments (承诺清单), projects, the fund, 微实事
  { path: '/commitments', label: 'console.acc.nav.commitments', perm: 'commitment:write|commitment:verify' },
  { path: '/supervision', label: 'console.acc.nav.supervision', perm: 'commitment:verify' },
  { path: '/projects', label: 'console.acc.nav.projects', perm: 'project:write|project:approve' },
  { path: '/fund', label: 'console.acc.nav.fund', perm: 'fund:read' },
  { path: '/micro', label: 'console.acc.nav.micro', perm: 'micro:manage' },
  // deliberation (议事协商): matters and 四议两公开, meetings, the roster, settings, the yearly review
  { path: '/matters', label: 'console.delib.nav.matters', perm: 'deliberation:write' },
  { path: '/meetings', label: 'console.delib.nav.meetings', perm: 'deliberation:write' },
  { path: '/roster', label: 'console.delib.nav.roster', perm: 'deliberation:write' },
  { path: '/deliberation-review', label: 'console.delib.nav.review', perm: 'deliberation:write' },
  { path: '/deliberation-settings', label: 'console.delib.nav.settings', perm: 'deliberation:write' },
  // area joint committees (片区型大党委): the committees and their four lists, the organisation register
  { path: '/committees', label: 'console.committees.nav.committees', perm: 'committee:write' },
  { path: '/organisations', label: 'console.committees.nav.organisations', perm: 'committee:write' },
  { path: '/accounts', label: 'console.nav.accounts', perm: 'account:read' },
  { path: '/audit', label: 'console.nav.audit', perm: 'audit:read' },
];

/* May u use what perm guards? perm "a|b" asks for either key. */
export const can = (u: User | null | undefined, perm: string | undefined) =>
  !perm || perm.split('|').some((p) => !!u?.permissions.includes(p));

/* The menu items of an account. */
export const navFor = (u: User | null | undefined) => NAV.filter((n) => can(u, n.perm));

/* Where an account lands when it may not open the home page: its main work first. */
const LANDING = ['/', '/queue', '/accounts', '/audit', '/my-deliveries', '/org', '/map', '/qr'];
export const landingFor = (u: User | null | undefined) =>
  LANDING.map((p) => NAV.find((n) => n.path === p)!).find((n) => can(u, n.perm))?.path ?? null;

/* The menu item a path belongs to ('/appeal/7' → '/queue'). */
export function navOf(path: string): string {
  if (path.startsWith('/appeal')) return '/queue';
  if (path.startsWith('/commitment-items')) return '/commitments';
  // whole segments only: '/organisations' is not under '/org'
  const hit = NAV.filter((n) => n.path !== '/' && (path === n.path || path.startsWith(`${n.path}/`)));
  return hit.length ? hit[0].path : '/';
}

// Display helpers of the joint-committee pages: the fixed kinds and states in
// the server's order, their tag colours, and which units an account may keep
// organisations and committees at (a street or the district in its subtree).
import { api } from '../../api/client';
import type { Unit, User } from '../../api/types';
import { fetchAll } from '../../shared/usePagedList';
import type { NeedState, OrgKind, ProjectState, ResourceKind, ResourceState } from './api';

type TagType = 'primary' | 'success' | 'warning' | 'danger' | 'info';

export const ORG_KINDS: OrgKind[] = ['gov', 'resident_unit', 'enterprise', 'social_org', 'school', 'other'];
export const NEED_SOURCES = ['resident', 'appeal', 'hotspot', 'visit'] as const;
export const NEED_STATES: NeedState[] = ['open', 'matched', 'met'];
export const RESOURCE_KINDS: ResourceKind[] = ['room', 'volunteers', 'money', 'skills', 'equipment'];
export const RESOURCE_STATES: ResourceState[] = ['available', 'committed', 'used'];
export const PROJECT_STATES: ProjectState[] = ['planned', 'running', 'done'];

export function needTag(s: NeedState): TagType {
  return s === 'met' ? 'success' : s === 'matched' ? 'primary' : 'warning';
}
export function resourceTag(s: ResourceState): TagType {
  return s === 'used' ? 'info' : s === 'committed' ? 'primary' : 'success';
}
export function projectTag(s: ProjectState): TagType {
  return s === 'done' ? 'success' : s === 'running' ? 'primary' : 'info';
}

/* Organisations and committees are kept by a street or the district. */
export const keepsRegister = (u: User | null | undefined) => u?.unit?.kind === 'street' || u?.unit?.kind === 'district';

/*
 * May the account change what a street or the district keeps? Only units of
 * those two kinds keep organisations, so a street's staff keep their own
 * street's and the district's staff everything.
 */
export function mayKeep(u: User | null | undefined, keeper: { id: number }): boolean {
  if (u?.unit?.kind === 'district') return true;
  return u?.unit?.kind === 'street' && u.unit.id === keeper.id;
}

/* The units the account may keep things at: its own street, or the district and its streets. */
export async function keepingUnits(u: User | null | undefined): Promise<Unit[]> {
  if (!u?.unit || !keepsRegister(u)) return [];
  if (u.unit.kind === 'street') return [u.unit];
  const streets = await fetchAll((cursor) => api.units({ unit: u.unit!.id, kind: 'street', cursor, limit: 200 }), 5);
  return [u.unit, ...streets];
}

/* A resource's size: "1 间", or the money in yuan. */
export function resourceSize(r: { quantity: number | null; quantity_unit: string; amount_fen: number | null }, money: (fen: number) => string): string {
  if (r.amount_fen !== null && r.amount_fen !== undefined) return `¥${money(r.amount_fen)}`;
  return r.quantity !== null && r.quantity !== undefined ? `${r.quantity} ${r.quantity_unit}` : '—';
}

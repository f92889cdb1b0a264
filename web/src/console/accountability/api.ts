// The staff console's client for public accountability: term-commitment lists
// (承诺清单), projects, the community service fund and 微实事. Every URL of
// these pages is written here (the endpoints are in docs/API.md).
import type { Page } from '../../api/types';
import type {
  CommitmentAction,
  CommitmentItem,
  CommitmentItemDetail,
  CommitmentItemInput,
  CommitmentList,
  CommitmentRateRow,
  CommitmentStatus,
} from '../../api/types';
import { query, request } from './request';

type Cursor = { cursor?: string | null; limit?: number };

export const acc = {
  /* ---- commitments (承诺清单) ---- */
  commitmentLists: (f: { unit?: number } & Cursor = {}) =>
    request<Page<CommitmentList>>('GET', `/api/v1/commitment-lists${query({ unit: f.unit, cursor: f.cursor, limit: f.limit })}`),
  createCommitmentList: (l: { unit_id: number; term_start: string; term_end: string; title: string }) =>
    request<{ id: number }>('POST', '/api/v1/commitment-lists', l),
  commitmentItems: (
    f: { list?: number; unit?: number; status?: CommitmentStatus; overdue?: boolean; supervision?: boolean } & Cursor = {},
  ) =>
    request<Page<CommitmentItem>>(
      'GET',
      `/api/v1/commitments${query({
        list: f.list,
        unit: f.unit,
        status: f.status,
        overdue: f.overdue ? 1 : undefined,
        supervision: f.supervision ? 1 : undefined,
        cursor: f.cursor,
        limit: f.limit,
      })}`,
    ),
  createCommitmentItem: (listId: number, i: CommitmentItemInput) =>
    request<{ id: number }>('POST', `/api/v1/commitment-lists/${listId}/items`, i),
  commitmentItem: (id: number) => request<CommitmentItemDetail>('GET', `/api/v1/commitments/${id}`),
  commitmentProgress: (id: number, p: { percent: number; note: string; photos: string[] }) =>
    request<{ id: number; percent: number }>('POST', `/api/v1/commitments/${id}/progress`, p),
  commitmentAction: (id: number, action: CommitmentAction, f: { note?: string; reason?: string; photos?: string[] } = {}) =>
    request<{ id: number; status: CommitmentStatus }>('POST', `/api/v1/commitments/${id}/actions`, { action, ...f }),
  commitmentRates: (f: { unit?: number } = {}) =>
    request<{ unit: { id: number; name: string }; rate: CommitmentRateRow['rate']; items: CommitmentRateRow[] }>(
      'GET',
      `/api/v1/commitments/rates${query({ unit: f.unit })}`,
    ),
  answerComment: (id: number, answer: string) =>
    request<{ id: number }>('POST', `/api/v1/commitment-comments/${id}/answer`, { answer }),
};

// The staff console's client for public accountability: term-commitment lists
// (承诺清单), projects, the community service fund and 微实事. Every URL of
// these pages is written here (the endpoints are in docs/API.md).
import type { Page } from '../../api/types';
import type {
  CommitmentAction,
  CommitmentCommentRow,
  CommitmentItem,
  CommitmentItemDetail,
  CommitmentItemInput,
  CommitmentList,
  CommitmentRates,
  CommitmentState,
  FundCoverage,
  FundEntry,
  FundEntryKind,
  FundSpend,
  FundSpendState,
  MicroProposalStatus,
  MicroResults,
  MicroRound,
  MicroRoundDetail,
  MicroRoundState,
  Project,
  ProjectAction,
  ProjectDetail,
  ProjectInput,
  ProjectSources,
  ProjectState,
  ProjectType,
} from '../../api/types';
import { call as request, q as query } from '../../api/client';

type Cursor = { cursor?: string | null; limit?: number };

export const acc = {
  /* ---- commitments (承诺清单) ---- */
  commitmentLists: (f: { unit?: number } & Cursor = {}) =>
    request<Page<CommitmentList>>('GET', `/api/v1/commitment-lists${query({ unit: f.unit, cursor: f.cursor, limit: f.limit })}`),
  createCommitmentList: (l: { unit_id: number; term_start: string; term_end: string; title: string }) =>
    request<{ id: number }>('POST', '/api/v1/commitment-lists', l),
  commitmentItems: (
    f: { list?: number; unit?: number; state?: CommitmentState; overdue?: boolean; supervision?: boolean } & Cursor = {},
  ) =>
    request<Page<CommitmentItem>>(
      'GET',
      `/api/v1/commitments${query({
        list: f.list,
        unit: f.unit,
        state: f.state,
        overdue: f.overdue ? 1 : undefined,
        supervision: f.supervision ? 1 : undefined,
        cursor: f.cursor,
        limit: f.limit,
      })}`,
    ),
  createCommitmentItem: (listId: number, i: CommitmentItemInput) =>
    request<{ id: number; state: CommitmentState }>('POST', `/api/v1/commitment-lists/${listId}/items`, i),
  commitmentItem: (id: number) => request<CommitmentItemDetail>('GET', `/api/v1/commitments/${id}`),
  commitmentProgress: (id: number, p: { percent: number; note: string; photos: string[] }) =>
    request<{ event_id: number; state: CommitmentState; percent: number }>('POST', `/api/v1/commitments/${id}/progress`, p),
  commitmentAction: (id: number, action: CommitmentAction, f: { note?: string; reason?: string; evidence_photos?: string[] } = {}) =>
    request<{ id: number; state: CommitmentState; event_id: number }>('POST', `/api/v1/commitments/${id}/actions`, { action, ...f }),
  commitmentRates: (f: { unit?: number } = {}) =>
    request<CommitmentRates>(
      'GET',
      `/api/v1/commitments/rates${query({ unit: f.unit })}`,
    ),
  commitmentComments: (f: { unit?: number; kind?: 'comment' | 'objection'; unanswered?: boolean } & Cursor = {}) =>
    request<Page<CommitmentCommentRow>>(
      'GET',
      `/api/v1/commitment-comments${query({ unit: f.unit, kind: f.kind, unanswered: f.unanswered ? 1 : undefined, cursor: f.cursor, limit: f.limit })}`,
    ),
  answerComment: (id: number, answer: string) =>
    request<{ id: number }>('POST', `/api/v1/commitment-comments/${id}/answer`, { text: answer }),

  /* ---- projects ---- */
  projects: (
    f: { unit?: number; year?: number; type?: ProjectType; state?: ProjectState; item?: number; appeal?: number } & Cursor = {},
  ) =>
    request<Page<Project>>(
      'GET',
      `/api/v1/projects${query({ unit: f.unit, year: f.year, type: f.type, state: f.state, item: f.item, appeal: f.appeal, cursor: f.cursor, limit: f.limit })}`,
    ),
  project: (id: number) => request<ProjectDetail>('GET', `/api/v1/projects/${id}`),
  createProject: (p: ProjectInput) => request<ProjectDetail>('POST', '/api/v1/projects', p),
  projectAction: (
    id: number,
    action: ProjectAction,
    f: { note?: string; percent?: number; photos?: string[]; milestone_id?: number; outcome?: string; reason?: string } = {},
  ) => request<ProjectDetail>('POST', `/api/v1/projects/${id}/actions`, { action, ...f }),
  projectSources: (id: number, s: ProjectSources) => request<ProjectDetail>('POST', `/api/v1/projects/${id}/sources`, s),

  /* ---- the community service fund (为民服务专项经费) ---- */
  fundCoverage: (f: { year?: number; unit?: number } = {}) =>
    request<FundCoverage>('GET', `/api/v1/fund/coverage${query({ year: f.year, unit: f.unit })}`),
  allocate: (a: { unit_id: number; year: number; amount_fen: number; note?: string }) =>
    request<FundEntry>('POST', '/api/v1/fund/allocations', a),
  spend: (s: { project_id: number; amount_fen: number; note: string } | { project_id: number; meal_point_id: number; month: string; note?: string }) =>
    request<FundSpend>('POST', '/api/v1/fund/spends', s),
  spends: (f: { unit?: number; state?: FundSpendState; year?: number } & Cursor = {}) =>
    request<Page<FundSpend>>('GET', `/api/v1/fund/spends${query({ unit: f.unit, state: f.state, year: f.year, cursor: f.cursor, limit: f.limit })}`),
  spendAction: (id: number, action: 'approve' | 'reject', reason?: string) =>
    request<FundSpend>('POST', `/api/v1/fund/spends/${id}/actions`, reason ? { action, reason } : { action }),
  refund: (r: { entry_seq: number; amount_fen: number; note: string }) => request<FundEntry>('POST', '/api/v1/fund/refunds', r),
  ledger: (f: { unit?: number; year?: number; kind?: FundEntryKind } & Cursor = {}) =>
    request<Page<FundEntry>>('GET', `/api/v1/fund/ledger${query({ unit: f.unit, year: f.year, kind: f.kind, cursor: f.cursor, limit: f.limit })}`),
  ledgerXlsxUrl: (f: { unit?: number; year?: number } = {}) => `/api/v1/fund/ledger.xlsx${query({ unit: f.unit, year: f.year })}`,

  /* ---- 微实事 ---- */
  microRounds: (f: { unit?: number } & Cursor = {}) =>
    request<Page<MicroRound>>('GET', `/api/v1/micro-rounds${query({ unit: f.unit, cursor: f.cursor, limit: f.limit })}`),
  microRound: (id: number) => request<MicroRoundDetail>('GET', `/api/v1/micro-rounds/${id}`),
  createMicroRound: (r: {
    unit_id: number;
    title: string;
    budget_fen: number;
    proposal_start: string;
    proposal_end: string;
    voting_start: string;
    voting_end: string;
    description?: string;
  }) => request<{ id: number; state: MicroRoundState }>('POST', '/api/v1/micro-rounds', r),
  microDecide: (id: number, d: { action: 'admit'; cost_fen: number } | { action: 'decline'; reason: string }) =>
    request<{ id: number; status: MicroProposalStatus; cost_fen: number | null; decline_reason: string | null }>(
      'POST',
      `/api/v1/micro-proposals/${id}/actions`,
      d,
    ),
  microResults: (id: number) => request<MicroResults>('GET', `/api/v1/micro-rounds/${id}/results`),
  microPublish: (id: number) => request<MicroResults>('POST', `/api/v1/micro-rounds/${id}/actions`, { action: 'publish' }),
};

import { defineQuery, defineUpdate } from '@temporalio/workflow';

import type { Actor, FreeText } from '../../domain/events.js';
import type { StatementAck } from './messages.js';

/**
 * Messages of the market engagement, approval and publication stages, shared by the workflow
 * and its clients. Kept beside messages.ts so each stage's messages stay in one place.
 */

/** What the workflow keeps about these stages: ids, versions, hashes and organisation ids. */
export interface MarketProcessState {
  consultationNoticeStarted: boolean;
  summary: { summaryId: string; summaryHash: string } | null;
  text: { version: number; textHash: string } | null;
  /** Confirmed participants when approval opened: who must approve. */
  approvers: string[];
  /** Decisions on the current text version. */
  decisions: Record<string, 'approved' | 'changes_requested'>;
  /** The deadline (ms) for which the lead was told that approvals are missing. */
  deadlineNoticeFor: number | null;
  proceedRequested: boolean;
  publication: { publicationId: string; version: number } | null;
  signatories: string[];
  signatoryRequests: string[];
  /** Late signatories accepted but not yet published as a new version. */
  acceptedLate: string[];
}

export function initialMarketState(): MarketProcessState {
  return {
    consultationNoticeStarted: false,
    summary: null,
    text: null,
    approvers: [],
    decisions: {},
    deadlineNoticeFor: null,
    proceedRequested: false,
    publication: null,
    signatories: [],
    signatoryRequests: [],
    acceptedLate: [],
  };
}

export interface ReviseStatementTextRequest {
  actor: Actor;
  /** Hash of the text stored as a draft by the API; the activity turns it into the next version. */
  textHash: string;
  /** Optimistic concurrency: the version the lead edited. */
  expectedVersion: number;
}

export interface DecideApprovalRequest {
  actor: Actor;
  version: number;
  decision: 'approve' | 'request_changes';
  /** What should change: its id and hash (kept in PostgreSQL), or the text itself in older runs. */
  comment?: FreeText;
}

export interface ProceedWithoutMissingRequest {
  actor: Actor;
}

export interface RequestToSignRequest {
  actor: Actor;
}

export interface DecideSignatoryRequest {
  actor: Actor;
  orgId: string;
  accept: boolean;
}

export interface MarketLiveState {
  summary: MarketProcessState['summary'];
  text: MarketProcessState['text'];
  approvers: string[];
  decisions: Record<string, 'approved' | 'changes_requested'>;
  publication: MarketProcessState['publication'];
  signatories: string[];
  signatoryRequests: string[];
}

export const reviseStatementTextUpdate = defineUpdate<
  StatementAck & { textVersion: number },
  [ReviseStatementTextRequest]
>('reviseStatementText');
export const decideApprovalUpdate = defineUpdate<StatementAck & { textVersion: number }, [DecideApprovalRequest]>(
  'decideApproval',
);
export const proceedWithoutMissingUpdate = defineUpdate<StatementAck, [ProceedWithoutMissingRequest]>(
  'proceedWithoutMissing',
);
export const requestToSignUpdate = defineUpdate<StatementAck, [RequestToSignRequest]>('requestToSign');
export const decideSignatoryUpdate = defineUpdate<
  StatementAck & { publicationVersion: number | null },
  [DecideSignatoryRequest]
>('decideSignatory');
export const marketStateQuery = defineQuery<MarketLiveState>('marketState');

export const supplierFanoutWorkflowType = 'supplierFanoutWorkflow';
export const supplierFanoutWorkflowId = (noticeId: string): string => `supplier-fanout-${noticeId}`;

import type { Actor } from './events.js';

/**
 * Events of the market engagement, approval and publication stages. Like statement events,
 * each is written by one activity with its read model, audit row and e-mail in one
 * transaction, keyed by `eventKey`; they carry ids, versions and hashes, never documents.
 */
export type MarketEventBody =
  | { kind: 'consultation_opened'; noticeId: string }
  | { kind: 'approval_opened'; version: number; deadline: string; approverOrgIds: string[] }
  | {
      kind: 'statement_text_revised';
      version: number;
      textHash: string;
      approverOrgIds: string[];
      deadline: string | null;
    }
  | {
      kind: 'approval_decided';
      orgId: string;
      version: number;
      decision: 'approved' | 'changes_requested';
      comment: string | null;
    }
  | { kind: 'approval_deadline_passed'; version: number; missingOrgIds: string[] }
  | { kind: 'proceed_without_missing'; version: number; missingOrgIds: string[] }
  | {
      kind: 'statement_published';
      publicationId: string;
      version: number;
      textVersion: number;
      signatoryOrgIds: string[];
      /** Signatories added by this version (all of them in version 1). */
      newOrgIds: string[];
      late: boolean;
    }
  | { kind: 'signatory_requested'; orgId: string }
  | { kind: 'signatory_decided'; orgId: string; accepted: boolean };

export type MarketEvent = MarketEventBody & { eventKey: string; statementId: string; actor: Actor | null; at: string };

/** What a fan-out to suppliers is about. */
export type SupplierNoticeKind = 'consultation' | 'answer' | 'publication';

export interface SupplierFanoutInput {
  /** Unique per notice: the outbox keys are `supplier-notice:${noticeId}:${userId}`. */
  noticeId: string;
  statementId: string;
  kind: SupplierNoticeKind;
  /** The publication (kind publication) or question number (kind answer) it announces. */
  ref: string | null;
  /** Keyset cursor: the last supplier user already queued. */
  afterUserId: string | null;
  queued: number;
  sent: number;
}

export const supplierNoticeKeyPrefix = (noticeId: string): string => `supplier-notice:${noticeId}:`;

import { z } from 'zod';

import { approvalChoices, maxApprovalCommentLength } from '../../rules/approval.js';
import { stages } from '../../rules/stages.js';
import { text } from '../../rules/text-policy.js';

/**
 * Response shapes of the approval of the statement text and of the signatories: the services
 * build them, the API documents them from these same schemas. The published statement and the
 * list of published statements are public documents (`domain/public-contracts.ts`).
 */
const approvalDecisions = ['approved', 'changes_requested'] as const;

export const statementTextViewSchema = z
  .object({
    version: z.int(),
    text: z.string(),
    textHash: z.string(),
    locale: z.string(),
    createdAt: z.string(),
    versions: z.array(
      z.object({
        version: z.int(),
        textHash: z.string(),
        createdAt: z.string(),
        drafted: z.boolean().meta({ description: 'Drafted by the system (not edited by the lead)' }),
      }),
    ),
    approvers: z
      .array(
        z.object({
          organisationId: z.uuid(),
          name: z.string(),
          country: z.string(),
          decision: z.enum(approvalDecisions).nullable(),
        }),
      )
      .meta({ description: 'Who approves the current version, and what they decided on it' }),
    decisions: z.array(
      z.object({
        version: z.int(),
        organisationId: z.uuid(),
        name: z.string(),
        decision: z.enum(approvalDecisions),
        comment: z.string().nullable(),
        at: z.string(),
      }),
    ),
  })
  .meta({ id: 'StatementText' });

export const textRevisedSchema = z
  .object({ version: z.int(), textHash: z.string(), stage: z.enum(stages) })
  .meta({ id: 'StatementTextRevised' });
export const approvalRecordedSchema = z
  .object({ version: z.int(), decision: z.enum(approvalChoices), stage: z.enum(stages) })
  .meta({ id: 'ApprovalRecorded' });
export const publishingSchema = z.object({ stage: z.enum(stages), publishing: z.boolean() }).meta({ id: 'Publishing' });

export const signatoriesViewSchema = z
  .object({
    signatories: z.array(
      z.object({
        organisationId: z.uuid(),
        name: z.string(),
        country: z.string(),
        sinceVersion: z.int(),
        late: z.boolean(),
        joinedAt: z.string(),
      }),
    ),
    requests: z
      .array(
        z.object({
          organisationId: z.uuid(),
          name: z.string(),
          country: z.string(),
          status: z.enum(['pending', 'accepted', 'declined']),
          requestedAt: z.string(),
          decidedAt: z.string().nullable(),
        }),
      )
      .meta({
        description: 'Requests to sign late: for the lead buyer and Commission staff; the requester sees its own',
      }),
  })
  .meta({ id: 'Signatories' });

export const signatoryRequestViewSchema = z
  .object({
    organisationId: z.uuid(),
    status: z.enum(['pending', 'accepted', 'declined']),
    publicationVersion: z.int().optional(),
  })
  .meta({ id: 'SignatoryRequest' });

// Request bodies of the approval and publication routes.
export const reviseStatementTextRequestSchema = z.object({
  text: text('document', { min: 20, max: 50_000 }),
  expectedVersion: z.int({ error: 'must be a whole number' }).min(1, 'must be 1 or more'),
});

export const signatoryDecisionRequestSchema = z.object({ accept: z.boolean({ error: 'must be true or false' }) });

export const approvalDecisionSchema = z
  .object({
    version: z.int({ error: 'must be a whole number' }).min(1, 'must be 1 or more'),
    decision: z.enum(approvalChoices, { error: 'must be approve or request_changes' }),
    comment: text('paragraph', { max: maxApprovalCommentLength }).optional(),
  })
  .refine((d) => d.decision !== 'request_changes' || (d.comment ?? '') !== '', {
    path: ['comment'],
    message: 'is required when asking for changes',
  })
  .meta({ id: 'ApprovalDecision' });

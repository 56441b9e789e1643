import { z } from 'zod';

import { agreementTermsSchema, partyDistributionSchema } from '../../domain/agreement.js';
import { agreementPartyStatuses, agreementStatuses } from '../../domain/agreement-process.js';
import { procurementRouteKinds } from '../../domain/cross-border.js';
import { durationSchema } from '../../domain/statement.js';
import { agreementTermsLimits } from '../../rules/agreement.js';
import { text } from '../../rules/text-policy.js';

/** Response shapes of the agreement routes, documented from these same schemas. */
export const agreementSignatureViewSchema = z.object({
  organisationId: z.uuid(),
  userId: z.uuid(),
  userName: z.string(),
  version: z.int(),
  versionHash: z.string().meta({ description: 'The content hash of the version signed' }),
  signedAt: z.string(),
  clearedAt: z
    .string()
    .nullable()
    .meta({ description: 'When an amendment or a change of parties cleared the signature' }),
  clearedReason: z.string().nullable(),
});

export const agreementVersionSummarySchema = z.object({
  version: z.int(),
  versionId: z.uuid(),
  contentHash: z.string().meta({ description: 'SHA-256 of the canonical JSON of the version: what is signed' }),
  pdfHash: z.string().meta({ description: 'SHA-256 of the rendered PDF document' }),
  note: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.object({ id: z.uuid(), name: z.string() }),
  current: z.boolean(),
});

export const agreementViewSchema = z
  .object({
    statementId: z.uuid(),
    statementTitle: z.string(),
    status: z.enum(agreementStatuses),
    kind: z.enum(['art39_cross_border', 'art38_occasional']),
    legalBasis: z.string(),
    leadOrganisationId: z.uuid(),
    signatureDeadline: z.string().nullable(),
    startedAt: z.string(),
    inForceAt: z.string().nullable(),
    cancelReason: z.string().nullable(),
    parties: z.array(
      z.object({
        organisationId: z.uuid(),
        name: z.string(),
        country: z.string(),
        status: z.enum(agreementPartyStatuses),
        statusReason: z.string().nullable().meta({
          description:
            'Why it declined or withdrew: for the lead buyer and the organisation itself (null for anyone else)',
        }),
        signedCurrentVersion: z.boolean(),
      }),
    ),
    versionsWithheld: z.boolean().meta({
      description:
        'True for a viewer that is not a party (Commission staff, administrators, signatories that were invited, declined or withdrew): the versions and signatures are for the parties only',
    }),
    currentVersion: agreementVersionSummarySchema
      .nullable()
      .meta({ description: 'Null before the first version, and for a viewer that is not a party' }),
    versions: z.array(agreementVersionSummarySchema).meta({ description: 'Empty for a viewer that is not a party' }),
    signatures: z.array(agreementSignatureViewSchema).meta({ description: 'Empty for a viewer that is not a party' }),
  })
  .meta({ id: 'Agreement' });
export type AgreementView = z.infer<typeof agreementViewSchema>;

export const agreementCommentViewSchema = z.object({
  id: z.uuid(),
  organisationId: z.uuid(),
  organisationName: z.string(),
  userId: z.uuid(),
  userName: z.string(),
  clause: z.string().nullable(),
  text: z.string(),
  createdAt: z.string(),
});

export const agreementVersionViewSchema = agreementVersionSummarySchema
  .extend({
    kind: z.enum(['art39_cross_border', 'art38_occasional']),
    parties: z.array(z.object({ orgId: z.uuid(), name: z.string(), country: z.string() })),
    terms: z
      .record(z.string(), z.unknown())
      .meta({ description: 'The terms, as AgreementTerms (see the request body of proposing a version)' }),
    comments: z.array(agreementCommentViewSchema),
    signatures: z.array(agreementSignatureViewSchema),
  })
  .meta({ id: 'AgreementVersion' });
export type AgreementVersionView = z.infer<typeof agreementVersionViewSchema>;

// Request bodies of the agreement routes.
const dateTime = z.iso.datetime({ offset: true, message: 'must be a date-time (ISO 8601) with a time zone' });

export const startAgreementRequestSchema = z.object({
  signatureDeadline: dateTime
    .optional()
    .meta({ description: 'Otherwise now + the statement schedule’s `signature` duration' }),
  reminderOffsets: z.array(durationSchema).max(5, 'must list at most 5 reminders').optional(),
});

export const respondToAgreementRequestSchema = z.object({ reason: text('paragraph', { max: 2000 }).optional() });

export const commentOnAgreementRequestSchema = z.object({
  clause: text('line', { max: 100 }).optional(),
  text: text('paragraph', { min: 1, max: 5000 }),
});

export const signAgreementRequestSchema = z.object({
  versionId: z.uuid({ message: 'must be the id of a version' }),
  versionHash: z.string().regex(/^[0-9a-f]{64}$/, 'must be the SHA-256 content hash of the version (64 hex digits)'),
});

export const withdrawFromAgreementRequestSchema = z.object({
  reason: text('paragraph', { min: 3, max: 2000, minRule: 'must give a reason of at least 3 characters' }),
});

export const extendSignatureDeadlineRequestSchema = z.object({ deadline: dateTime });

export const cancelAgreementRequestSchema = z.object({ reason: text('paragraph', { min: 1, max: 2000 }) });

/**
 * The terms the lead proposes. Without `distributions`, each party receives its confirmed needs
 * in the first lot; with them, any difference from the confirmed needs needs a recorded deviation.
 */
export const agreementProposalSchema = agreementTermsSchema
  .extend({
    distributions: z
      .array(partyDistributionSchema)
      .max(10_000)
      .optional()
      .meta({ description: 'Omit to distribute to each party its confirmed needs, in the first lot' }),
    note: text('paragraph', {
      max: agreementTermsLimits.note,
      description: 'What this version changes (for amendments)',
    }).optional(),
  })
  .meta({ id: 'AgreementProposal' });
export type AgreementProposal = z.output<typeof agreementProposalSchema>;

/** The statement's procurement route (Directive 2014/24/EU Art. 37, 39(2)-(4)). */
export const procurementRouteViewSchema = z
  .object({
    statementId: z.uuid(),
    route: z.enum(procurementRouteKinds),
    centralPurchasingBody: z
      .object({ orgId: z.uuid(), name: z.string(), country: z.string() })
      .nullable()
      .meta({ description: 'The central purchasing body that runs the procurement, on that route' }),
    applicableLaw: z.string().nullable().meta({
      description:
        'On the CPB route, the Member State whose national provisions apply: the CPB’s (Art. 39(3)); on the joint route null: the Art. 39(4) agreement determines it',
    }),
    agreementNeeded: z.boolean().nullable().meta({
      description:
        'false on the CPB route (Art. 39(2)-(3)); null on the joint route, where it depends on the buyers’ Member States (see the aggregate’s crossBorder)',
    }),
    legalBasis: z.string(),
    explanation: z.string(),
  })
  .meta({ id: 'ProcurementRouteView' });
export type ProcurementRouteView = z.infer<typeof procurementRouteViewSchema>;

export const centralPurchasingBodyListSchema = z
  .object({
    centralPurchasingBodies: z.array(
      z.object({
        organisationId: z.uuid(),
        name: z.string(),
        country: z.string(),
        awarding: z.boolean().meta({ description: 'eForms OPP-051 Awarding CPB Buyer Indicator (Art. 2(1)(14)(b))' }),
        acquiring: z.boolean().meta({ description: 'eForms OPP-052 Acquiring CPB Buyer Indicator (Art. 2(1)(14)(a))' }),
      }),
    ),
  })
  .meta({ id: 'CentralPurchasingBodyList' });
export type CentralPurchasingBodyList = z.infer<typeof centralPurchasingBodyListSchema>;

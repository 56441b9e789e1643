import { z } from 'zod';
import { agreementPartyStatuses, agreementStatuses } from '../../domain/agreement-process.js';

/** Response shapes of the agreement routes, documented from these same schemas. */
export const agreementSignatureViewSchema = z.object({
  organisationId: z.uuid(),
  userId: z.uuid(),
  userName: z.string(),
  version: z.int(),
  versionHash: z.string().meta({ description: 'The content hash of the version signed' }),
  signedAt: z.string(),
  clearedAt: z.string().nullable().meta({ description: 'When an amendment or a change of parties cleared the signature' }),
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
        statusReason: z.string().nullable().meta({ description: 'Why it declined or withdrew: for the lead buyer and the organisation itself (null for anyone else)' }),
        signedCurrentVersion: z.boolean(),
      }),
    ),
    versionsWithheld: z
      .boolean()
      .meta({ description: 'True for a viewer that is not a party (Commission staff, administrators, signatories that were invited, declined or withdrew): the versions and signatures are for the parties only' }),
    currentVersion: agreementVersionSummarySchema.nullable().meta({ description: 'Null before the first version, and for a viewer that is not a party' }),
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
    terms: z.record(z.string(), z.unknown()).meta({ description: 'The terms, as AgreementTerms (see the request body of proposing a version)' }),
    comments: z.array(agreementCommentViewSchema),
    signatures: z.array(agreementSignatureViewSchema),
  })
  .meta({ id: 'AgreementVersion' });
export type AgreementVersionView = z.infer<typeof agreementVersionViewSchema>;

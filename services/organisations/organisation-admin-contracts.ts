import { z } from 'zod';

import { correctableFields } from '../../domain/organisation-corrections.js';
import { userAccessSchema } from '../user-admin/user-admin-contracts.js';
import { organisationViewSchema } from './organisation-contracts.js';

/** Shapes of the administrators' organisation page and its corrections: the services build them, the API documents them. */
const fieldChangeSchema = z.object({
  field: z.enum(correctableFields),
  from: z.union([z.string(), z.boolean()]).nullable(),
  to: z.union([z.string(), z.boolean()]).nullable(),
});

const statementRerunSchema = z.object({
  statementId: z.uuid(),
  title: z.string(),
  stage: z.string(),
  previousSnapshotId: z.uuid(),
  snapshotId: z.uuid(),
  criticalMassMet: z.object({ before: z.boolean(), after: z.boolean() }),
  countries: z.object({ before: z.int(), after: z.int() }),
  thresholds: z
    .array(z.object({ nature: z.string(), before: z.string().nullable(), after: z.string().nullable() }))
    .meta({
      description: 'The EU threshold (EUR) of each contract nature before and after (Directive 2014/24/EU Art. 4)',
    }),
});

export const organisationCorrectedSchema = z
  .object({
    organisation: organisationViewSchema,
    changes: z.array(fieldChangeSchema),
    reason: z.string(),
    statements: z.array(statementRerunSchema).meta({
      description:
        'Running statements (shortfall, market engagement, approval) that counted the organisation: their checks were run again and their lead told',
    }),
  })
  .meta({ id: 'OrganisationCorrected' });

export const organisationAdminViewSchema = z
  .object({
    organisation: organisationViewSchema,
    users: z.array(userAccessSchema),
    corrections: z.array(
      z.object({
        at: z.string(),
        byUserId: z.uuid().nullable(),
        changes: z.array(fieldChangeSchema),
        reason: z.string(),
        statementsRerun: z.int(),
      }),
    ),
    runningStatements: z.array(z.object({ statementId: z.uuid(), title: z.string(), stage: z.string() })).meta({
      description:
        'Statements whose figures counted the organisation and are not yet published: a correction of its legal type or country re-runs their checks',
    }),
  })
  .meta({ id: 'OrganisationAdminView' });

export const userCorrectedSchema = z
  .object({
    user: userAccessSchema,
    changes: z.array(
      z.object({
        field: z.enum(['name', 'locale', 'roles']),
        from: z.union([z.string(), z.array(z.string())]),
        to: z.union([z.string(), z.array(z.string())]),
      }),
    ),
    reason: z.string(),
  })
  .meta({ id: 'UserCorrected' });

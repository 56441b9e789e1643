import { z } from 'zod';

import type { AuditPage } from '../../db/audit.js';
import type { AuditEventRow } from '../../db/schema.js';

/** Shapes of the audit answers (statement, agreement and platform chains), and the page query they share. */
export const auditEventViewSchema = z
  .object({
    seq: z.int(),
    action: z.string(),
    actorUserId: z.string().nullable(),
    actorOrgId: z.string().nullable(),
    data: z.record(z.string(), z.unknown()).meta({
      description:
        'As recorded, except that a buyer’s free-text `reason` is null for anyone but the lead buyer and that buyer; `hash` covers what was recorded',
    }),
    at: z.string(),
    hash: z.string(),
  })
  .meta({ id: 'AuditEvent' });

const headSchema = z.object({ seq: z.int(), hash: z.string() });

export const auditLogSchema = z
  .object({
    events: z.array(auditEventViewSchema),
    verification: z.object({
      valid: z.boolean(),
      events: z.int(),
      problem: z.object({ seq: z.int(), issue: z.string() }).nullable(),
    }),
    head: headSchema.meta({
      description:
        'The chain head the verification covers, read in the same snapshot as the events: a later append is neither listed nor verified here',
    }),
    verifiedFrom: headSchema.meta({
      description:
        'The signed checkpoint the verification started from (seq 0: the genesis); everything up to it was verified before, and `npm run audit:verify` re-checks it all nightly',
    }),
    page: z.object({
      order: z.enum(['desc', 'asc']),
      limit: z.int(),
      nextCursor: z.int().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last one' }),
    }),
  })
  .meta({ id: 'AuditLog' });
export type AuditLogView = z.infer<typeof auditLogSchema>;

/** One break the nightly verification found in an audit chain (`GET /api/audit/alerts`). */
export const auditAlertSchema = z
  .object({ raisedAt: z.string(), runId: z.string(), chain: z.string(), seq: z.int(), issue: z.string() })
  .meta({ id: 'AuditAlert' });
export type AuditAlertView = z.infer<typeof auditAlertSchema>;
export const auditAlertsSchema = z.array(auditAlertSchema);

export const auditPageQuery = z.object({
  order: z.enum(['desc', 'asc']).default('desc').meta({ description: 'Newest first (default) or oldest first' }),
  cursor: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .meta({ description: 'The previous page’s `nextCursor`: events before it (desc) or after it (asc)' }),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export type AuditPageQuery = z.output<typeof auditPageQuery>;

export const auditExportQuery = z.object({ format: z.enum(['jsonl', 'csv']).default('jsonl') });

/** The page as the API answers it; `dataFor` applies the viewer's confidentiality rules. */
export function toAuditLogView(
  page: AuditPage,
  query: AuditPageQuery,
  dataFor: (e: AuditEventRow) => Record<string, unknown>,
): AuditLogView {
  const v = page.verification;
  return {
    events: page.rows.map((e) => ({
      seq: e.seq,
      action: e.action,
      actorUserId: e.actor_user_id,
      actorOrgId: e.actor_org_id,
      data: dataFor(e),
      at: new Date(e.at).toISOString(),
      hash: e.hash,
    })),
    verification: { valid: v.valid, events: v.events, problem: v.problem },
    head: v.head,
    verifiedFrom: v.from,
    page: { order: query.order, limit: query.limit, nextCursor: page.nextCursor },
  };
}

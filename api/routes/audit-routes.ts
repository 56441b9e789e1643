import { auditAlertsSchema, auditLogSchema, auditPageQuery } from '../../services/audit/audit-contracts.js';
import { getPlatformAudit } from '../../services/audit/get-platform-audit.js';
import { listAuditAlertsFor } from '../../services/audit/list-audit-alerts.js';
import type { ServiceContext } from '../../services/context.js';
import type { ApiRoutes } from '../route.js';

const tags = ['Audit'];

/** The platform chain and the nightly verification's alerts, for administrators. */
export function auditRoutes(api: ApiRoutes, ctx: ServiceContext): void {
  api.add({
    method: 'get',
    path: '/api/audit/platform',
    summary:
      'The platform audit log, a page at a time (newest first by default), verified in the same snapshot (administrators)',
    tags,
    access: 'user',
    query: auditPageQuery,
    responses: { 200: { description: 'Audit log', schema: auditLogSchema } },
    handler: async ({ principal, query }) => ({ status: 200, body: await getPlatformAudit(ctx, principal, query) }),
  });

  api.add({
    method: 'get',
    path: '/api/audit/alerts',
    summary:
      'Broken audit chains the nightly verification found, newest first (administrators); empty on a normal night',
    tags,
    access: 'user',
    responses: { 200: { description: 'Alerts', schema: auditAlertsSchema } },
    handler: async ({ principal }) => ({ status: 200, body: await listAuditAlertsFor(ctx, principal) }),
  });
}

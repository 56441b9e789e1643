import { stageChanges } from '../../db/dashboard.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import { stageTimeline } from '../../domain/pilot-tracking.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { authorizeTracking } from './authorize-tracking.js';
import { loadDashboard } from './get-dashboard.js';

/** One pilot as on the dashboard, with the stages it went through (entry and exit from the audit log). */
export async function getPilot(ctx: ServiceContext, principal: Principal, statementId: string, meta: RequestMeta) {
  await authorizeTracking(ctx, principal, meta, 'viewPilot');
  const now = new Date();
  const [dashboard, changes] = await Promise.all([
    loadDashboard(ctx, { statementId, limit: 1 }, now),
    stageChanges(ctx.db, statementId),
  ]);
  const pilot = dashboard.pilots[0];
  if (!pilot) throw new DomainError('not_found', 'Statement not found');
  return { pilot, timeline: stageTimeline(new Date(pilot.createdAt), changes, now) };
}

import { stageChanges } from '../../db/dashboard.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import { stageTimeline } from '../../domain/pilot-tracking.js';
import { rateMissingCode, rateStaleCode } from '../../rules/exchange-rates.js';
import { liveStateQuery } from '../../workflows/statement/messages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { readStatementProcess } from '../statements/read-statement-process.js';
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
  return {
    pilot,
    timeline: stageTimeline(new Date(pilot.createdAt), changes, now),
    aggregationBlocked: pilot.stage === 'aggregation' ? await rateBlock(ctx, statementId) : null,
  };
}

/**
 * Why a pilot waits in aggregation for an exchange rate: the currencies and their dates (no
 * buyer's figures), so Commission staff and administrators see what blocks it and the
 * administrator what to import. Only problems with a rate code; none when the process cannot
 * be asked just now (the rest of the page does not depend on it).
 */
async function rateBlock(ctx: ServiceContext, statementId: string) {
  try {
    const blocked = (await readStatementProcess(ctx, statementId, liveStateQuery)).aggregationBlocked;
    const problems = (blocked?.problems ?? []).filter((p) => p.code === rateMissingCode || p.code === rateStaleCode);
    if (!blocked || problems.length === 0) return null;
    return { message: blocked.message, problems, ...(blocked.at ? { at: blocked.at } : {}) };
  } catch (error) {
    ctx.logger.warn({ err: error, statementId }, 'the blocked aggregation of a pilot could not be read');
    return null;
  }
}

import { deadlineExtensions, stageChanges } from '../../db/dashboard.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import { stageTimeline } from '../../domain/pilot-tracking.js';
import { rateMissingCode, rateStaleCode } from '../../rules/exchange-rates.js';
import { liveStateQuery } from '../../workflows/statement/messages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { readStatementProcess } from '../statements/read-statement-process.js';
import { authorizeTracking } from './authorize-tracking.js';
import { loadDashboard } from './get-dashboard.js';

/**
 * One pilot as on the dashboard, with the stages it went through (entry, exit and planned end
 * from the audit log), and why it is stuck: the read model's reasons, and a process failure the
 * live process keeps (its reason and time only: its message may quote what a buyer typed).
 */
export async function getPilot(ctx: ServiceContext, principal: Principal, statementId: string, meta: RequestMeta) {
  await authorizeTracking(ctx, principal, meta, 'viewPilot');
  const now = new Date();
  const [live, changes, extensions] = await Promise.all([
    liveProcess(ctx, statementId),
    stageChanges(ctx.db, statementId),
    deadlineExtensions(ctx.db, statementId),
  ]);
  const failure = live?.processFailure ? { at: new Date(live.processFailure.at) } : null;
  const pilot = (await loadDashboard(ctx, { statementId, limit: 1 }, now, failure)).pilots[0];
  if (!pilot) throw new DomainError('not_found', 'Statement not found');
  return {
    pilot,
    timeline: stageTimeline(new Date(pilot.createdAt), changes, now, extensions),
    aggregationBlocked: pilot.stage === 'aggregation' ? rateBlock(live?.aggregationBlocked ?? null) : null,
  };
}

/** The live process's state; none when it cannot be asked just now (the rest of the page does not depend on it). */
async function liveProcess(ctx: ServiceContext, statementId: string) {
  try {
    return await readStatementProcess(ctx, statementId, liveStateQuery);
  } catch (error) {
    ctx.logger.warn({ err: error, statementId }, 'the live process of a pilot could not be read');
    return null;
  }
}

type LiveBlock = NonNullable<Awaited<ReturnType<typeof liveProcess>>>['aggregationBlocked'];

/**
 * Why a pilot waits in aggregation for an exchange rate: the currencies and their dates (no
 * buyer's figures), so Commission staff and administrators see what blocks it and the
 * administrator what to import. Only problems with a rate code.
 */
function rateBlock(blocked: LiveBlock) {
  const problems = (blocked?.problems ?? []).filter((p) => p.code === rateMissingCode || p.code === rateStaleCode);
  if (!blocked || problems.length === 0) return null;
  return { message: blocked.message, problems, ...(blocked.at ? { at: blocked.at } : {}) };
}

import { latestSnapshot } from '../../db/aggregation.js';
import { snapshotDisclosure } from '../../db/disclosure.js';
import type { Aggregate } from '../../domain/aggregation.js';
import { isLead, type Principal } from '../../domain/authorization.js';
import type { CriticalMassVerdict } from '../../domain/critical-mass.js';
import { storedClassification } from '../../domain/cross-border.js';
import {
  discloseAggregate,
  discloseCriticalMass,
  discloseThresholds,
  verdictLimits,
} from '../../domain/disclosure/protected-views.js';
import { DomainError } from '../../domain/errors.js';
import { completeThresholdCheck } from '../../domain/thresholds.js';
import { loadLpSolver } from '../../platform/lp-solver.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { authorizeStatement } from '../statements/authorize-statement.js';
import type { AggregateView } from './aggregation-contracts.js';

/** The statement's latest snapshot of stored rows, as one viewer may see it. */
export async function loadLatestSnapshot(ctx: ServiceContext, statementId: string) {
  const snapshot = await latestSnapshot(ctx.db, statementId);
  if (!snapshot) throw new DomainError('not_found', 'No aggregate has been computed for this statement yet');
  return snapshot;
}

/**
 * The aggregated demand and its verdicts. The lead sees every figure; participants and
 * Commission staff see what the snapshot's disclosure pattern leaves (domain/disclosure).
 */
export async function getAggregate(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  meta: RequestMeta,
): Promise<AggregateView> {
  const facts = await authorizeStatement(ctx, principal, statementId, 'viewAggregate', meta);
  const snapshot = await loadLatestSnapshot(ctx, statementId);
  const pattern = isLead(principal, facts) ? null : await snapshotDisclosure(ctx.db, await loadLpSolver(), snapshot.id);
  const aggregate = snapshot.aggregate as Aggregate;
  const criticalMass = snapshot.critical_mass as CriticalMassVerdict;
  // Snapshots stored before the verdicts' sources and the one-contract view get them from their figures.
  const thresholds = completeThresholdCheck(snapshot.thresholds);
  return {
    snapshotId: snapshot.id,
    snapshotHash: snapshot.snapshot_hash,
    round: snapshot.round,
    computedAt: snapshot.computed_at.toISOString(),
    // Every figure shown by the one rule (rules/money.ts), beside the limits its verdicts compare it with.
    aggregate: discloseAggregate(aggregate, pattern, verdictLimits(criticalMass, thresholds)),
    criticalMass: discloseCriticalMass(criticalMass, pattern),
    thresholds: discloseThresholds(thresholds, pattern),
    crossBorder: storedClassification(snapshot.cross_border),
  };
}

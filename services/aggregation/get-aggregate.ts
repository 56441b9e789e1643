import { latestSnapshot } from '../../db/aggregation.js';
import { discloseAggregate } from '../../domain/aggregate-disclosure.js';
import type { Aggregate } from '../../domain/aggregation.js';
import { isLead, type Principal } from '../../domain/authorization.js';
import type { CriticalMassVerdict } from '../../domain/critical-mass.js';
import type { JointProcurementClassification } from '../../domain/cross-border.js';
import { DomainError } from '../../domain/errors.js';
import type { ThresholdCheck } from '../../domain/thresholds.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { authorizeStatement } from '../statements/authorize-statement.js';
import type { AggregateView } from '../views.js';

/** The statement's latest snapshot of stored rows, as one viewer may see it. */
export async function loadLatestSnapshot(ctx: ServiceContext, statementId: string) {
  const snapshot = await latestSnapshot(ctx.db, statementId);
  if (!snapshot) throw new DomainError('not_found', 'No aggregate has been computed for this statement yet');
  return snapshot;
}

/**
 * The aggregated demand and its verdicts. The lead sees every figure; participants and
 * Commission staff see totals and every group that at least two buyers make up.
 */
export async function getAggregate(ctx: ServiceContext, principal: Principal, statementId: string, meta: RequestMeta): Promise<AggregateView> {
  const facts = await authorizeStatement(ctx, principal, statementId, 'viewAggregate', meta);
  const snapshot = await loadLatestSnapshot(ctx, statementId);
  return {
    snapshotId: snapshot.id,
    snapshotHash: snapshot.snapshot_hash,
    round: snapshot.round,
    computedAt: snapshot.computed_at.toISOString(),
    aggregate: discloseAggregate(snapshot.aggregate as Aggregate, isLead(principal, facts)),
    criticalMass: snapshot.critical_mass as CriticalMassVerdict,
    thresholds: snapshot.thresholds as ThresholdCheck,
    crossBorder: snapshot.cross_border as JointProcurementClassification,
  };
}

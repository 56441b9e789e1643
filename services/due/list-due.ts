import { openConsultationsWithAggregate } from '../../db/consultation-list.js';
import { answeredConsultations, dueStatementFacts } from '../../db/due.js';
import type { Aggregate } from '../../domain/aggregation.js';
import type { Principal } from '../../domain/authorization.js';
import { type DueConsultationFacts, type DueItem, dueItemsFor } from '../../domain/due.js';
import { consultationDemand, subscriptionMatches } from '../../domain/suppliers.js';
import type { Stage } from '../../rules/stages.js';
import type { ServiceContext } from '../context.js';
import { getSubscription } from '../suppliers/subscription.js';
import { OPEN_CONSULTATIONS_SCANNED } from '../suppliers/supplier-home.js';
import type { DueList } from './due-contracts.js';

/** More statements than one organisation takes part in at once. */
const STATEMENTS_SCANNED = 500;

/** A supplier's open consultations, each with whether it matches its subscription and whether it answered. */
async function consultationFacts(ctx: ServiceContext, principal: Principal): Promise<DueConsultationFacts[]> {
  if (principal.orgKind !== 'supplier') return [];
  const [subscription, open] = await Promise.all([
    getSubscription(ctx, principal),
    openConsultationsWithAggregate(ctx.db, OPEN_CONSULTATIONS_SCANNED),
  ]);
  const answered = await answeredConsultations(
    ctx.db,
    principal.orgId,
    open.map((c) => c.id),
  );
  return open.map((c) => ({
    statementId: c.id,
    title: c.title,
    stage: 'market_engagement' as Stage,
    deadline: c.stage_deadline?.getTime() ?? null,
    matchesSubscription:
      subscription.cpvPrefixes.length > 0 &&
      subscriptionMatches(
        subscription,
        consultationDemand(c.cpv_codes, (c.aggregate as Aggregate | null) ?? undefined),
      ),
    responded: answered.has(c.id),
  }));
}

/** What is due for the principal now (domain/due.ts), from what PostgreSQL holds. */
export async function dueItemsOf(ctx: ServiceContext, principal: Principal, now = Date.now()): Promise<DueItem[]> {
  const [statements, consultations] = await Promise.all([
    principal.orgKind === 'buyer' ? dueStatementFacts(ctx.db, principal.orgId, STATEMENTS_SCANNED) : [],
    consultationFacts(ctx, principal),
  ]);
  return dueItemsFor(principal, statements, consultations, now);
}

/** The "what is due" page: the principal's items, the soonest deadline first. */
export async function listDue(ctx: ServiceContext, principal: Principal): Promise<DueList> {
  const now = Date.now();
  const items = await dueItemsOf(ctx, principal, now);
  return {
    now: new Date(now).toISOString(),
    items: items.map((i) => ({
      statementId: i.statementId,
      title: i.title,
      kind: i.kind,
      deadline: i.deadline === null ? null : new Date(i.deadline).toISOString(),
      link: i.link,
    })),
  };
}

import { openConsultationsWithAggregate, supplierEngagements } from '../../db/consultation-list.js';
import type { Aggregate } from '../../domain/aggregation.js';
import type { Principal } from '../../domain/authorization.js';
import { consultationDemand, subscriptionMatches } from '../../domain/suppliers.js';
import type { Stage } from '../../rules/stages.js';
import type { ServiceContext } from '../context.js';
import { listPublishedStatements } from '../publication/public-statements.js';
import { getSubscription, requireSupplier, type SubscriptionView } from './subscription.js';

/** How many open consultations are matched against a subscription; more than a pilot will have open at once. */
export const OPEN_CONSULTATIONS_SCANNED = 500;
const SHOWN = 20;
const RECENT_PUBLISHED = 5;

export interface SupplierHome {
  subscription: SubscriptionView;
  openConsultations: number;
  matchingConsultations: { statementId: string; title: string; cpvCodes: string[]; deadline: string | null }[];
  engagements: {
    statementId: string;
    title: string;
    stage: Stage;
    open: boolean;
    deadline: string | null;
    respondedAt: string | null;
    questionsAsked: number;
    questionsAnswered: number;
  }[];
  recentPublished: Awaited<ReturnType<typeof listPublishedStatements>>;
}

/**
 * A supplier user's start page: its subscription, the open consultations that match it (by the
 * same rule as the e-mailed notices), the consultations its organisation answered or asked a
 * question in, and the statements published last. Supplier users only.
 */
export async function getSupplierHome(ctx: ServiceContext, principal: Principal): Promise<SupplierHome> {
  requireSupplier(principal);
  const [subscription, open, engagements, recentPublished] = await Promise.all([
    getSubscription(ctx, principal),
    openConsultationsWithAggregate(ctx.db, OPEN_CONSULTATIONS_SCANNED),
    supplierEngagements(ctx.db, principal.orgId, SHOWN),
    listPublishedStatements(ctx, RECENT_PUBLISHED),
  ]);
  const now = Date.now();
  const matching =
    subscription.cpvPrefixes.length === 0
      ? []
      : open.filter((c) =>
          subscriptionMatches(
            subscription,
            consultationDemand(c.cpv_codes, (c.aggregate as Aggregate | null) ?? undefined),
          ),
        );
  return {
    subscription,
    openConsultations: open.length,
    matchingConsultations: matching.slice(0, SHOWN).map((c) => ({
      statementId: c.id,
      title: c.title,
      cpvCodes: c.cpv_codes,
      deadline: c.stage_deadline?.toISOString() ?? null,
    })),
    engagements: engagements.map((e) => ({
      statementId: e.id,
      title: e.title,
      stage: e.stage as Stage,
      open: e.stage === 'market_engagement' && e.stage_deadline !== null && e.stage_deadline.getTime() > now,
      deadline: e.stage === 'market_engagement' ? (e.stage_deadline?.toISOString() ?? null) : null,
      respondedAt: e.responded_at?.toISOString() ?? null,
      questionsAsked: e.asked,
      questionsAnswered: e.answered,
    })),
    recentPublished,
  };
}

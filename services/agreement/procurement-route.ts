import {
  findCentralPurchasingBody,
  findProcurementRoute,
  listCentralPurchasingBodies as listCpbs,
  setProcurementRoute,
} from '../../db/agreements.js';
import { appendAudit } from '../../db/audit.js';
import { lockForStageChange } from '../../db/participation.js';
import { findStatement } from '../../db/statements.js';
import type { Principal } from '../../domain/authorization.js';
import {
  mayListCentralPurchasingBodies,
  type ProcurementRoute,
  procurementRouteProblems,
  procurementRouteStageRefusal,
  type RouteFacts,
} from '../../domain/cross-border.js';
import { DomainError, unprocessable } from '../../domain/errors.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { actorOf, authorizeStatement } from '../statements/authorize-statement.js';
import type { CentralPurchasingBodyList, ProcurementRouteView } from './agreement-contracts.js';

/** What the route means, with its source: the same words for the API, the web and the audit log. */
export function procurementRouteView(statementId: string, facts: RouteFacts): ProcurementRouteView {
  const cpb = facts.centralPurchasingBody;
  if (facts.route === 'central_purchasing_body' && cpb) {
    return {
      statementId,
      route: 'central_purchasing_body',
      centralPurchasingBody: cpb,
      applicableLaw: cpb.country,
      agreementNeeded: false,
      legalBasis: 'Directive 2014/24/EU Art. 37, Art. 39(2)-(3)',
      explanation: `${cpb.name} (${cpb.country}), a central purchasing body, runs the procurement under the national provisions of ${cpb.country}; the buyers conclude no Art. 39(4) agreement (Directive 2014/24/EU Art. 37, Art. 39(2)-(3)).`,
    };
  }
  return {
    statementId,
    route: 'joint',
    centralPurchasingBody: null,
    applicableLaw: null,
    agreementNeeded: null,
    legalBasis: 'Directive 2014/24/EU Art. 38, Art. 39(4)',
    explanation:
      'The buyers procure jointly: from two or more Member States they conclude an agreement on their responsibilities, the applicable national law and the organisation of the procedure (Directive 2014/24/EU Art. 39(4)); from one Member State, Art. 38 applies.',
  };
}

export async function getProcurementRoute(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  meta: RequestMeta,
): Promise<ProcurementRouteView> {
  await authorizeStatement(ctx, principal, statementId, 'view', meta);
  return procurementRouteView(statementId, await findProcurementRoute(ctx.db, statementId));
}

/**
 * The lead chooses how the demand will be procured, before it is aggregated. Written here, not
 * by the workflow: the stage is read under the statement's row lock, the lock the workflow's stage
 * changes take, so the choice lands before aggregation starts or is refused after it.
 */
export async function chooseProcurementRoute(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  route: ProcurementRoute,
  meta: RequestMeta,
): Promise<ProcurementRouteView> {
  const facts = await authorizeStatement(ctx, principal, statementId, 'edit', meta);
  const statement = (await findStatement(ctx.db, statementId))!;
  const cpb =
    route.kind === 'central_purchasing_body'
      ? await findCentralPurchasingBody(ctx.db, route.centralPurchasingBodyOrgId)
      : undefined;
  const problems = procurementRouteProblems(route, cpb, statement.cpv_codes);
  if (problems.length > 0) throw unprocessable(problems, 'This central purchasing body cannot run the procurement');
  const actor = actorOf(principal, facts);
  const at = new Date();
  await ctx.db.transaction().execute(async (trx) => {
    const stage = await lockForStageChange(trx, statementId);
    const refusal = stage ? procurementRouteStageRefusal(stage) : 'No such statement';
    if (refusal) throw new DomainError('wrong_stage', refusal);
    await setProcurementRoute(trx, statementId, route);
    await appendAudit(trx, {
      chain: statementId,
      // Choosing the same route twice changes nothing twice over: no retry key is needed.
      eventKey: null,
      statementId,
      actorUserId: actor.userId,
      actorOrgId: actor.orgId,
      action: 'procurement_route_chosen',
      data:
        route.kind === 'joint'
          ? { route: 'joint' }
          : { route: route.kind, centralPurchasingBodyOrgId: route.centralPurchasingBodyOrgId },
      at,
    });
  });
  return procurementRouteView(statementId, await findProcurementRoute(ctx.db, statementId));
}

/** The buyers recorded as central purchasing bodies, for the lead's choice of route. */
export async function listCentralPurchasingBodies(
  ctx: ServiceContext,
  principal: Principal,
): Promise<CentralPurchasingBodyList> {
  const decision = mayListCentralPurchasingBodies(principal);
  if (!decision.allowed) throw new DomainError(decision.code, decision.reason);
  const bodies = await listCpbs(ctx.db);
  return {
    centralPurchasingBodies: bodies.map((b) => ({
      organisationId: b.orgId,
      name: b.name,
      country: b.country,
      awarding: b.awardingCpb,
      acquiring: b.acquiringCpb,
    })),
  };
}

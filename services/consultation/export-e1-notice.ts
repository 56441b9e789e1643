import { createHash } from 'node:crypto';

import { latestSnapshot } from '../../db/aggregation.js';
import { findConsultation, namedOrgIds } from '../../db/consultation.js';
import { snapshotDisclosure } from '../../db/disclosure.js';
import { findOrganisations } from '../../db/organisations.js';
import { findStatement } from '../../db/statements.js';
import type { Aggregate } from '../../domain/aggregation.js';
import type { Principal } from '../../domain/authorization.js';
import { publicDemand } from '../../domain/consultation.js';
import { storedClassification } from '../../domain/cross-border.js';
import { buildE1Notice, type E1Organisation } from '../../domain/eforms/e1-notice.js';
import { DomainError } from '../../domain/errors.js';
import { loadLpSolver } from '../../platform/lp-solver.js';
import type { Locale } from '../../rules/locales.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { authorizeStatement } from '../statements/authorize-statement.js';

/**
 * The notice's id (BT-701) for a statement: the same on every download, so the lead who
 * downloads it twice submits one notice, in the UUID version 4 form eForms asks for.
 */
export function e1NoticeIdFor(statementId: string): string {
  const h = createHash('sha256').update(`jointdemand:eforms-e1:${statementId}`).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function organisationOf(o: {
  id: string;
  name: string;
  country: string;
  buyer_legal_type: string | null;
  nuts: string | null;
  awarding_cpb: boolean;
  acquiring_cpb: boolean;
}): E1Organisation {
  return {
    orgId: o.id,
    name: o.name,
    country: o.country.trim(),
    buyerLegalType: o.buyer_legal_type,
    nuts: o.nuts,
    awardingCpb: o.awarding_cpb,
    acquiringCpb: o.acquiring_cpb,
  };
}

/**
 * The market consultation as an eForms E1 notice for the lead buyer to submit to TED, while the
 * consultation runs (its deadline is the notice's). The notice becomes public: it carries what the
 * public consultation page shows and no more: the buyers that agreed to be named (the lead, who
 * submits it, always), the others only counted, and the estimated total only when disclosure
 * control leaves it on the public page.
 */
export async function exportE1Notice(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  language: Locale,
  meta: RequestMeta,
) {
  const facts = await authorizeStatement(ctx, principal, statementId, 'manageConsultation', meta);
  const [statement, consultation] = await Promise.all([
    findStatement(ctx.db, statementId),
    findConsultation(ctx.db, statementId),
  ]);
  if (!statement || facts.stage !== 'market_engagement' || !consultation || !statement.stage_deadline)
    throw new DomainError(
      'wrong_stage',
      `The eForms E1 notice announces a market consultation while it runs; this statement is in ${facts.stage}`,
    );
  const [snapshot, named] = await Promise.all([latestSnapshot(ctx.db, statementId), namedOrgIds(ctx.db, statementId)]);
  const demand = snapshot
    ? publicDemand(
        snapshot.aggregate as Aggregate,
        await snapshotDisclosure(ctx.db, await loadLpSolver(), snapshot.id),
        named,
      )
    : null;
  const aggregateBuyers = snapshot ? (snapshot.aggregate as Aggregate).buyers.map((b) => b.orgId) : [];
  const namedBuyers = aggregateBuyers.filter((id) => named.has(id) && id !== statement.lead_org_id);
  const classification = snapshot ? storedClassification(snapshot.cross_border) : null;
  const cpbId = classification?.centralPurchasingBody?.orgId ?? null;
  const organisations = new Map(
    (await findOrganisations(ctx.db, [statement.lead_org_id, ...namedBuyers, ...(cpbId ? [cpbId] : [])])).map((o) => [
      o.id,
      organisationOf(o),
    ]),
  );
  const lead = organisations.get(statement.lead_org_id)!;
  const notice = buildE1Notice({
    noticeId: e1NoticeIdFor(statementId),
    version: 1,
    issuedAt: new Date().toISOString(),
    language,
    statement: {
      id: statementId,
      title: statement.title,
      description: statement.description,
      cpvCodes: statement.cpv_codes,
    },
    lead,
    buyers: namedBuyers.map((id) => organisations.get(id)!).filter(Boolean),
    unnamedBuyers: aggregateBuyers.filter((id) => !named.has(id) && id !== statement.lead_org_id).length,
    centralPurchasingBody: cpbId ? (organisations.get(cpbId) ?? null) : null,
    jointProcurement: classification,
    estimatedValueEur: demand && !demand.totals.withheld ? demand.totals.valueEur : null,
    answersDeadline: statement.stage_deadline.toISOString(),
    consultationUrl: new URL(`/consultations/${statementId}`, ctx.config.PUBLIC_URL).toString(),
  });
  return { xml: notice.xml, filename: `eforms-e1-${statementId}.xml` };
}

import { ApplicationFailure } from '@temporalio/activity';

import type { Aggregate } from '../../domain/aggregation.js';
import type { LpSolver } from '../../domain/disclosure/linear-program.js';
import { discloseAggregate, type DisclosedAggregate } from '../../domain/disclosure/protected-views.js';
import { DomainError } from '../../domain/errors.js';
import type { MarketEvent } from '../../domain/market-events.js';
import { type PublishedStatementForOcds, toOcdsRelease } from '../../domain/ocds.js';
import type { Schedule } from '../../domain/statement.js';
import { latestSnapshot } from '../aggregation.js';
import { findProcurementRoute } from '../agreements.js';
import { namedOrgIds, openConsultation } from '../consultation.js';
import type { Tx } from '../database.js';
import { publicationDisclosure } from '../disclosure.js';
import { findOrganisation, findOrganisations } from '../organisations.js';
import { renderPublishedLists, renderStatementDocuments } from '../public-document-renderer.js';
import {
  addSignatories,
  decideSignatoryRequest,
  findPublication,
  findStatementText,
  findTextDraft,
  insertPublication,
  insertStatementText,
  signatoriesDemand,
  upsertApproval,
  upsertSignatoryRequest,
} from '../publication.js';
import { lookupCpvCodes } from '../reference-data.js';
import type { Organisation } from '../schema.js';
import { findStatement } from '../statements.js';

/** Not a registered OCDS prefix: a publisher registers its own with the OCDS Data Support Team. */
export const ocidPrefix = 'ocds-jdemand';

export interface MarketProjectionDeps {
  publicUrl: string;
  /** Disclosure control of the published figures. */
  solver: LpSolver;
}

/**
 * What a market event wrote: its audit data and, for a publication it made, what its notices
 * state that only the projection worked out (the figures as the public may see them, the
 * signatories and which of them agreed to be named).
 */
export interface MarketProjection {
  audit: Record<string, unknown>;
  published?: { signatories: Pick<Organisation, 'id' | 'name'>[]; named: ReadonlySet<string>; valueEur: string | null };
}

/** A rule of the domain broken while publishing: a final failure of the activity, with its problems. */
function asFailure(error: unknown): never {
  if (error instanceof DomainError) {
    throw ApplicationFailure.create({
      type: error.code,
      message: error.message,
      details: [error.problems],
      nonRetryable: true,
    });
  }
  throw error;
}

/** The items of a published aggregate as OCDS sees them: each code with lines of its own, quantities only where disclosed. */
async function itemsOf(trx: Tx, demand: DisclosedAggregate): Promise<PublishedStatementForOcds['items']> {
  const known = await lookupCpvCodes(
    trx,
    demand.items.map((n) => n.cpvCode),
  );
  return demand.items.map((n) => ({
    cpvCode: n.cpvCode,
    cpvCheckDigit: known.get(n.cpvCode)?.checkDigit ?? null,
    description: known.get(n.cpvCode)?.label ?? `CPV ${n.cpvCode}`,
    quantities: (n.quantities ?? []).map((q) => ({ unit: q.unit, quantity: q.totalQuantity })),
  }));
}

/**
 * What each market event (consultation, approval, publication, signatories) writes to the read
 * model, inside the caller's transaction; returns the event's audit data. Who is told, and how,
 * is `mail/notices/market-notices.ts`.
 */
export async function projectMarketEvent(
  trx: Tx,
  deps: MarketProjectionDeps,
  event: MarketEvent,
): Promise<MarketProjection> {
  const at = new Date(event.at);
  const { statementId } = event;
  switch (event.kind) {
    case 'consultation_opened':
      await openConsultation(trx, statementId);
      return { audit: { noticeId: event.noticeId } };
    case 'approval_opened':
      return { audit: { version: event.version, deadline: event.deadline, approvers: event.approverOrgIds } };
    case 'statement_text_revised': {
      const draft = await findTextDraft(trx, statementId, event.textHash);
      if (!draft)
        throw ApplicationFailure.create({
          type: 'conflict',
          message: 'The revised text is not on record',
          nonRetryable: true,
        });
      const previous = await findStatementText(trx, statementId);
      await insertStatementText(trx, {
        statementId,
        version: event.version,
        text: draft.text,
        hash: draft.text_hash,
        locale: previous?.locale ?? 'en',
        userId: event.actor?.userId ?? null,
        at,
      });
      return { audit: { version: event.version, textHash: event.textHash } };
    }
    case 'approval_decided':
      await upsertApproval(trx, {
        statementId,
        version: event.version,
        orgId: event.orgId,
        decision: event.decision,
        comment: event.comment,
        userId: event.actor!.userId,
        at,
      });
      return {
        audit: {
          organisationId: event.orgId,
          version: event.version,
          decision: event.decision,
          comment: event.comment,
        },
      };
    case 'approval_deadline_passed':
      return { audit: { version: event.version, missing: event.missingOrgIds } };
    case 'proceed_without_missing':
      return { audit: { version: event.version, notSignatories: event.missingOrgIds } };
    case 'statement_published': {
      // Published already (under another event key): recorded, nothing written or sent again.
      if (await findPublication(trx, event.publicationId)) return { audit: { publicationId: event.publicationId } };
      const statement = (await findStatement(trx, statementId))!;
      const snapshot = await latestSnapshot(trx, statementId);
      let aggregate: Aggregate;
      try {
        aggregate = await signatoriesDemand(trx, statementId, event.signatoryOrgIds, snapshot!.aggregate as Aggregate);
      } catch (error) {
        asFailure(error);
      }
      const schedule = statement.schedule as Schedule;
      // The figures the publication states, as the public may see them (the lead's own view is the snapshot).
      const disclosure = await publicationDisclosure(trx, deps.solver, {
        statementId,
        snapshotId: snapshot!.id,
        signatoryOrgIds: event.signatoryOrgIds,
      });
      const demand = discloseAggregate(aggregate, disclosure);
      const orgs = await findOrganisations(trx, event.signatoryOrgIds);
      const lead = (await findOrganisation(trx, statement.lead_org_id))!;
      // Signatories are named if they agreed to be; the lead publishes the statement, so it is named.
      const named = new Set([...(await namedOrgIds(trx, statementId)), lead.id]);
      // Through a central purchasing body, it is the procuring entity (Art. 37, 39(2)-(3)).
      const cpb = (await findProcurementRoute(trx, statementId)).centralPurchasingBody;
      let release: unknown;
      try {
        release = toOcdsRelease(
          {
            statementId,
            title: statement.title,
            description: statement.description,
            version: event.version,
            publishedAt: event.at,
            leadBuyer: { orgId: lead.id, name: lead.name, country: lead.country.trim() },
            centralPurchasingBody: cpb ?? undefined,
            // Parties are named: only the signatories that agreed to be (the lead is named by its role).
            buyers: orgs
              .filter((o) => named.has(o.id))
              .map((o) => ({
                orgId: o.id,
                name: o.name,
                country: o.country.trim(),
                buyerLegalType: o.buyer_legal_type ?? 'la',
              })),
            items: await itemsOf(trx, demand),
            totalValueEur: demand.totals.valueEur,
            conversion: demand.conversion,
            deliveryPeriod: { fromYear: schedule.deliveryFromYear, toYear: schedule.deliveryToYear },
            expectedProcurementStart: schedule.expectedProcurementStart,
          },
          { ocidPrefix },
        );
      } catch (error) {
        asFailure(error);
      }
      await insertPublication(trx, {
        id: event.publicationId,
        statementId,
        version: event.version,
        textVersion: event.textVersion,
        signatoryOrgIds: event.signatoryOrgIds,
        release,
        aggregate,
        disclosure,
        at,
      });
      await addSignatories(trx, {
        statementId,
        orgIds: event.newOrgIds,
        sinceVersion: event.version,
        late: event.late,
        at,
      });
      if (event.late)
        for (const orgId of event.newOrgIds)
          await decideSignatoryRequest(trx, { statementId, orgId, accepted: true, at });
      // Rendered once, here, for the public routes to serve as stored: a late signatory's version
      // now (a first version's page appears when the stage does), and the lists at once.
      await renderStatementDocuments(trx, { solver: deps.solver, publicUrl: deps.publicUrl }, statementId);
      await renderPublishedLists(trx, { publicUrl: deps.publicUrl });
      return {
        audit: {
          publicationId: event.publicationId,
          version: event.version,
          textVersion: event.textVersion,
          signatories: event.signatoryOrgIds,
          late: event.late,
          releaseId: (release as { id: string }).id,
        },
        published: { signatories: orgs, named, valueEur: demand.totals.valueEur },
      };
    }
    case 'signatory_requested':
      await upsertSignatoryRequest(trx, { statementId, orgId: event.orgId, userId: event.actor!.userId, at });
      return { audit: { organisationId: event.orgId } };
    case 'signatory_decided':
      if (!event.accepted) await decideSignatoryRequest(trx, { statementId, orgId: event.orgId, accepted: false, at });
      return { audit: { organisationId: event.orgId, accepted: event.accepted } };
  }
}

import { Context } from '@temporalio/activity';

import { latestSnapshot } from '../db/aggregation.js';
import { findProcurementRoute } from '../db/agreements.js';
import { appendAudit } from '../db/audit.js';
import {
  engagedSupplierOrgIds,
  findConsultation,
  findMarketSummary,
  findQuestion,
  insertMarketSummary,
  namedOrgIds,
  questionCounts,
  responseFacts,
} from '../db/consultation.js';
import type { Db } from '../db/database.js';
import { snapshotDisclosure } from '../db/disclosure.js';
import { findOrganisations, usersOfOrganisations } from '../db/organisations.js';
import { enqueueMessages } from '../db/outbox.js';
import {
  countUnsentWithKeyPrefix,
  findPublication,
  findStatementText,
  insertStatementText,
  latestPublication,
} from '../db/publication.js';
import { forHistory, type RecordResult } from '../db/record-event.js';
import { cpvLabelsIn, unitEnglishNames } from '../db/reference-data.js';
import { findStatement } from '../db/statements.js';
import { logNoticeContacts, matchingSuppliers, unsubscribeKey } from '../db/suppliers.js';
import type { Aggregate } from '../domain/aggregation.js';
import { type MarketSummary, summariseMarket } from '../domain/consultation.js';
import type { LpSolver } from '../domain/disclosure/linear-program.js';
import { discloseAggregate, type DisclosurePattern } from '../domain/disclosure/protected-views.js';
import type { WithTextRefs } from '../domain/events.js';
import { type MarketEvent, supplierNoticeKeyPrefix, type SupplierNoticeKind } from '../domain/market-events.js';
import type { Schedule } from '../domain/statement.js';
import { consultationDemand } from '../domain/suppliers.js';
import { buyersInCountries, writeStatementText } from '../i18n/statement-text.js';
import { formatDateTime } from '../mail/compose.js';
import type { Mailer } from '../mail/mailer.js';
import { amountOrWithheld, namedSignatories, publicLinks } from '../mail/notices/market-notices.js';
import { recordMarketEvent } from '../mail/notices/record-market-event.js';
import { composeSupplierNotice } from '../mail/supplier-notice.js';
import { contentHash } from '../platform/canonical-json.js';
import type { WebhookEventType } from '../rules/webhooks.js';
import { createMailActivities } from './mail-activities.js';
import { queueSavedSearchNotices } from './saved-search-notices.js';
import { queueWebhookEvent } from './webhook-events.js';

export interface MarketActivityDeps {
  db: Db;
  mailer: Mailer;
  publicUrl: string;
  solver: LpSolver;
  /** Lease of a claimed supplier notice; short, so a crashed sender's messages are taken over soon. */
  noticeLeaseSeconds?: number;
}

export function createMarketActivities(deps: MarketActivityDeps) {
  const { db, publicUrl } = deps;
  const noticeMail = createMailActivities({
    db,
    mailer: deps.mailer,
    leaseSeconds: deps.noticeLeaseSeconds ?? 15,
    batchSize: 100,
  });

  /** The recipients and text of one page of a supplier notice. */
  async function noticePage(input: {
    noticeId: string;
    statementId: string;
    kind: SupplierNoticeKind;
    ref: string | null;
    afterUserId: string | null;
    limit: number;
  }) {
    const statement = (await findStatement(db, input.statementId))!;
    const snapshot = await latestSnapshot(db, input.statementId);
    const aggregate = snapshot?.aggregate as Aggregate | undefined;
    const links = publicLinks(publicUrl, input.statementId);
    const demand = consultationDemand(statement.cpv_codes, aggregate);
    const cpvCodes = demand.cpvCodes;
    let countries = demand.countries;
    let alsoOrgIds: string[] = [];
    let params: (locale: string) => Record<string, string>;
    let template: string;
    // The webhook event (issue 19): the facts the e-mail states, nothing more (the public pages' disclosure).
    let webhook: { type: WebhookEventType; data: Record<string, unknown> };
    if (input.kind === 'publication') {
      const publication = (await findPublication(db, input.ref!))!;
      const orgs = await findOrganisations(db, publication.signatory_org_ids);
      countries = [...new Set(orgs.map((o) => o.country.trim()))];
      const names = namedSignatories(
        orgs,
        new Set([...(await namedOrgIds(db, input.statementId)), statement.lead_org_id]),
      );
      const published = discloseAggregate(
        publication.aggregate as Aggregate,
        publication.disclosure as DisclosurePattern,
      );
      template = 'mail.supplier.published';
      webhook = {
        type: 'statement.published',
        data: {
          statementId: input.statementId,
          title: statement.title,
          publicationVersion: publication.version,
          signatories: names,
          totalValueEur: published.totals.valueEur ?? null,
          url: links.statement,
          ocdsUrl: links.ocds,
        },
      };
      params = (locale) => ({
        title: statement.title,
        signatories: names,
        value: amountOrWithheld(published.totals.valueEur, locale),
        link: links.statement,
        ocds: links.ocds,
      });
    } else if (input.kind === 'answer') {
      const question = (await findQuestion(db, input.statementId, Number(input.ref)))!;
      alsoOrgIds = await engagedSupplierOrgIds(db, input.statementId);
      template = 'mail.supplier.answerPublished';
      webhook = {
        type: 'consultation.answer_published',
        data: {
          statementId: input.statementId,
          title: statement.title,
          questionNumber: question.number,
          question: question.question,
          answer: question.answer ?? '',
          url: links.consultation,
        },
      };
      params = () => ({
        title: statement.title,
        number: String(question.number),
        question: question.question,
        answer: question.answer ?? '',
        link: links.consultation,
      });
    } else {
      template = 'mail.supplier.consultationOpened';
      const total = snapshot
        ? discloseAggregate(aggregate!, await snapshotDisclosure(db, deps.solver, snapshot.id)).totals.valueEur
        : '0';
      webhook = {
        type: 'consultation.opened',
        data: {
          statementId: input.statementId,
          title: statement.title,
          cpvCodes,
          deadline: statement.stage_deadline?.toISOString() ?? null,
          totalValueEur: total ?? null,
          buyers: aggregate?.totals.buyers ?? 0,
          countries: aggregate?.totals.countries ?? 0,
          url: links.consultation,
        },
      };
      params = (locale) => ({
        title: statement.title,
        deadline: statement.stage_deadline ? formatDateTime(statement.stage_deadline.toISOString(), locale) : '',
        value: amountOrWithheld(total, locale),
        // "from 3 buyers in 2 countries", not "3 buyer(s) in 2 country(ies)" (issue 18).
        ...buyersInCountries(aggregate?.totals.buyers ?? 0, aggregate?.totals.countries ?? 0, locale),
        link: links.consultation,
      });
    }
    const recipients = await matchingSuppliers(
      db,
      { cpvCodes, countries, alsoOrgIds },
      { afterUserId: input.afterUserId, limit: input.limit },
    );
    return { recipients, template, params, webhook, demand: { cpvCodes, countries, alsoOrgIds } };
  }

  return {
    async recordMarketEvent(event: WithTextRefs<MarketEvent>): Promise<RecordResult> {
      return forHistory(await recordMarketEvent(db, deps, event));
    },

    /** Stores the market summary once (keyed by its id) with its audit row. */
    async computeMarketSummary(request: {
      statementId: string;
      summaryId: string;
      eventKey: string;
      at: string;
    }): Promise<{ summaryId: string; summaryHash: string; responses: number }> {
      return db.transaction().execute(async (trx) => {
        const existing = await findMarketSummary(trx, request.summaryId);
        if (existing)
          return {
            summaryId: existing.id,
            summaryHash: existing.summary_hash,
            responses: (existing.summary as MarketSummary).responses,
          };
        const consultation = await findConsultation(trx, request.statementId);
        const facts = await responseFacts(trx, request.statementId);
        const summary = summariseMarket(
          facts.map((f) => ({
            supplierOrgId: f.supplier_org_id,
            country: f.country.trim(),
            sme: f.sme ?? false,
            answers: f.answers,
          })),
          consultation?.questions ?? [],
          await questionCounts(trx, request.statementId),
        );
        const hash = contentHash(summary);
        await insertMarketSummary(trx, {
          id: request.summaryId,
          statementId: request.statementId,
          summary,
          hash,
          at: new Date(request.at),
        });
        await appendAudit(trx, {
          chain: request.statementId,
          eventKey: request.eventKey,
          statementId: request.statementId,
          actorUserId: null,
          actorOrgId: null,
          action: 'market_summary_stored',
          data: {
            summaryId: request.summaryId,
            summaryHash: hash,
            responses: summary.responses,
            smeShare: summary.smeShare,
            countries: summary.countries.length,
          },
          at: new Date(request.at),
        });
        return { summaryId: request.summaryId, summaryHash: hash, responses: summary.responses };
      });
    },

    /** Drafts version 1 of the statement text from the aggregate and the market summary, in the lead's language. */
    async draftStatementText(request: {
      statementId: string;
      summaryId: string;
      eventKey: string;
      at: string;
    }): Promise<{ version: number; textHash: string }> {
      return db.transaction().execute(async (trx) => {
        const existing = await findStatementText(trx, request.statementId, 1);
        if (existing) return { version: 1, textHash: existing.text_hash };
        const statement = (await findStatement(trx, request.statementId))!;
        const aggregate = (await latestSnapshot(trx, request.statementId))!.aggregate as Aggregate;
        const summary = (await findMarketSummary(trx, request.summaryId))!.summary as MarketSummary;
        const [leadUser] = await usersOfOrganisations(trx, [statement.lead_org_id]);
        const locale = leadUser?.locale ?? 'en';
        const schedule = statement.schedule as Schedule;
        // The text is read by every participant and Commission staff, and published: it states the
        // figures as they may see them.
        const snapshot = (await latestSnapshot(trx, request.statementId))!;
        const demand = discloseAggregate(aggregate, await snapshotDisclosure(trx, deps.solver, snapshot.id));
        // The text says it as a person would, in the lead's language (issue 18): CPV labels in
        // that language, units and countries by name, plurals and lists written out.
        const labels = await cpvLabelsIn(
          trx,
          demand.items.map((n) => n.cpvCode),
          locale,
        );
        const unitNames = await unitEnglishNames(
          trx,
          demand.items.flatMap((n) => (n.quantities ?? []).map((q) => q.unit)),
        );
        const route = await findProcurementRoute(trx, request.statementId);
        const converted = Object.keys(aggregate.conversion.rates).sort();
        const text = writeStatementText(
          {
            title: statement.title,
            description: statement.description,
            buyers: aggregate.totals.buyers,
            buyerCountries: aggregate.buyers.map((b) => b.country),
            totalValueEur: demand.totals.valueEur,
            deliveryFromYear: schedule.deliveryFromYear,
            deliveryToYear: schedule.deliveryToYear,
            procurementStart: schedule.expectedProcurementStart,
            items: demand.items.map((n) => {
              const entry = labels.get(n.cpvCode);
              return {
                cpvCode: entry ? `${n.cpvCode}-${entry.checkDigit}` : n.cpvCode,
                label: entry?.label ?? '',
                valueEur: n.withheld ? null : n.valueEur!,
                quantities: (n.quantities ?? []).map((q) => ({
                  totalQuantity: q.totalQuantity,
                  unit: q.unit,
                  unitName: unitNames.get(q.unit),
                })),
              };
            }),
            market: {
              responses: summary.responses,
              smeShare: summary.smeShare,
              supplierCountries: summary.countries.map((c) => c.country),
              questionsAnswered: summary.questionsAnswered,
            },
            // The figures converted from other currencies name the rate table beside them (issue 17 point 5).
            conversion:
              converted.length > 0
                ? { currencies: converted, date: aggregate.conversion.date, source: aggregate.conversion.source }
                : undefined,
            // Through a central purchasing body the text says so, and that no Art. 39(4) agreement follows.
            centralPurchasingBody: route.centralPurchasingBody ?? undefined,
          },
          locale,
        );
        const hash = contentHash({ text });
        await insertStatementText(trx, {
          statementId: request.statementId,
          version: 1,
          text,
          hash,
          locale,
          userId: null,
          at: new Date(request.at),
        });
        await appendAudit(trx, {
          chain: request.statementId,
          eventKey: request.eventKey,
          statementId: request.statementId,
          actorUserId: null,
          actorOrgId: null,
          action: 'statement_text_drafted',
          data: { version: 1, textHash: hash, locale, summaryId: request.summaryId },
          at: new Date(request.at),
        });
        return { version: 1, textHash: hash };
      });
    },

    /**
     * Queues one page of a supplier notice: one outbox row per (notice, supplier user) under a
     * unique key, so a retried or resumed page queues nobody twice. Contacts with suppliers
     * during a consultation are logged with the rows that were new.
     */
    async queueSupplierNotices(input: {
      noticeId: string;
      statementId: string;
      kind: SupplierNoticeKind;
      ref: string | null;
      afterUserId: string | null;
      limit: number;
    }): Promise<{ queued: number; lastUserId: string | null; done: boolean }> {
      const { recipients, template, params, webhook, demand } = await noticePage(input);
      // The notice's webhook deliveries are queued with its first page (unique per event and endpoint).
      if (input.afterUserId === null)
        await queueWebhookEvent(db, {
          eventId: input.noticeId,
          type: webhook.type,
          occurredAt: new Date(),
          data: webhook.data,
          demand,
        });
      // Saved searches' e-mails (issue 19) with the first page too, under keys of the notice's prefix, so this
      // fan-out's sender sends them; each is unique per (search, document, version).
      if (input.afterUserId === null && input.kind !== 'answer')
        await queueSavedSearchNotices(db, { ...input, kind: input.kind, demand, params, publicUrl });
      if (recipients.length === 0) return { queued: 0, lastUserId: input.afterUserId, done: true };
      const key = await unsubscribeKey(db);
      const messages = recipients.map((r) =>
        composeSupplierNotice(r, {
          key: `${supplierNoticeKeyPrefix(input.noticeId)}${r.userId}`,
          statementId: null,
          template,
          params: params(r.locale),
          unsubscribeKey: key,
          publicUrl,
        }),
      );
      const queued = await db.transaction().execute(async (trx) => {
        const added = await enqueueMessages(trx, messages);
        if (input.kind !== 'publication' && added > 0) {
          await logNoticeContacts(trx, {
            statementId: input.statementId,
            kind: input.kind,
            noticeId: input.noticeId,
            keys: messages.map((m) => m.key),
            organisationOf: new Map(recipients.map((r) => [r.userId, r.organisationId])),
          });
        }
        return added;
      });
      return { queued, lastUserId: recipients[recipients.length - 1]!.userId, done: recipients.length < input.limit };
    },

    /** Sends what is queued for one notice; the short lease lets a new worker take over a dead one's messages. */
    async deliverSupplierNotices(input: { noticeId: string }): Promise<{ sent: number }> {
      const keyPrefix = supplierNoticeKeyPrefix(input.noticeId);
      let sent = 0;
      // Messages a dead sender had claimed come back when its lease runs out: wait for them
      // rather than finish the fan-out with notices still unsent.
      for (;;) {
        sent += (await noticeMail.deliverMailByKeyPrefix({ keyPrefix })).sent;
        const left = await countUnsentWithKeyPrefix(db, keyPrefix);
        if (left === 0) return { sent };
        Context.current().heartbeat({ sent, waitingFor: left });
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    },

    async latestPublicationVersion(input: { statementId: string }): Promise<number> {
      return (await latestPublication(db, input.statementId))?.version ?? 0;
    },
  };
}

export type MarketActivities = ReturnType<typeof createMarketActivities>;

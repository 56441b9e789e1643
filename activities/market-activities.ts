import { ApplicationFailure, Context } from '@temporalio/activity';
import { latestSnapshot } from '../db/aggregation.js';
import { appendAudit } from '../db/audit.js';
import { contentHash } from '../platform/canonical-json.js';
import {
  engagedSupplierOrgIds,
  findConsultation,
  findMarketSummary,
  findQuestion,
  insertMarketSummary,
  namedOrgIds,
  openConsultation,
  questionCounts,
  responseFacts,
} from '../db/consultation.js';
import type { Db, Tx } from '../db/database.js';
import { findOrganisation, findOrganisations, usersOfKind, usersOfOrganisations } from '../db/organisations.js';
import { enqueueMessages, type OutgoingMessage } from '../db/outbox.js';
import {
  addSignatories,
  countUnsentWithKeyPrefix,
  decideSignatoryRequest,
  findPublication,
  findStatementText,
  findTextDraft,
  insertPublication,
  insertStatementText,
  latestPublication,
  signatoriesDemand,
  upsertApproval,
  upsertSignatoryRequest,
} from '../db/publication.js';
import { publicationDisclosure, snapshotDisclosure } from '../db/disclosure.js';
import { lookupCpvCodes } from '../db/reference-data.js';
import { findStatement } from '../db/statements.js';
import { logNoticeContacts, matchingSuppliers, unsubscribeKey } from '../db/suppliers.js';
import type { Aggregate } from '../domain/aggregation.js';
import { summariseMarket, type MarketSummary } from '../domain/consultation.js';
import type { LpSolver } from '../domain/disclosure/linear-program.js';
import { discloseAggregate, type DisclosedAggregate, type DisclosurePattern } from '../domain/disclosure/protected-views.js';
import { DomainError } from '../domain/errors.js';
import { supplierNoticeKeyPrefix, type MarketEvent, type SupplierNoticeKind } from '../domain/market-events.js';
import { toOcdsRelease, type PublishedStatementForOcds } from '../domain/ocds.js';
import { consultationDemand } from '../domain/suppliers.js';
import type { Schedule } from '../domain/statement.js';
import { formatEur, translatorFor } from '../i18n/index.js';
import { composeForEach, formatDateTime, statementLink } from '../mail/compose.js';
import type { Mailer } from '../mail/mailer.js';
import { composeSupplierNotice } from '../mail/supplier-notice.js';
import { createMailActivities } from './mail-activities.js';
import { renderPublishedLists, renderStatementDocuments } from '../db/public-document-renderer.js';
import { forHistory, recordEventOnce, type RecordResult } from '../db/record-event.js';
import { resolveEventTexts } from '../db/free-texts.js';
import type { WithTextRefs } from '../domain/events.js';

/** Not a registered OCDS prefix: a publisher registers its own with the OCDS Data Support Team. */
export const ocidPrefix = 'ocds-jdemand';

export const publicLinks = (publicUrl: string, statementId: string) => ({
  consultation: new URL(`/consultations/${statementId}`, publicUrl).toString(),
  statement: new URL(`/published/${statementId}`, publicUrl).toString(),
  ocds: new URL(`/api/public/statements/${statementId}/ocds.json`, publicUrl).toString(),
});

export interface MarketActivityDeps {
  db: Db;
  mailer: Mailer;
  publicUrl: string;
  solver: LpSolver;
  /** Lease of a claimed supplier notice; short, so a crashed sender's messages are taken over soon. */
  noticeLeaseSeconds?: number;
}

function asFailure(error: unknown): never {
  if (error instanceof DomainError) {
    throw ApplicationFailure.create({ type: error.code, message: error.message, details: [error.problems], nonRetryable: true });
  }
  throw error;
}

/** The items of a published aggregate as OCDS sees them: each code with lines of its own, quantities only where disclosed. */
async function itemsOf(trx: Tx, demand: DisclosedAggregate): Promise<PublishedStatementForOcds['items']> {
  const known = await lookupCpvCodes(trx, demand.items.map((n) => n.cpvCode));
  return demand.items.map((n) => ({
    cpvCode: n.cpvCode,
    cpvCheckDigit: known.get(n.cpvCode)?.checkDigit ?? null,
    description: known.get(n.cpvCode)?.label ?? `CPV ${n.cpvCode}`,
    quantities: (n.quantities ?? []).map((q) => ({ unit: q.unit, quantity: q.totalQuantity })),
  }));
}

/** Signatories that agreed to be named, and how many others signed. */
function namedSignatories(orgs: readonly { id: string; name: string }[], named: ReadonlySet<string>): string {
  const names = orgs.filter((o) => named.has(o.id)).map((o) => o.name).sort();
  const others = orgs.length - names.length;
  return [...names, ...(others > 0 ? [`+${others}`] : [])].join(', ');
}

/** An amount in a viewer's language, or the words that say it is withheld. */
export function amountOrWithheld(amount: string | null, locale: string): string {
  return amount === null ? translatorFor(locale)('disclosure.withheldValue') : formatEur(amount, locale);
}

export function createMarketActivities(deps: MarketActivityDeps) {
  const { db, publicUrl } = deps;
  const noticeMail = createMailActivities({ db, mailer: deps.mailer, leaseSeconds: deps.noticeLeaseSeconds ?? 15, batchSize: 100 });

  async function mailOrgs(trx: Tx, orgIds: readonly string[], keyPrefix: string, statementId: string, template: string, params: (locale: string) => Record<string, string>) {
    if (orgIds.length === 0) return [];
    const users = await usersOfOrganisations(trx, orgIds);
    return composeForEach(
      users.map((u) => ({ id: u.id, email: u.email, name: u.name, locale: u.locale })),
      keyPrefix,
      statementId,
      template,
      (r) => params(r.locale),
    );
  }

  async function apply(trx: Tx, event: MarketEvent): Promise<{ audit: Record<string, unknown>; mail: OutgoingMessage[] }> {
    const statement = (await findStatement(trx, event.statementId))!;
    const title = statement.title;
    const link = statementLink(publicUrl, event.statementId);
    const prefix = `${event.kind}:${event.statementId}:${event.eventKey}`;
    const at = new Date(event.at);
    switch (event.kind) {
      case 'consultation_opened': {
        await openConsultation(trx, event.statementId);
        return { audit: { noticeId: event.noticeId }, mail: [] };
      }
      case 'approval_opened': {
        const mail = await mailOrgs(trx, event.approverOrgIds, prefix, event.statementId, 'mail.approvalOpened', (locale) => ({
          title,
          version: String(event.version),
          deadline: formatDateTime(event.deadline, locale),
          link,
        }));
        return { audit: { version: event.version, deadline: event.deadline, approvers: event.approverOrgIds }, mail };
      }
      case 'statement_text_revised': {
        const draft = await findTextDraft(trx, event.statementId, event.textHash);
        if (!draft) throw ApplicationFailure.create({ type: 'conflict', message: 'The revised text is not on record', nonRetryable: true });
        const previous = await findStatementText(trx, event.statementId);
        await insertStatementText(trx, { statementId: event.statementId, version: event.version, text: draft.text, hash: draft.text_hash, locale: previous?.locale ?? 'en', userId: event.actor?.userId ?? null, at });
        const mail = await mailOrgs(trx, event.approverOrgIds, prefix, event.statementId, 'mail.approvalOpened', (locale) => ({
          title,
          version: String(event.version),
          deadline: event.deadline ? formatDateTime(event.deadline, locale) : '',
          link,
        }));
        return { audit: { version: event.version, textHash: event.textHash }, mail };
      }
      case 'approval_decided': {
        await upsertApproval(trx, { statementId: event.statementId, version: event.version, orgId: event.orgId, decision: event.decision, comment: event.comment, userId: event.actor!.userId, at });
        let mail: OutgoingMessage[] = [];
        if (event.decision === 'changes_requested') {
          const org = await findOrganisation(trx, event.orgId);
          mail = await mailOrgs(trx, [statement.lead_org_id], prefix, event.statementId, 'mail.changesRequested', () => ({
            title,
            orgName: org?.name ?? '',
            version: String(event.version),
            comment: event.comment ?? '',
            link,
          }));
        }
        return { audit: { organisationId: event.orgId, version: event.version, decision: event.decision, comment: event.comment }, mail };
      }
      case 'approval_deadline_passed': {
        const mail = await mailOrgs(trx, [statement.lead_org_id], prefix, event.statementId, 'mail.approvalDeadlinePassed', () => ({
          title,
          version: String(event.version),
          missing: String(event.missingOrgIds.length),
          link,
        }));
        return { audit: { version: event.version, missing: event.missingOrgIds }, mail };
      }
      case 'proceed_without_missing':
        return { audit: { version: event.version, notSignatories: event.missingOrgIds }, mail: [] };
      case 'statement_published': {
        if (await findPublication(trx, event.publicationId)) return { audit: { publicationId: event.publicationId }, mail: [] };
        const snapshot = await latestSnapshot(trx, event.statementId);
        let aggregate: Aggregate;
        try {
          aggregate = await signatoriesDemand(trx, event.statementId, event.signatoryOrgIds, snapshot!.aggregate as Aggregate);
        } catch (error) {
          asFailure(error);
        }
        const schedule = statement.schedule as Schedule;
        // The figures the publication states, as the public may see them (the lead's own view is the snapshot).
        const disclosure = await publicationDisclosure(trx, deps.solver, { statementId: event.statementId, snapshotId: snapshot!.id, signatoryOrgIds: event.signatoryOrgIds });
        const demand = discloseAggregate(aggregate, disclosure);
        const orgs = await findOrganisations(trx, event.signatoryOrgIds);
        const lead = (await findOrganisation(trx, statement.lead_org_id))!;
        // Signatories are named if they agreed to be; the lead publishes the statement, so it is named.
        const named = new Set([...(await namedOrgIds(trx, event.statementId)), lead.id]);
        let release: unknown;
        try {
          release = toOcdsRelease(
            {
              statementId: event.statementId,
              title,
              description: statement.description,
              version: event.version,
              publishedAt: event.at,
              leadBuyer: { orgId: lead.id, name: lead.name, country: lead.country.trim() },
              // Parties are named: only the signatories that agreed to be (the lead is named by its role).
              buyers: orgs.filter((o) => named.has(o.id)).map((o) => ({ orgId: o.id, name: o.name, country: o.country.trim(), buyerLegalType: o.buyer_legal_type ?? 'la' })),
              items: await itemsOf(trx, demand),
              totalValueEur: demand.totals.valueEur,
              deliveryPeriod: { fromYear: schedule.deliveryFromYear, toYear: schedule.deliveryToYear },
              expectedProcurementStart: schedule.expectedProcurementStart,
            },
            { ocidPrefix },
          );
        } catch (error) {
          asFailure(error);
        }
        await insertPublication(trx, { id: event.publicationId, statementId: event.statementId, version: event.version, textVersion: event.textVersion, signatoryOrgIds: event.signatoryOrgIds, release, aggregate, disclosure, at });
        await addSignatories(trx, { statementId: event.statementId, orgIds: event.newOrgIds, sinceVersion: event.version, late: event.late, at });
        if (event.late) for (const orgId of event.newOrgIds) await decideSignatoryRequest(trx, { statementId: event.statementId, orgId, accepted: true, at });
        // Rendered once, here, for the public routes to serve as stored: a late signatory's version
        // now (a first version's page appears when the stage does), and the lists at once.
        await renderStatementDocuments(trx, { solver: deps.solver, publicUrl }, event.statementId);
        await renderPublishedLists(trx, { publicUrl });
        const names = namedSignatories(orgs, named);
        const params = (locale: string) => ({ title, version: String(event.version), signatories: names, value: amountOrWithheld(demand.totals.valueEur, locale), link: publicLinks(publicUrl, event.statementId).statement });
        const commission = await usersOfKind(trx, 'commission');
        const mail = [
          ...composeForEach(commission.map((u) => ({ id: u.id, email: u.email, name: u.name, locale: u.locale })), `commission-notice:${event.publicationId}`, event.statementId, 'mail.statementPublished', (r) => params(r.locale)),
          ...(await mailOrgs(trx, event.signatoryOrgIds, `published:${event.publicationId}`, event.statementId, 'mail.statementPublished', params)),
        ];
        return { audit: { publicationId: event.publicationId, version: event.version, textVersion: event.textVersion, signatories: event.signatoryOrgIds, late: event.late, releaseId: (release as { id: string }).id }, mail };
      }
      case 'signatory_requested': {
        await upsertSignatoryRequest(trx, { statementId: event.statementId, orgId: event.orgId, userId: event.actor!.userId, at });
        const org = await findOrganisation(trx, event.orgId);
        const mail = await mailOrgs(trx, [statement.lead_org_id], prefix, event.statementId, 'mail.signatoryRequested', () => ({ title, orgName: org?.name ?? '', link }));
        return { audit: { organisationId: event.orgId }, mail };
      }
      case 'signatory_decided': {
        if (!event.accepted) await decideSignatoryRequest(trx, { statementId: event.statementId, orgId: event.orgId, accepted: false, at });
        return { audit: { organisationId: event.orgId, accepted: event.accepted }, mail: [] };
      }
    }
  }

  /** The recipients and text of one page of a supplier notice. */
  async function noticePage(input: { noticeId: string; statementId: string; kind: SupplierNoticeKind; ref: string | null; afterUserId: string | null; limit: number }) {
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
    if (input.kind === 'publication') {
      const publication = (await findPublication(db, input.ref!))!;
      const orgs = await findOrganisations(db, publication.signatory_org_ids);
      countries = [...new Set(orgs.map((o) => o.country.trim()))];
      const names = namedSignatories(orgs, new Set([...(await namedOrgIds(db, input.statementId)), statement.lead_org_id]));
      const published = discloseAggregate(publication.aggregate as Aggregate, publication.disclosure as DisclosurePattern);
      template = 'mail.supplier.published';
      params = (locale) => ({ title: statement.title, signatories: names, value: amountOrWithheld(published.totals.valueEur, locale), link: links.statement, ocds: links.ocds });
    } else if (input.kind === 'answer') {
      const question = (await findQuestion(db, input.statementId, Number(input.ref)))!;
      alsoOrgIds = await engagedSupplierOrgIds(db, input.statementId);
      template = 'mail.supplier.answerPublished';
      params = () => ({ title: statement.title, number: String(question.number), question: question.question, answer: question.answer ?? '', link: links.consultation });
    } else {
      template = 'mail.supplier.consultationOpened';
      const total = snapshot ? discloseAggregate(aggregate!, await snapshotDisclosure(db, deps.solver, snapshot.id)).totals.valueEur : '0';
      params = (locale) => ({
        title: statement.title,
        deadline: statement.stage_deadline ? formatDateTime(statement.stage_deadline.toISOString(), locale) : '',
        value: amountOrWithheld(total, locale),
        buyers: String(aggregate?.totals.buyers ?? 0),
        countries: String(aggregate?.totals.countries ?? 0),
        link: links.consultation,
      });
    }
    const recipients = await matchingSuppliers(db, { cpvCodes, countries, alsoOrgIds }, { afterUserId: input.afterUserId, limit: input.limit });
    return { recipients, template, params };
  }

  return {
    async recordMarketEvent(event: WithTextRefs<MarketEvent>): Promise<RecordResult> {
      return forHistory(await recordEventOnce(db, event.statementId, await resolveEventTexts<MarketEvent>(db, event), apply));
    },

    /** Stores the market summary once (keyed by its id) with its audit row. */
    async computeMarketSummary(request: { statementId: string; summaryId: string; eventKey: string; at: string }): Promise<{ summaryId: string; summaryHash: string; responses: number }> {
      return db.transaction().execute(async (trx) => {
        const existing = await findMarketSummary(trx, request.summaryId);
        if (existing) return { summaryId: existing.id, summaryHash: existing.summary_hash, responses: (existing.summary as MarketSummary).responses };
        const consultation = await findConsultation(trx, request.statementId);
        const facts = await responseFacts(trx, request.statementId);
        const summary = summariseMarket(
          facts.map((f) => ({ supplierOrgId: f.supplier_org_id, country: f.country.trim(), sme: f.sme ?? false, answers: f.answers })),
          consultation?.questions ?? [],
          await questionCounts(trx, request.statementId),
        );
        const hash = contentHash(summary);
        await insertMarketSummary(trx, { id: request.summaryId, statementId: request.statementId, summary, hash, at: new Date(request.at) });
        await appendAudit(trx, {
          chain: request.statementId,
          eventKey: request.eventKey,
          statementId: request.statementId,
          actorUserId: null,
          actorOrgId: null,
          action: 'market_summary_stored',
          data: { summaryId: request.summaryId, summaryHash: hash, responses: summary.responses, smeShare: summary.smeShare, countries: summary.countries.length },
          at: new Date(request.at),
        });
        return { summaryId: request.summaryId, summaryHash: hash, responses: summary.responses };
      });
    },

    /** Drafts version 1 of the statement text from the aggregate and the market summary, in the lead's language. */
    async draftStatementText(request: { statementId: string; summaryId: string; eventKey: string; at: string }): Promise<{ version: number; textHash: string }> {
      return db.transaction().execute(async (trx) => {
        const existing = await findStatementText(trx, request.statementId, 1);
        if (existing) return { version: 1, textHash: existing.text_hash };
        const statement = (await findStatement(trx, request.statementId))!;
        const aggregate = (await latestSnapshot(trx, request.statementId))!.aggregate as Aggregate;
        const summary = (await findMarketSummary(trx, request.summaryId))!.summary as MarketSummary;
        const [leadUser] = await usersOfOrganisations(trx, [statement.lead_org_id]);
        const locale = leadUser?.locale ?? 'en';
        const t = translatorFor(locale);
        const schedule = statement.schedule as Schedule;
        // The text is read by every participant and Commission staff, and published: it states the
        // figures as they may see them.
        const snapshot = (await latestSnapshot(trx, request.statementId))!;
        const demand = discloseAggregate(aggregate, await snapshotDisclosure(trx, deps.solver, snapshot.id));
        const labels = await lookupCpvCodes(trx, demand.items.map((n) => n.cpvCode));
        const items = demand.items
          .map((n) => {
            const code = { cpvCode: labels.get(n.cpvCode) ? `${n.cpvCode}-${labels.get(n.cpvCode)!.checkDigit}` : n.cpvCode, label: labels.get(n.cpvCode)?.label ?? '' };
            return n.withheld
              ? t('statementText.itemWithheld', { ...code, withheld: t('disclosure.withheldValue') })
              : t('statementText.item', { ...code, quantities: (n.quantities ?? []).map((q) => `${q.totalQuantity} ${q.unit}`).join('; '), value: formatEur(n.valueEur!, locale) });
          })
          .join('\n');
        const countryList = [...new Set(aggregate.buyers.map((b) => b.country.trim()))].sort().join(', ');
        const text = t('statementText.body', {
          title: statement.title,
          description: statement.description,
          buyers: String(aggregate.totals.buyers),
          countries: String(aggregate.totals.countries),
          countryList,
          value: amountOrWithheld(demand.totals.valueEur, locale),
          fromYear: String(schedule.deliveryFromYear),
          toYear: String(schedule.deliveryToYear),
          items,
          procurementStart: schedule.expectedProcurementStart,
          responses: String(summary.responses),
          smeShare: `${(Number(summary.smeShare) * 100).toFixed(0)} %`,
          supplierCountries: summary.countries.length ? summary.countries.map((c) => c.country).join(', ') : t('statementText.noSuppliers'),
          questions: String(summary.questionsAnswered),
        });
        const hash = contentHash({ text });
        await insertStatementText(trx, { statementId: request.statementId, version: 1, text, hash, locale, userId: null, at: new Date(request.at) });
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
    async queueSupplierNotices(input: { noticeId: string; statementId: string; kind: SupplierNoticeKind; ref: string | null; afterUserId: string | null; limit: number }): Promise<{ queued: number; lastUserId: string | null; done: boolean }> {
      const { recipients, template, params } = await noticePage(input);
      if (recipients.length === 0) return { queued: 0, lastUserId: input.afterUserId, done: true };
      const key = await unsubscribeKey(db);
      const messages = recipients.map((r) =>
        composeSupplierNotice(r, { key: `${supplierNoticeKeyPrefix(input.noticeId)}${r.userId}`, statementId: null, template, params: params(r.locale), unsubscribeKey: key, publicUrl }),
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

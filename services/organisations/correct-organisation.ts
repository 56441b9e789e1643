import { createHash, randomUUID } from 'node:crypto';

import { storeAggregateSnapshot } from '../../db/aggregate-snapshot.js';
import { latestSnapshot } from '../../db/aggregation.js';
import { appendAudit, PLATFORM_CHAIN, recordedAuditData } from '../../db/audit.js';
import { listUserAccess } from '../../db/credentials.js';
import type { Tx } from '../../db/database.js';
import {
  findOrganisation,
  lockOrganisation,
  organisationCorrections,
  statementsCountingOrganisation,
  updateOrganisation,
} from '../../db/organisations.js';
import { pendingMessageIdsWithKeyPrefix } from '../../db/outbox.js';
import { recordEventIn } from '../../db/record-event.js';
import type { Organisation } from '../../db/schema.js';
import type { Aggregate } from '../../domain/aggregation.js';
import { canAdministerOrganisations, type Principal } from '../../domain/authorization.js';
import { DomainError, unprocessable } from '../../domain/errors.js';
import {
  affectsFigures,
  type CorrectableOrganisation,
  correctionChanges,
  correctionProblems,
  type FieldChange,
  type OrganisationCorrection,
  stagesWithLiveFigures,
} from '../../domain/organisation-corrections.js';
import { formatEur } from '../../i18n/index.js';
import { statementLink } from '../../mail/compose.js';
import { composeNotices } from '../../mail/notices/notice.js';
import { contentHash } from '../../platform/canonical-json.js';
import { loadLpSolver } from '../../platform/lp-solver.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { sendQueuedMail } from '../mail/send-queued-mail.js';
import { idempotencyKeyReused } from '../statements/idempotency.js';
import { userAccessView } from '../user-admin/require-admin.js';
import { toOrganisationView } from './organisation-contracts.js';

function requireAdministrator(principal: Principal): void {
  const decision = canAdministerOrganisations(principal);
  if (!decision.allowed)
    throw new DomainError(decision.code, 'Only an administrator may read and correct organisations');
}

const correctable = (o: Organisation): CorrectableOrganisation => ({
  kind: o.kind,
  name: o.name,
  country: o.country.trim(),
  buyerLegalType: o.buyer_legal_type,
  nuts: o.nuts,
  sme: o.sme,
});

const columnOf = {
  name: 'name',
  country: 'country',
  buyerLegalType: 'buyer_legal_type',
  nuts: 'nuts',
  sme: 'sme',
} as const;

/** A UUID fixed by its inputs, so a retried correction stores the same snapshot id (and so nothing twice). */
function derivedUuid(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\n')).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** What the lead is told and the audit keeps of one statement's re-run. */
export interface StatementRerun {
  statementId: string;
  title: string;
  stage: string;
  previousSnapshotId: string;
  snapshotId: string;
  criticalMassMet: { before: boolean; after: boolean };
  countries: { before: number; after: number };
  /** The EU threshold of each contract nature, before and after (Art. 4): the one a legal type changes. */
  thresholds: { nature: string; before: string | null; after: string | null }[];
}

interface StoredThresholds {
  natures?: { nature: string; thresholdEur: string }[];
}

function thresholdsOf(stored: unknown): Map<string, string> {
  return new Map(((stored as StoredThresholds | null)?.natures ?? []).map((n) => [n.nature, n.thresholdEur]));
}

/**
 * Computes the statement's checks again with the corrected organisation: a new snapshot of the
 * same round, with the rates the previous one used (only what the correction changed changes),
 * through the aggregation's own code (`storeAggregateSnapshot`), keyed by the correction so a
 * retry stores nothing twice; the lead is told by e-mail through the outbox, keyed the same way.
 */
async function rerunChecks(
  trx: Tx,
  ctx: ServiceContext,
  principal: Principal,
  statement: { id: string; title: string; stage: string; lead_org_id: string },
  correction: { key: string; organisation: Organisation; changes: FieldChange[]; reason: string; at: string },
): Promise<StatementRerun | undefined> {
  let rerun: StatementRerun | undefined;
  await recordEventIn(
    trx,
    statement.id,
    {
      statementId: statement.id,
      eventKey: `organisation-corrected:${correction.key}`,
      kind: 'organisation_corrected',
      at: correction.at,
      actor: { userId: principal.userId, orgId: principal.orgId, asAdministrator: true },
    },
    async (t) => {
      const previous = await latestSnapshot(t, statement.id);
      if (!previous) return { audit: null, mail: [] };
      const before = previous.aggregate as Aggregate;
      const snapshotId = derivedUuid(correction.key, statement.id);
      const outcome = await storeAggregateSnapshot(
        t,
        { solver: await loadLpSolver() },
        {
          statementId: statement.id,
          snapshotId,
          round: previous.round,
          eventKey: `organisation-corrected:${correction.key}:aggregate`,
          at: correction.at,
        },
        { date: before.conversion.date, source: before.conversion.source, rates: before.conversion.rates },
      );
      const after = await latestSnapshot(t, statement.id);
      const thresholdsBefore = thresholdsOf(previous.thresholds);
      const thresholdsAfter = thresholdsOf(after?.thresholds);
      rerun = {
        statementId: statement.id,
        title: statement.title,
        stage: statement.stage,
        previousSnapshotId: previous.id,
        snapshotId: outcome.snapshotId,
        criticalMassMet: { before: previous.critical_mass_met, after: outcome.criticalMassMet },
        countries: { before: before.totals.countries, after: (after?.aggregate as Aggregate).totals.countries },
        thresholds: [...new Set([...thresholdsBefore.keys(), ...thresholdsAfter.keys()])].sort().map((nature) => ({
          nature,
          before: thresholdsBefore.get(nature) ?? null,
          after: thresholdsAfter.get(nature) ?? null,
        })),
      };
      const r = rerun;
      const mail = await composeNotices(t, statement.id, [
        {
          to: [statement.lead_org_id],
          key: leadNoticeKey(statement.id, correction.key),
          template: 'mail.organisationCorrected',
          params: (a, tr) => ({
            title: statement.title,
            orgName: correction.organisation.name,
            changes: correction.changes
              .map((c) => `- ${tr(`mail.organisationCorrected.fields.${c.field}`)}: ${show(c.from)} → ${show(c.to)}`)
              .join('\n'),
            reason: correction.reason,
            criticalMass: tr(
              r.criticalMassMet.after ? 'mail.organisationCorrected.met' : 'mail.organisationCorrected.notMet',
            ),
            criticalMassBefore: tr(
              r.criticalMassMet.before ? 'mail.organisationCorrected.met' : 'mail.organisationCorrected.notMet',
            ),
            countries: String(r.countries.after),
            countriesBefore: String(r.countries.before),
            thresholds: r.thresholds
              .filter((th) => th.before !== th.after)
              .map((th) =>
                tr('mail.organisationCorrected.threshold', {
                  nature: tr(`mail.organisationCorrected.natures.${th.nature}`),
                  before: th.before === null ? '—' : formatEur(th.before, a.locale),
                  after: th.after === null ? '—' : formatEur(th.after, a.locale),
                }),
              )
              .join(''),
            link: statementLink(ctx.config.PUBLIC_URL, statement.id),
          }),
        },
      ]);
      return {
        audit: {
          organisationId: correction.organisation.id,
          changes: correction.changes,
          previousSnapshotId: r.previousSnapshotId,
          snapshotId: r.snapshotId,
          criticalMassMet: r.criticalMassMet,
          countries: r.countries,
          thresholds: r.thresholds,
        },
        mail,
      };
    },
  );
  return rerun;
}

const show = (v: string | boolean | null): string => (v === null ? '—' : String(v));

const leadNoticeKey = (statementId: string, correctionKey: string) =>
  `organisation-corrected:${statementId}:${correctionKey}`;

/**
 * Hands the leads' notices of a correction to delivery once it has committed (a retry hands what
 * is still pending again; a delivery started twice for one message runs once).
 */
async function deliverLeadNotices(ctx: ServiceContext, correctionKey: string, statements: readonly StatementRerun[]) {
  for (const s of statements)
    for (const id of await pendingMessageIdsWithKeyPrefix(ctx.db, `${leadNoticeKey(s.statementId, correctionKey)}:`))
      await sendQueuedMail(ctx, id);
}

export interface CorrectionResult {
  organisation: ReturnType<typeof toOrganisationView>;
  changes: FieldChange[];
  reason: string;
  /** The running statements whose checks were run again, and what they say now. */
  statements: StatementRerun[];
}

/**
 * An administrator corrects an organisation: the change, its audit entry on the platform chain
 * (with the reason and the values before and after), and, when the change moves figures (legal
 * type or country), every running statement that counted the organisation has its checks run
 * again and its lead told. All in one transaction: a correction is made whole or not at all. A
 * retry with the same Idempotency-Key answers what the first one did and changes nothing twice.
 */
export async function correctOrganisation(
  ctx: ServiceContext,
  principal: Principal,
  organisationId: string,
  input: OrganisationCorrection,
  meta: RequestMeta,
): Promise<CorrectionResult> {
  requireAdministrator(principal);
  const requestHash = contentHash({ organisationId, input });
  const key = `${organisationId}:${meta.idempotencyKey ?? randomUUID()}`;
  const eventKey = `organisation-corrected:${key}`;
  const result = await ctx.db.transaction().execute(async (trx): Promise<CorrectionResult> => {
    const current = await lockOrganisation(trx, organisationId);
    if (!current) throw new DomainError('not_found', 'Organisation not found');
    const earlier = await recordedAuditData(trx, PLATFORM_CHAIN, eventKey);
    if (earlier) {
      if (earlier.requestHash !== requestHash)
        throw unprocessable([idempotencyKeyReused], 'This Idempotency-Key was already used for a different request');
      return {
        organisation: toOrganisationView(current),
        changes: earlier.changes as FieldChange[],
        reason: earlier.reason as string,
        statements: earlier.statements as StatementRerun[],
      };
    }
    const changes = correctionChanges(correctable(current), input);
    const problems = correctionProblems(correctable(current), changes);
    if (problems.length > 0) throw unprocessable(problems, 'The correction breaks a rule of organisations');
    const patch: Record<string, unknown> = {};
    for (const c of changes) patch[columnOf[c.field]] = c.to;
    const updated = await updateOrganisation(trx, organisationId, patch);
    const at = new Date().toISOString();
    const statements: StatementRerun[] = [];
    if (affectsFigures(changes)) {
      for (const statement of await statementsCountingOrganisation(trx, organisationId, stagesWithLiveFigures)) {
        const rerun = await rerunChecks(trx, ctx, principal, statement, {
          key,
          organisation: updated,
          changes,
          reason: input.reason,
          at,
        });
        if (rerun) statements.push(rerun);
      }
    }
    await appendAudit(trx, {
      chain: PLATFORM_CHAIN,
      eventKey,
      statementId: null,
      actorUserId: principal.userId,
      actorOrgId: principal.orgId,
      action: 'organisation_corrected',
      data: { organisationId, changes, reason: input.reason, requestHash, statements },
      at: new Date(at),
    });
    return { organisation: toOrganisationView(updated), changes, reason: input.reason, statements };
  });
  await deliverLeadNotices(ctx, key, result.statements);
  return result;
}

/** An organisation as an administrator reads it: its record, its users, its corrections and the running statements that counted it. */
export async function getOrganisationForAdministrator(
  ctx: ServiceContext,
  principal: Principal,
  organisationId: string,
) {
  requireAdministrator(principal);
  const organisation = await findOrganisation(ctx.db, organisationId);
  if (!organisation) throw new DomainError('not_found', 'Organisation not found');
  const [users, corrections, statements] = await Promise.all([
    listUserAccess(ctx.db, organisationId),
    organisationCorrections(ctx.db, organisationId),
    statementsCountingOrganisation(ctx.db, organisationId, stagesWithLiveFigures),
  ]);
  return {
    organisation: toOrganisationView(organisation),
    users: users.map(userAccessView),
    corrections: corrections.map((c) => ({
      at: c.at.toISOString(),
      byUserId: c.actor_user_id,
      changes: c.data.changes as FieldChange[],
      reason: c.data.reason as string,
      statementsRerun: ((c.data.statements as StatementRerun[] | undefined) ?? []).length,
    })),
    runningStatements: statements.map((s) => ({ statementId: s.id, title: s.title, stage: s.stage })),
  };
}

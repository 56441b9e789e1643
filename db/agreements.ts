import { sql } from 'kysely';

import type { ConfirmedNeed } from '../domain/agreement.js';
import type { AgreementPartyStatus, AgreementStatus } from '../domain/agreement-process.js';
import {
  type CentralPurchasingBody,
  jointRoute,
  type ProcurementRoute,
  type RouteFacts,
} from '../domain/cross-border.js';
import type { DbOrTx, Tx } from './database.js';

/** Repository of joint procurement agreements: one per statement, keyed by the statement id. */

export async function insertAgreement(
  db: DbOrTx,
  a: { statementId: string; leadOrgId: string; startedBy: string; at: Date; deadline: Date | null },
): Promise<void> {
  await db
    .insertInto('agreements')
    .values({
      statement_id: a.statementId,
      lead_org_id: a.leadOrgId,
      status: 'negotiation',
      signature_deadline: a.deadline,
      started_by: a.startedBy,
      started_at: a.at,
    })
    .execute();
}

export async function findAgreement(db: DbOrTx, statementId: string) {
  return db.selectFrom('agreements').selectAll().where('statement_id', '=', statementId).executeTakeFirst();
}

export async function setAgreementStatus(
  db: DbOrTx,
  statementId: string,
  s: { status: AgreementStatus; inForceAt?: Date; cancelReason?: string },
): Promise<void> {
  await db
    .updateTable('agreements')
    .set({
      status: s.status,
      ...(s.inForceAt ? { in_force_at: s.inForceAt } : {}),
      ...(s.cancelReason !== undefined ? { cancel_reason: s.cancelReason } : {}),
      updated_at: sql<Date>`now()`,
    })
    .where('statement_id', '=', statementId)
    .execute();
}

export async function setSignatureDeadline(db: DbOrTx, statementId: string, deadline: Date): Promise<void> {
  await db
    .updateTable('agreements')
    .set({ signature_deadline: deadline, updated_at: sql<Date>`now()` })
    .where('statement_id', '=', statementId)
    .execute();
}

export async function insertAgreementParties(
  db: DbOrTx,
  statementId: string,
  parties: readonly { orgId: string; status: AgreementPartyStatus }[],
  at: Date,
): Promise<void> {
  if (parties.length === 0) return;
  await db
    .insertInto('agreement_parties')
    .values(
      parties.map((p) => ({
        statement_id: statementId,
        organisation_id: p.orgId,
        status: p.status,
        status_reason: null,
        updated_at: at,
      })),
    )
    .onConflict((oc) => oc.columns(['statement_id', 'organisation_id']).doNothing())
    .execute();
}

export async function setAgreementPartyStatus(
  db: DbOrTx,
  p: { statementId: string; orgId: string; status: AgreementPartyStatus; reason: string | null; at: Date },
): Promise<void> {
  await db
    .updateTable('agreement_parties')
    .set({ status: p.status, status_reason: p.reason, updated_at: p.at })
    .where('statement_id', '=', p.statementId)
    .where('organisation_id', '=', p.orgId)
    .execute();
}

export async function agreementPartyStatusOf(
  db: DbOrTx,
  statementId: string,
  orgId: string,
): Promise<AgreementPartyStatus | null> {
  const row = await db
    .selectFrom('agreement_parties')
    .select('status')
    .where('statement_id', '=', statementId)
    .where('organisation_id', '=', orgId)
    .executeTakeFirst();
  return (row?.status as AgreementPartyStatus | undefined) ?? null;
}

export async function listAgreementParties(db: DbOrTx, statementId: string) {
  return db
    .selectFrom('agreement_parties')
    .innerJoin('organisations', 'organisations.id', 'agreement_parties.organisation_id')
    .select([
      'agreement_parties.organisation_id',
      'agreement_parties.status',
      'agreement_parties.status_reason',
      'agreement_parties.updated_at',
      'organisations.name',
      'organisations.country',
    ])
    .where('agreement_parties.statement_id', '=', statementId)
    .orderBy('organisations.name')
    .execute();
}

export async function agreementOrgIds(
  db: DbOrTx,
  statementId: string,
  statuses: readonly AgreementPartyStatus[],
): Promise<string[]> {
  if (statuses.length === 0) return [];
  const rows = await db
    .selectFrom('agreement_parties')
    .select('organisation_id')
    .where('statement_id', '=', statementId)
    .where('status', 'in', statuses)
    .execute();
  return rows.map((r) => r.organisation_id);
}

export async function upsertAgreementDraft(
  db: DbOrTx,
  d: { statementId: string; content: unknown; contentHash: string; userId: string; at: Date },
): Promise<void> {
  await db
    .insertInto('agreement_drafts')
    .values({
      statement_id: d.statementId,
      content: JSON.stringify(d.content),
      content_hash: d.contentHash,
      updated_by: d.userId,
      updated_at: d.at,
    })
    .onConflict((oc) =>
      oc.column('statement_id').doUpdateSet({
        content: JSON.stringify(d.content),
        content_hash: d.contentHash,
        updated_by: d.userId,
        updated_at: d.at,
      }),
    )
    .execute();
}

export async function findAgreementDraft(db: DbOrTx, statementId: string) {
  return db.selectFrom('agreement_drafts').selectAll().where('statement_id', '=', statementId).executeTakeFirst();
}

export async function insertAgreementVersion(
  db: DbOrTx,
  v: {
    id: string;
    statementId: string;
    version: number;
    content: unknown;
    contentHash: string;
    note: string | null;
    html: string;
    pdf: Buffer;
    pdfHash: string;
    createdBy: string;
    at: Date;
  },
): Promise<void> {
  await db
    .insertInto('agreement_versions')
    .values({
      id: v.id,
      statement_id: v.statementId,
      version: v.version,
      content: JSON.stringify(v.content),
      content_hash: v.contentHash,
      note: v.note,
      html: v.html,
      pdf: v.pdf,
      pdf_hash: v.pdfHash,
      created_by: v.createdBy,
      created_at: v.at,
    })
    .execute();
  await db
    .updateTable('agreements')
    .set({ current_version: v.version, current_version_id: v.id, updated_at: sql<Date>`now()` })
    .where('statement_id', '=', v.statementId)
    .execute();
}

/** Versions without their documents, oldest first. */
export async function listAgreementVersions(db: DbOrTx, statementId: string) {
  return db
    .selectFrom('agreement_versions')
    .innerJoin('users', 'users.id', 'agreement_versions.created_by')
    .select([
      'agreement_versions.id',
      'agreement_versions.version',
      'agreement_versions.content_hash',
      'agreement_versions.pdf_hash',
      'agreement_versions.note',
      'agreement_versions.created_at',
      'agreement_versions.created_by',
      'users.name as created_by_name',
    ])
    .where('agreement_versions.statement_id', '=', statementId)
    .orderBy('agreement_versions.version')
    .execute();
}

export async function findAgreementVersion(db: DbOrTx, statementId: string, version: number) {
  return db
    .selectFrom('agreement_versions')
    .selectAll()
    .where('statement_id', '=', statementId)
    .where('version', '=', version)
    .executeTakeFirst();
}

export async function findAgreementVersionById(db: DbOrTx, id: string) {
  return db
    .selectFrom('agreement_versions')
    .select(['id', 'statement_id', 'version', 'content_hash', 'pdf_hash'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function insertAgreementComment(
  db: DbOrTx,
  c: {
    id: string;
    statementId: string;
    versionId: string;
    orgId: string;
    userId: string;
    clause: string | null;
    text: string;
    at: Date;
  },
): Promise<void> {
  await db
    .insertInto('agreement_comments')
    .values({
      id: c.id,
      statement_id: c.statementId,
      version_id: c.versionId,
      organisation_id: c.orgId,
      user_id: c.userId,
      clause: c.clause,
      text: c.text,
      created_at: c.at,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

export async function listAgreementComments(db: DbOrTx, versionId: string) {
  return db
    .selectFrom('agreement_comments')
    .innerJoin('organisations', 'organisations.id', 'agreement_comments.organisation_id')
    .innerJoin('users', 'users.id', 'agreement_comments.user_id')
    .select([
      'agreement_comments.id',
      'agreement_comments.organisation_id',
      'organisations.name as organisation_name',
      'agreement_comments.user_id',
      'users.name as user_name',
      'agreement_comments.clause',
      'agreement_comments.text',
      'agreement_comments.created_at',
    ])
    .where('agreement_comments.version_id', '=', versionId)
    .orderBy('agreement_comments.created_at')
    .orderBy('agreement_comments.id')
    .execute();
}

export async function insertAgreementSignature(
  db: DbOrTx,
  s: { statementId: string; versionId: string; orgId: string; userId: string; versionHash: string; at: Date },
): Promise<void> {
  await db
    .insertInto('agreement_signatures')
    .values({
      statement_id: s.statementId,
      version_id: s.versionId,
      organisation_id: s.orgId,
      user_id: s.userId,
      version_hash: s.versionHash,
      signed_at: s.at,
    })
    .execute();
}

/** Clears every standing signature of the agreement (an amendment or a change of parties). Returns whose. */
export async function clearAgreementSignatures(
  db: DbOrTx,
  statementId: string,
  reason: string,
  at: Date,
): Promise<string[]> {
  const rows = await db
    .updateTable('agreement_signatures')
    .set({ cleared_at: at, cleared_reason: reason })
    .where('statement_id', '=', statementId)
    .where('cleared_at', 'is', null)
    .returning('organisation_id')
    .execute();
  return rows.map((r) => r.organisation_id);
}

export async function listAgreementSignatures(db: DbOrTx, statementId: string) {
  return db
    .selectFrom('agreement_signatures')
    .innerJoin('users', 'users.id', 'agreement_signatures.user_id')
    .innerJoin('agreement_versions', 'agreement_versions.id', 'agreement_signatures.version_id')
    .select([
      'agreement_signatures.version_id',
      'agreement_versions.version',
      'agreement_signatures.organisation_id',
      'agreement_signatures.user_id',
      'users.name as user_name',
      'agreement_signatures.version_hash',
      'agreement_signatures.signed_at',
      'agreement_signatures.cleared_at',
      'agreement_signatures.cleared_reason',
    ])
    .where('agreement_signatures.statement_id', '=', statementId)
    .orderBy('agreement_signatures.signed_at')
    .execute();
}

/**
 * Confirmed need lines of the given organisations, from which each party's distribution is
 * checked (and, by default, written).
 */
export async function confirmedNeedsOf(
  db: DbOrTx,
  statementId: string,
  orgIds: readonly string[],
): Promise<ConfirmedNeed[]> {
  if (orgIds.length === 0) return [];
  const rows = await db
    .selectFrom('need_lines')
    .innerJoin('need_versions', 'need_versions.id', 'need_lines.version_id')
    .select(['need_lines.organisation_id', 'need_lines.cpv_code', 'need_lines.unit', 'need_lines.quantity'])
    .where('need_lines.statement_id', '=', statementId)
    .where('need_lines.organisation_id', 'in', orgIds)
    .where('need_versions.status', '=', 'confirmed')
    .orderBy('need_lines.organisation_id')
    .orderBy('need_lines.line_no')
    .execute();
  return rows.map((r) => ({ orgId: r.organisation_id, cpvCode: r.cpv_code, unit: r.unit, quantity: r.quantity }));
}

// The statement's procurement route (Directive 2014/24/EU Art. 37, 39(2)-(4); domain/cross-border.ts).

/** A buyer organisation with its eForms CPB indicators (OPP-051 awarding, OPP-052 acquiring), or undefined. */
export async function findCentralPurchasingBody(db: DbOrTx, orgId: string): Promise<CentralPurchasingBody | undefined> {
  const row = await db
    .selectFrom('organisations')
    .select(['id', 'name', 'country', 'kind', 'awarding_cpb', 'acquiring_cpb'])
    .where('id', '=', orgId)
    .executeTakeFirst();
  return row
    ? {
        orgId: row.id,
        name: row.name,
        country: row.country.trim(),
        kind: row.kind,
        awardingCpb: row.awarding_cpb,
        acquiringCpb: row.acquiring_cpb,
      }
    : undefined;
}

/** The route the statement chose (the joint route when none), with the CPB's name and country. */
export async function findProcurementRoute(db: DbOrTx, statementId: string): Promise<RouteFacts> {
  const row = await db
    .selectFrom('statements')
    .leftJoin('organisations as cpb', (join) =>
      join.on(sql<boolean>`cpb.id::text = statements.procurement_route ->> 'centralPurchasingBodyOrgId'`),
    )
    .select(['statements.procurement_route', 'cpb.id as cpb_id', 'cpb.name as cpb_name', 'cpb.country as cpb_country'])
    .where('statements.id', '=', statementId)
    .executeTakeFirst();
  const route = row?.procurement_route as ProcurementRoute | null | undefined;
  if (!row || !route || route.kind !== 'central_purchasing_body' || !row.cpb_id) return jointRoute;
  return {
    route: 'central_purchasing_body',
    centralPurchasingBody: { orgId: row.cpb_id, name: row.cpb_name!, country: row.cpb_country!.trim() },
  };
}

/** Records the route; the joint route is stored as null, as statements that never chose one. */
export async function setProcurementRoute(trx: Tx, statementId: string, route: ProcurementRoute): Promise<void> {
  await trx
    .updateTable('statements')
    .set({ procurement_route: route.kind === 'joint' ? null : JSON.stringify(route) })
    .where('id', '=', statementId)
    .execute();
}

/** Buyer organisations recorded as central purchasing bodies, by name. */
export async function listCentralPurchasingBodies(db: DbOrTx): Promise<CentralPurchasingBody[]> {
  const rows = await db
    .selectFrom('organisations')
    .select(['id', 'name', 'country', 'kind', 'awarding_cpb', 'acquiring_cpb'])
    .where('kind', '=', 'buyer')
    .where((eb) => eb.or([eb('awarding_cpb', '=', true), eb('acquiring_cpb', '=', true)]))
    .orderBy('name')
    .orderBy('id')
    .limit(1000)
    .execute();
  return rows.map((row) => ({
    orgId: row.id,
    name: row.name,
    country: row.country.trim(),
    kind: row.kind,
    awardingCpb: row.awarding_cpb,
    acquiringCpb: row.acquiring_cpb,
  }));
}

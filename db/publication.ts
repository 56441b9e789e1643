import { sql } from 'kysely';

import { type Aggregate, aggregateDemand, type ConfirmedNeed } from '../domain/aggregation.js';
import type { DbOrTx } from './database.js';

export async function insertTextDraft(
  db: DbOrTx,
  d: { statementId: string; hash: string; text: string; userId: string },
): Promise<void> {
  await db
    .insertInto('statement_text_drafts')
    .values({ statement_id: d.statementId, text_hash: d.hash, text: d.text, created_by: d.userId })
    .onConflict((oc) => oc.columns(['statement_id', 'text_hash']).doNothing())
    .execute();
}

export async function findTextDraft(db: DbOrTx, statementId: string, hash: string) {
  return db
    .selectFrom('statement_text_drafts')
    .selectAll()
    .where('statement_id', '=', statementId)
    .where('text_hash', '=', hash)
    .executeTakeFirst();
}

export async function insertStatementText(
  db: DbOrTx,
  t: {
    statementId: string;
    version: number;
    text: string;
    hash: string;
    locale: string;
    userId: string | null;
    at: Date;
  },
): Promise<void> {
  await db
    .insertInto('statement_texts')
    .values({
      statement_id: t.statementId,
      version: t.version,
      text: t.text,
      text_hash: t.hash,
      locale: t.locale,
      created_by: t.userId,
      created_at: t.at,
    })
    .onConflict((oc) => oc.columns(['statement_id', 'version']).doNothing())
    .execute();
}

export async function findStatementText(db: DbOrTx, statementId: string, version?: number) {
  let q = db.selectFrom('statement_texts').selectAll().where('statement_id', '=', statementId);
  q = version === undefined ? q.orderBy('version', 'desc').limit(1) : q.where('version', '=', version);
  return q.executeTakeFirst();
}

export async function listStatementTextVersions(db: DbOrTx, statementId: string) {
  return db
    .selectFrom('statement_texts')
    .select(['version', 'text_hash', 'created_by', 'created_at'])
    .where('statement_id', '=', statementId)
    .orderBy('version')
    .execute();
}

export async function upsertApproval(
  db: DbOrTx,
  a: {
    statementId: string;
    version: number;
    orgId: string;
    decision: 'approved' | 'changes_requested';
    comment: string | null;
    userId: string;
    at: Date;
  },
): Promise<void> {
  await db
    .insertInto('statement_approvals')
    .values({
      statement_id: a.statementId,
      text_version: a.version,
      organisation_id: a.orgId,
      decision: a.decision,
      comment: a.comment,
      decided_by: a.userId,
      decided_at: a.at,
    })
    .onConflict((oc) =>
      oc
        .columns(['statement_id', 'text_version', 'organisation_id'])
        .doUpdateSet({ decision: a.decision, comment: a.comment, decided_by: a.userId, decided_at: a.at }),
    )
    .execute();
}

export async function listApprovals(db: DbOrTx, statementId: string) {
  return db
    .selectFrom('statement_approvals as a')
    .innerJoin('organisations as o', 'o.id', 'a.organisation_id')
    .select(['a.text_version', 'a.organisation_id', 'o.name', 'a.decision', 'a.comment', 'a.decided_at'])
    .where('a.statement_id', '=', statementId)
    .orderBy('a.text_version')
    .orderBy('a.decided_at')
    .execute();
}

export async function insertPublication(
  db: DbOrTx,
  p: {
    id: string;
    statementId: string;
    version: number;
    textVersion: number;
    signatoryOrgIds: string[];
    release: unknown;
    aggregate: unknown;
    disclosure: unknown;
    at: Date;
  },
): Promise<void> {
  await db
    .insertInto('publications')
    .values({
      id: p.id,
      statement_id: p.statementId,
      version: p.version,
      text_version: p.textVersion,
      signatory_org_ids: p.signatoryOrgIds,
      release: JSON.stringify(p.release),
      aggregate: JSON.stringify(p.aggregate),
      disclosure: JSON.stringify(p.disclosure),
      published_at: p.at,
    })
    .execute();
}

export async function findPublication(db: DbOrTx, id: string) {
  return db.selectFrom('publications').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function latestPublication(db: DbOrTx, statementId: string) {
  return db
    .selectFrom('publications')
    .selectAll()
    .where('statement_id', '=', statementId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function listPublicationsOf(db: DbOrTx, statementId: string) {
  return db.selectFrom('publications').selectAll().where('statement_id', '=', statementId).orderBy('version').execute();
}

/** Keeps only a statement's latest publication, in a query over `publications as p`. */
export const isLatestPublication = sql<boolean>`p.version = (select max(q.version) from publications q where q.statement_id = p.statement_id)`;

/** The latest version of every published statement, newest first (the Atom feed, the public list). */
export async function latestPublications(db: DbOrTx, limit: number) {
  return db
    .selectFrom('publications as p')
    .innerJoin('statements as s', 's.id', 'p.statement_id')
    .select([
      'p.id',
      'p.statement_id',
      'p.version',
      'p.published_at',
      'p.signatory_org_ids',
      's.title',
      's.description',
      's.cpv_codes',
    ])
    .where(isLatestPublication)
    .orderBy('p.published_at', 'desc')
    .limit(limit)
    .execute();
}

export async function addSignatories(
  db: DbOrTx,
  s: { statementId: string; orgIds: readonly string[]; sinceVersion: number; late: boolean; at: Date },
): Promise<void> {
  if (s.orgIds.length === 0) return;
  await db
    .insertInto('signatories')
    .values(
      s.orgIds.map((orgId) => ({
        statement_id: s.statementId,
        organisation_id: orgId,
        since_version: s.sinceVersion,
        late: s.late,
        joined_at: s.at,
      })),
    )
    .onConflict((oc) => oc.columns(['statement_id', 'organisation_id']).doNothing())
    .execute();
}

export interface SignatoryRow {
  organisationId: string;
  name: string;
  country: string;
  buyerLegalType: string | null;
  sinceVersion: number;
  late: boolean;
  joinedAt: Date;
}

/** Who signed a published statement (the approving buyers, then late signatories), in joining order. */
export async function listSignatories(db: DbOrTx, statementId: string): Promise<SignatoryRow[]> {
  const rows = await db
    .selectFrom('signatories as s')
    .innerJoin('organisations as o', 'o.id', 's.organisation_id')
    .select([
      's.organisation_id',
      'o.name',
      'o.country',
      'o.buyer_legal_type',
      's.since_version',
      's.late',
      's.joined_at',
    ])
    .where('s.statement_id', '=', statementId)
    .orderBy('s.since_version')
    .orderBy('o.name')
    .execute();
  return rows.map((r) => ({
    organisationId: r.organisation_id,
    name: r.name,
    country: r.country.trim(),
    buyerLegalType: r.buyer_legal_type,
    sinceVersion: r.since_version,
    late: r.late,
    joinedAt: r.joined_at,
  }));
}

export async function isSignatory(db: DbOrTx, statementId: string, orgId: string): Promise<boolean> {
  const row = await db
    .selectFrom('signatories')
    .select('organisation_id')
    .where('statement_id', '=', statementId)
    .where('organisation_id', '=', orgId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function upsertSignatoryRequest(
  db: DbOrTx,
  r: { statementId: string; orgId: string; userId: string; at: Date },
): Promise<void> {
  await db
    .insertInto('signatory_requests')
    .values({
      statement_id: r.statementId,
      organisation_id: r.orgId,
      requested_by: r.userId,
      requested_at: r.at,
      status: 'pending',
      decided_at: null,
    })
    .onConflict((oc) =>
      oc
        .columns(['statement_id', 'organisation_id'])
        .doUpdateSet({ requested_by: r.userId, requested_at: r.at, status: 'pending', decided_at: null }),
    )
    .execute();
}

export async function decideSignatoryRequest(
  db: DbOrTx,
  r: { statementId: string; orgId: string; accepted: boolean; at: Date },
): Promise<void> {
  await db
    .updateTable('signatory_requests')
    .set({ status: r.accepted ? 'accepted' : 'declined', decided_at: r.at })
    .where('statement_id', '=', r.statementId)
    .where('organisation_id', '=', r.orgId)
    .execute();
}

export async function listSignatoryRequests(db: DbOrTx, statementId: string) {
  return db
    .selectFrom('signatory_requests as r')
    .innerJoin('organisations as o', 'o.id', 'r.organisation_id')
    .select(['r.organisation_id', 'o.name', 'o.country', 'r.status', 'r.requested_at', 'r.decided_at'])
    .where('r.statement_id', '=', statementId)
    .orderBy('r.requested_at')
    .execute();
}

/** Messages of one fan-out not sent yet: pending, or claimed by a sender whose lease may still run. */
export async function countUnsentWithKeyPrefix(db: DbOrTx, keyPrefix: string): Promise<number> {
  const row = await db
    .selectFrom('outbox')
    .select(sql<string>`count(*)`.as('n'))
    .where('key', 'like', `${keyPrefix.replace(/[%_\\]/g, (c) => `\\${c}`)}%`)
    .where('status', 'in', ['pending', 'sending'])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The demand a publication states: the confirmed needs of its signatories only. A buyer that
 * confirmed but did not approve is not a signatory, so its demand is not published; late
 * signatories joined without needs. Aggregated with the rates the snapshot used.
 */
export async function signatoriesDemand(
  db: DbOrTx,
  statementId: string,
  signatoryOrgIds: readonly string[],
  snapshot: Aggregate,
): Promise<Aggregate> {
  const withNeeds = new Set(snapshot.buyers.map((b) => b.orgId));
  const signed = new Set(signatoryOrgIds.filter((o) => withNeeds.has(o)));
  if (signed.size === withNeeds.size) return snapshot;
  const rates = {
    date: snapshot.conversion.date,
    source: snapshot.conversion.source,
    rates: snapshot.conversion.rates,
  };
  if (signed.size === 0) return aggregateDemand([], rates);
  return aggregateDemand(await confirmedNeedsOf(db, statementId, [...signed]), rates);
}

/** The confirmed need lines of these buyers in a statement, as the pure aggregation reads them. */
export async function confirmedNeedsOf(
  db: DbOrTx,
  statementId: string,
  orgIds: readonly string[],
): Promise<ConfirmedNeed[]> {
  if (orgIds.length === 0) return [];
  const rows = await db
    .selectFrom('need_lines as l')
    .innerJoin('need_versions as v', 'v.id', 'l.version_id')
    .innerJoin('organisations as o', 'o.id', 'l.organisation_id')
    .select([
      'l.version_id',
      'l.organisation_id',
      'o.name',
      'o.country',
      'o.buyer_legal_type',
      'l.cpv_code',
      'l.quantity',
      'l.unit',
      'l.unit_price',
      'l.currency',
      'l.from_year',
      'l.to_year',
      'l.framework_months',
      'l.optional_quantity',
      'l.renewal_count',
      'l.renewal_quantity',
    ])
    .where('l.statement_id', '=', statementId)
    .where('l.organisation_id', 'in', [...orgIds])
    .where('v.status', '=', 'confirmed')
    .orderBy('l.organisation_id')
    .orderBy('l.line_no')
    .execute();
  return rows.map((r) => ({
    buyer: {
      orgId: r.organisation_id,
      name: r.name,
      country: r.country.trim(),
      buyerLegalType: r.buyer_legal_type ?? 'la',
    },
    versionId: r.version_id,
    line: {
      cpvCode: r.cpv_code,
      quantity: canonical(r.quantity),
      unit: r.unit,
      unitPrice: canonical(r.unit_price),
      currency: r.currency.trim(),
      delivery: { fromYear: r.from_year, toYear: r.to_year },
      optionalQuantity: canonical(r.optional_quantity),
      renewals: { count: r.renewal_count, quantityEach: canonical(r.renewal_quantity) },
      frameworkMonths: r.framework_months,
    },
  }));
}

/** NUMERIC as PostgreSQL prints it ("4.000000") to the shortest decimal ("4"). */
function canonical(value: string): string {
  return value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
}

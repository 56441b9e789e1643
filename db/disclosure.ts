import { sql } from 'kysely';

import type { Aggregate } from '../domain/aggregation.js';
import type { LpSolver } from '../domain/disclosure/linear-program.js';
import type { DisclosurePattern } from '../domain/disclosure/protected-views.js';
import { buildTables, type DisclosureMicrodata, type StatTables } from '../domain/disclosure/statistical-tables.js';
import { patternOf, protectTables, type PublishedLayer, withSkeletonOf } from '../domain/disclosure/suppression.js';
import { type ExchangeRateTable, missingRates } from '../domain/money.js';
import type { DbOrTx } from './database.js';
import { signatoriesDemand } from './publication.js';

/**
 * The disclosure read model: buyers' consent to show their figures, each buyer's contributions
 * (the microdata the suppression works on) and the pattern of withheld cells kept with every
 * version of the figures that viewers other than the lead read.
 */

export async function figureConsents(db: DbOrTx, statementId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('figure_consents')
    .select('organisation_id')
    .where('statement_id', '=', statementId)
    .where('agreed', '=', true)
    .execute();
  return rows.map((r) => r.organisation_id).sort();
}

export async function setFigureConsent(
  db: DbOrTx,
  c: { statementId: string; orgId: string; agreed: boolean; userId: string },
): Promise<void> {
  await db
    .insertInto('figure_consents')
    .values({ statement_id: c.statementId, organisation_id: c.orgId, agreed: c.agreed, decided_by: c.userId })
    .onConflict((oc) =>
      oc
        .columns(['statement_id', 'organisation_id'])
        .doUpdateSet({ agreed: c.agreed, decided_by: c.userId, decided_at: sql`now()` }),
    )
    .execute();
}

export async function findFigureConsent(db: DbOrTx, statementId: string, orgId: string): Promise<boolean | null> {
  const row = await db
    .selectFrom('figure_consents')
    .select('agreed')
    .where('statement_id', '=', statementId)
    .where('organisation_id', '=', orgId)
    .executeTakeFirst();
  return row?.agreed ?? null;
}

/** [org, code, year, unit, value in EUR, lines, firm quantity, total quantity]: one JSON array, parsed at once rather than row by row. */
type MicroRow = [string, string, number, string, number, number, number, number];

/**
 * Each buyer's lines of the given need versions, summed per (code, delivery year, unit), in
 * binary floats: disclosure control compares shares and intervals within a tolerance, so it
 * does not need the exact NUMERIC conversion the shown figures get (db/aggregation.ts), and
 * this read costs a fraction of it.
 */
export async function needMicrodata(
  db: DbOrTx,
  q: {
    statementId: string;
    versionIds: readonly string[];
    rates: ExchangeRateTable;
    orgIds?: readonly string[];
    consenting: readonly string[];
  },
): Promise<DisclosureMicrodata> {
  if (q.versionIds.length === 0) return { buyers: [], records: [] };
  const usable = Object.keys(q.rates.rates).filter((c) => c !== 'EUR' && missingRates([c], q.rates).length === 0);
  const { rows } = await sql<{ records: MicroRow[] }>`
    select coalesce(json_agg(json_build_array(org, code, year, unit, value_eur, lines, quantity, total_quantity)), '[]') as records from (
    select l.organisation_id as org, l.cpv_code::text as code, l.from_year as year, l.unit,
           sum((l.quantity + l.optional_quantity + l.renewal_count * l.renewal_quantity)::float8 * l.unit_price::float8 / coalesce(r.rate, 1)) as value_eur,
           count(*)::int as lines, sum(l.quantity::float8) as quantity,
           sum((l.quantity + l.optional_quantity + l.renewal_count * l.renewal_quantity)::float8) as total_quantity
    from need_lines l
    left join unnest(${usable}::text[], ${usable.map((c) => Number(q.rates.rates[c]!))}::float8[]) as r(currency, rate) on r.currency = l.currency::text
    where l.statement_id = ${q.statementId} and l.version_id = any(${[...q.versionIds]}::uuid[])
      ${q.orgIds ? sql`and l.organisation_id = any(${[...q.orgIds]}::uuid[])` : sql``}
    group by 1, 2, 3, 4) m`.execute(db);
  const records = rows[0]!.records;
  const orgs = [...new Set(records.map((r) => r[0]))];
  const facts = orgs.length
    ? await db
        .selectFrom('organisations')
        .select(['id', 'country', 'buyer_legal_type'])
        .where('id', 'in', orgs)
        .execute()
    : [];
  const consenting = new Set(q.consenting);
  return {
    buyers: facts.map((o) => ({
      orgId: o.id,
      country: o.country.trim(),
      buyerLegalType: o.buyer_legal_type ?? 'la',
      consenting: consenting.has(o.id),
    })),
    records: records.map(([orgId, code, year, unit, valueEur, lines, firmQuantity, totalQuantity]) => ({
      orgId,
      cpvCode: code.trim(),
      year,
      unit,
      valueEur,
      lines,
      firmQuantity,
      totalQuantity,
    })),
  };
}

const ratesOf = (aggregate: Aggregate): ExchangeRateTable => ({
  date: aggregate.conversion.date,
  source: aggregate.conversion.source,
  rates: aggregate.conversion.rates,
});

/** A version's tables: the snapshot's need versions, restricted to some buyers (a publication's signatories). */
async function tablesOf(
  db: DbOrTx,
  statementId: string,
  aggregate: Aggregate,
  consenting: readonly string[],
  orgIds?: readonly string[],
): Promise<StatTables> {
  return buildTables(
    await needMicrodata(db, {
      statementId,
      versionIds: aggregate.versionIds,
      rates: ratesOf(aggregate),
      consenting,
      ...(orgIds ? { orgIds } : {}),
    }),
  );
}

const withheldOf = (pattern: unknown): Set<string> =>
  new Set(Object.keys((pattern as DisclosurePattern | null)?.withheld ?? {}));
const sameConsents = (a: readonly string[] | null, b: readonly string[]) =>
  a !== null && a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The pattern of a statement's latest snapshot, as participants and Commission staff see it,
 * computed against every earlier snapshot they saw (a new round must not reveal, by difference,
 * the buyers it added) and kept with the snapshot until consents change.
 */
export async function snapshotDisclosure(db: DbOrTx, solver: LpSolver, snapshotId: string): Promise<DisclosurePattern> {
  const snapshot = await db
    .selectFrom('aggregate_snapshots')
    .selectAll()
    .where('id', '=', snapshotId)
    .executeTakeFirstOrThrow();
  const consents = await figureConsents(db, snapshot.statement_id);
  if (snapshot.disclosure && sameConsents(snapshot.disclosure_consents, consents))
    return snapshot.disclosure as DisclosurePattern;
  const earlier = await db
    .selectFrom('aggregate_snapshots')
    .select(['aggregate', 'disclosure'])
    .where('statement_id', '=', snapshot.statement_id)
    .where('computed_at', '<', snapshot.computed_at)
    .where('disclosure', 'is not', null)
    .orderBy('computed_at')
    .execute();
  const previous: PublishedLayer[] = [];
  for (const e of earlier)
    previous.push({
      tables: await tablesOf(db, snapshot.statement_id, e.aggregate as Aggregate, consents),
      withheld: withheldOf(e.disclosure),
    });
  const tables = withSkeletonOf(
    await tablesOf(db, snapshot.statement_id, snapshot.aggregate as Aggregate, consents),
    previous,
  );
  const pattern = patternOf(protectTables(tables, { solver, previous }));
  await db
    .updateTable('aggregate_snapshots')
    .set({ disclosure: JSON.stringify(pattern), disclosure_consents: consents })
    .where('id', '=', snapshotId)
    .execute();
  return pattern;
}

/**
 * The pattern of a new publication: the signatories' figures, protected against the snapshot
 * participants and Commission staff have seen and against every earlier publication.
 */
export async function publicationDisclosure(
  db: DbOrTx,
  solver: LpSolver,
  p: { statementId: string; snapshotId: string; signatoryOrgIds: readonly string[] },
): Promise<DisclosurePattern> {
  const snapshot = await db
    .selectFrom('aggregate_snapshots')
    .select(['aggregate'])
    .where('id', '=', p.snapshotId)
    .executeTakeFirstOrThrow();
  const aggregate = snapshot.aggregate as Aggregate;
  const consents = await figureConsents(db, p.statementId);
  const previous: PublishedLayer[] = [
    {
      tables: await tablesOf(db, p.statementId, aggregate, consents),
      withheld: withheldOf(await snapshotDisclosure(db, solver, p.snapshotId)),
    },
  ];
  const published = await db
    .selectFrom('publications')
    .select(['signatory_org_ids', 'disclosure'])
    .where('statement_id', '=', p.statementId)
    .where('disclosure', 'is not', null)
    .orderBy('version')
    .execute();
  for (const e of published)
    previous.push({
      tables: await tablesOf(db, p.statementId, aggregate, consents, e.signatory_org_ids),
      withheld: withheldOf(e.disclosure),
    });
  const tables = withSkeletonOf(await tablesOf(db, p.statementId, aggregate, consents, p.signatoryOrgIds), previous);
  return patternOf(protectTables(tables, { solver, previous }));
}

/**
 * What a publication states and its pattern. Both are fixed at publication; a publication made
 * before they were kept gets them computed once, from the same signatories and snapshot.
 */
export async function publicationFigures(
  db: DbOrTx,
  solver: LpSolver,
  publicationId: string,
): Promise<{ aggregate: Aggregate; pattern: DisclosurePattern }> {
  const p = await db.selectFrom('publications').selectAll().where('id', '=', publicationId).executeTakeFirstOrThrow();
  if (p.aggregate && p.disclosure)
    return { aggregate: p.aggregate as Aggregate, pattern: p.disclosure as DisclosurePattern };
  const snapshot = await db
    .selectFrom('aggregate_snapshots')
    .select(['id', 'aggregate'])
    .where('statement_id', '=', p.statement_id)
    .where('computed_at', '<=', p.published_at)
    .orderBy('computed_at', 'desc')
    .executeTakeFirstOrThrow();
  const aggregate = await signatoriesDemand(db, p.statement_id, p.signatory_org_ids, snapshot.aggregate as Aggregate);
  const pattern = await publicationDisclosure(db, solver, {
    statementId: p.statement_id,
    snapshotId: snapshot.id,
    signatoryOrgIds: p.signatory_org_ids,
  });
  await db
    .updateTable('publications')
    .set({ aggregate: JSON.stringify(aggregate), disclosure: JSON.stringify(pattern) })
    .where('id', '=', publicationId)
    .execute();
  return { aggregate, pattern };
}

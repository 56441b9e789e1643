import { createHash } from 'node:crypto';

import { z, type ZodType } from 'zod';

import { publicDemand } from '../domain/consultation.js';
import type { LpSolver } from '../domain/disclosure/linear-program.js';
import { type OcdsRelease, toReleasePackage } from '../domain/ocds.js';
// The response schemas the public routes document: a stored document is checked with them when
// it is written, since it is then served as stored rather than parsed on every request.
import {
  openConsultationSummarySchema,
  publishedStatementSchema,
  publishedStatementSummarySchema,
} from '../domain/public-contracts.js';
import { canonicalJson } from '../platform/canonical-json.js';
import { xmlText } from '../rules/text-hygiene.js';
import { namedOrgIds } from './consultation.js';
import type { Db, DbOrTx, Tx } from './database.js';
import { publicationFigures } from './disclosure.js';
import {
  consultationsInMarketEngagement,
  lockPublicLists,
  lockStatementDocuments,
  type PublicDocumentKind,
  storePublicDocument,
  storePublicList,
} from './public-documents.js';
import { findStatementText, latestPublications, listPublicationsOf, listSignatories } from './publication.js';
import { findStatement } from './statements.js';

/**
 * The public documents, rendered when they change (a publication, a change of naming consent, a
 * consultation opening or closing) and stored as served: the published statement's page and
 * OCDS package per version, the list of published statements, its Atom feed and the open
 * consultations. Used by the activities that publish and, for what was published before these
 * were stored, by the first public reader. What each shows is exactly what the public routes
 * showed when they computed it per request (`../shared/design.md`, what each viewer sees).
 */
export interface RenderDeps {
  solver: LpSolver;
  publicUrl: string;
}

/** The most statements the public list shows (its `limit` goes up to this); the feed shows fewer. */
export const publicListSize = 500;
const feedSize = 100;

export const ocdsPackageSchema = z.record(z.string(), z.unknown());
const statementListSchema = z.array(publishedStatementSummarySchema);
const consultationListSchema = z.array(openConsultationSummarySchema);

/** A strong ETag: the SHA-256 of the bytes, so equal bytes have equal tags in every process. */
export function etagOf(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
}

/**
 * The JSON as the route documents it: parsed with its schema (which keeps only the keys it names)
 * and refused if anything was dropped, the strict check `api/route.ts` applies to answers in tests.
 */
export function documentedJson(schema: ZodType, value: unknown, what: string): string {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`The ${what} does not match its documented schema: ${parsed.error.message}`);
  // Equal as canonical JSON (keys sorted) means nothing was dropped or changed by the parse.
  if (canonicalJson(parsed.data) !== canonicalJson(value))
    throw new Error(`The ${what} carries keys its documented schema does not name`);
  return JSON.stringify(parsed.data);
}

/** The published statement as the public sees it, or undefined while it is not published. */
async function publishedFacts(db: DbOrTx, statementId: string) {
  const statement = await findStatement(db, statementId);
  // Nothing about an unpublished statement leaks: it does not exist here.
  const publications = statement?.stage === 'published' ? await listPublicationsOf(db, statementId) : [];
  if (!statement || publications.length === 0) return undefined;
  return { statement, publications };
}

async function statementPage(
  db: DbOrTx,
  deps: RenderDeps,
  facts: NonNullable<Awaited<ReturnType<typeof publishedFacts>>>,
) {
  const { statement, publications } = facts;
  const statementId = statement.id;
  const latest = publications[publications.length - 1]!;
  const [text, signatories, named, figures] = await Promise.all([
    findStatementText(db, statementId, latest.text_version),
    listSignatories(db, statementId),
    namedOrgIds(db, statementId),
    publicationFigures(db, deps.solver, latest.id),
  ]);
  // Signatories are named only if they agreed to be (the lead publishes, so it is named); the others are counted.
  named.add(statement.lead_org_id);
  const demand = publicDemand(figures.aggregate, figures.pattern, named);
  return {
    statementId,
    title: statement.title,
    description: statement.description,
    cpvCodes: statement.cpv_codes,
    version: latest.version,
    publishedAt: latest.published_at.toISOString(),
    firstPublishedAt: publications[0]!.published_at.toISOString(),
    text: text!.text,
    textVersion: latest.text_version,
    textLocale: text!.locale,
    signatories: signatories
      .filter((s) => named.has(s.organisationId))
      .map((s) => ({ name: s.name, country: s.country, sinceVersion: s.sinceVersion, late: s.late })),
    unnamedSignatories: signatories.filter((s) => !named.has(s.organisationId)).length,
    demand,
    versions: publications.map((p) => ({
      version: p.version,
      publishedAt: p.published_at.toISOString(),
      signatories: p.signatory_org_ids.length,
    })),
    links: {
      ocds: `/api/public/statements/${statementId}/ocds.json`,
      consultation: `/api/consultations/${statementId}`,
      feed: '/api/public/statements.atom',
    },
  };
}

/** Every published version as an OCDS 1.1.5 release package (planning releases). */
function ocdsPackage(deps: RenderDeps, facts: NonNullable<Awaited<ReturnType<typeof publishedFacts>>>) {
  const { statement, publications } = facts;
  return toReleasePackage(
    publications.map((p) => p.release as OcdsRelease),
    {
      uri: new URL(`/api/public/statements/${statement.id}/ocds.json`, deps.publicUrl).toString(),
      publishedDate: publications[publications.length - 1]!.published_at.toISOString(),
      publisher: { name: 'jointdemand', uri: deps.publicUrl },
    },
  );
}

export interface RenderedDocument {
  version: number;
  body: string;
  etag: string;
}

/**
 * Renders and stores the latest published version's page and OCDS package, under the statement's
 * lock. Nothing while the statement is not published (the page appears when the stage does, as it
 * always has). `replace` rewrites a version already stored (naming consent changed what it shows).
 */
export async function renderStatementDocuments(
  trx: Tx,
  deps: RenderDeps,
  statementId: string,
  options: { replace?: boolean } = {},
): Promise<Record<PublicDocumentKind, RenderedDocument> | undefined> {
  await lockStatementDocuments(trx, statementId);
  const facts = await publishedFacts(trx, statementId);
  if (!facts) return undefined;
  const version = facts.publications[facts.publications.length - 1]!.version;
  const page = documentedJson(publishedStatementSchema, await statementPage(trx, deps, facts), 'published statement');
  const ocds = documentedJson(ocdsPackageSchema, ocdsPackage(deps, facts), 'OCDS release package');
  const out = {
    statement: { version, body: page, etag: etagOf(page) },
    ocds: { version, body: ocds, etag: etagOf(ocds) },
  };
  for (const document of ['statement', 'ocds'] as const) {
    await storePublicDocument(
      trx,
      { statementId, document, version, body: out[document].body, etag: out[document].etag },
      options,
    );
  }
  return out;
}

/** XML text: controls XML 1.0 forbids and direction overrides removed, then escaped (`domain/text-hygiene.ts`). */
const xml = (s: string) => xmlText(s);
const xmlLine = (s: string) => xmlText(s, { singleLine: true });

type LatestPublication = Awaited<ReturnType<typeof latestPublications>>[number];

/** "1 signatory", "3 signatories": the feed is in English, written as a person would (issue 18). */
const signatoryCount = (n: number) => `${n} ${n === 1 ? 'signatory' : 'signatories'}`;

/** An Atom feed (RFC 4287) of published statements, the latest version of each. */
function atomFeed(rows: readonly LatestPublication[], publicUrl: string): string {
  const self = new URL('/api/public/statements.atom', publicUrl).toString();
  const updated = rows[0]?.published_at.toISOString() ?? new Date(0).toISOString();
  const entries = rows
    .map((r) => {
      const page = new URL(`/published/${r.statement_id}`, publicUrl).toString();
      const ocds = new URL(`/api/public/statements/${r.statement_id}/ocds.json`, publicUrl).toString();
      return `  <entry>
    <id>urn:uuid:${r.statement_id}</id>
    <title>${xmlLine(r.title)}</title>
    <updated>${r.published_at.toISOString()}</updated>
    <link rel="alternate" type="text/html" href="${xml(page)}"/>
    <link rel="alternate" type="application/json" href="${xml(ocds)}"/>
${r.cpv_codes.map((c) => `    <category scheme="urn:cpv:2008" term="${xml(c)}"/>`).join('\n')}
    <summary>${xml(`Version ${r.version}, ${signatoryCount(r.signatory_org_ids.length)}. ${r.description.slice(0, 500)}`)}</summary>
  </entry>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${xml(self)}</id>
  <title>jointdemand: published joint statements of demand</title>
  <updated>${updated}</updated>
  <link rel="self" type="application/atom+xml" href="${xml(self)}"/>
  <author><name>jointdemand</name></author>
${entries}
</feed>
`;
}

export interface RenderedList {
  body: string;
  etag: string;
}

/**
 * Renders and stores the list of published statements (the latest version of each, newest first,
 * as many as its largest page) and the Atom feed, under the lists' lock: two publications
 * committing at once each render after the other's rows are visible or before them, never both
 * before. The list shows a version once its publication is recorded, as it always has.
 */
export async function renderPublishedLists(
  trx: Tx,
  deps: Pick<RenderDeps, 'publicUrl'>,
): Promise<{ statements: RenderedList; atom: RenderedList }> {
  await lockPublicLists(trx);
  const rows = await latestPublications(trx, publicListSize);
  const list = documentedJson(
    statementListSchema,
    rows.map((r) => ({
      statementId: r.statement_id,
      title: r.title,
      cpvCodes: r.cpv_codes,
      version: r.version,
      publishedAt: r.published_at.toISOString(),
      signatories: r.signatory_org_ids.length,
    })),
    'list of published statements',
  );
  const feed = atomFeed(rows.slice(0, feedSize), deps.publicUrl);
  const out = { statements: { body: list, etag: etagOf(list) }, atom: { body: feed, etag: etagOf(feed) } };
  await storePublicList(trx, { list: 'statements', ...out.statements });
  await storePublicList(trx, { list: 'atom', ...out.atom });
  return out;
}

/**
 * Renders and stores the consultations in market engagement, the soonest to close first, with
 * their deadlines: the reader leaves out those whose deadline has passed at the time it reads.
 */
export async function renderConsultationList(trx: Tx): Promise<RenderedList> {
  await lockPublicLists(trx);
  const rows = await consultationsInMarketEngagement(trx);
  const body = documentedJson(
    consultationListSchema,
    rows.map((r) => ({
      statementId: r.id,
      title: r.title,
      cpvCodes: r.cpv_codes,
      deadline: r.stage_deadline?.toISOString() ?? null,
    })),
    'list of open consultations',
  );
  const out = { body, etag: etagOf(body) };
  await storePublicList(trx, { list: 'consultations', ...out });
  return out;
}

/** For a reader that found nothing stored: renders in a transaction of its own, and stores it. */
export function renderOnMiss(db: Db) {
  return {
    statement: async (deps: RenderDeps, statementId: string) => {
      // Most misses are for statements that are not published (or do not exist): no transaction, no lock for them.
      if ((await findStatement(db, statementId))?.stage !== 'published') return undefined;
      return db.transaction().execute((trx) => renderStatementDocuments(trx, deps, statementId));
    },
    publishedLists: (deps: Pick<RenderDeps, 'publicUrl'>) =>
      db.transaction().execute((trx) => renderPublishedLists(trx, deps)),
    consultations: () => db.transaction().execute((trx) => renderConsultationList(trx)),
  };
}

import { namedOrgIds } from '../../db/consultation.js';
import { publicationFigures } from '../../db/disclosure.js';
import { findStatementText, latestPublications, listPublicationsOf, listSignatories } from '../../db/publication.js';
import { findStatement } from '../../db/statements.js';
import { publicDemand } from '../../domain/consultation.js';
import { DomainError } from '../../domain/errors.js';
import { toReleasePackage, type OcdsRelease } from '../../domain/ocds.js';
import { loadLpSolver } from '../../platform/lp-solver.js';
import type { ServiceContext } from '../context.js';
import { xmlText } from '../../domain/text-hygiene.js';

async function publishedStatement(ctx: ServiceContext, statementId: string) {
  const statement = await findStatement(ctx.db, statementId);
  const publications = statement?.stage === 'published' ? await listPublicationsOf(ctx.db, statementId) : [];
  // Nothing about an unpublished statement leaks: it does not exist here.
  if (!statement || publications.length === 0) throw new DomainError('not_found', 'Statement not found');
  return { statement, publications };
}

/** The public page of a published statement: its text, signatories, demand and versions (no sign-in). */
export async function getPublishedStatement(ctx: ServiceContext, statementId: string) {
  const { statement, publications } = await publishedStatement(ctx, statementId);
  const latest = publications[publications.length - 1]!;
  const [text, signatories, named, figures] = await Promise.all([
    findStatementText(ctx.db, statementId, latest.text_version),
    listSignatories(ctx.db, statementId),
    namedOrgIds(ctx.db, statementId),
    publicationFigures(ctx.db, await loadLpSolver(), latest.id),
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
    signatories: signatories.filter((s) => named.has(s.organisationId)).map((s) => ({ name: s.name, country: s.country, sinceVersion: s.sinceVersion, late: s.late })),
    unnamedSignatories: signatories.filter((s) => !named.has(s.organisationId)).length,
    demand,
    versions: publications.map((p) => ({ version: p.version, publishedAt: p.published_at.toISOString(), signatories: p.signatory_org_ids.length })),
    links: { ocds: `/api/public/statements/${statementId}/ocds.json`, consultation: `/api/consultations/${statementId}`, feed: '/api/public/statements.atom' },
  };
}

export async function listPublishedStatements(ctx: ServiceContext, limit: number) {
  const rows = await latestPublications(ctx.db, limit);
  return rows.map((r) => ({ statementId: r.statement_id, title: r.title, cpvCodes: r.cpv_codes, version: r.version, publishedAt: r.published_at.toISOString(), signatories: r.signatory_org_ids.length }));
}

/** Every published version of the statement as an OCDS 1.1.5 release package (planning releases). */
export async function getOcdsReleasePackage(ctx: ServiceContext, statementId: string) {
  const { publications } = await publishedStatement(ctx, statementId);
  const releases = publications.map((p) => p.release as OcdsRelease);
  return toReleasePackage(releases, {
    uri: new URL(`/api/public/statements/${statementId}/ocds.json`, ctx.config.PUBLIC_URL).toString(),
    publishedDate: publications[publications.length - 1]!.published_at.toISOString(),
    publisher: { name: 'jointdemand', uri: ctx.config.PUBLIC_URL },
  });
}

/** XML text: controls XML 1.0 forbids and direction overrides removed, then escaped (`domain/text-hygiene.ts`). */
const xml = (s: string) => xmlText(s);
const xmlLine = (s: string) => xmlText(s, { singleLine: true });

/** An Atom feed (RFC 4287) of published statements, the latest version of each. */
export async function atomFeed(ctx: ServiceContext): Promise<string> {
  const rows = await latestPublications(ctx.db, 100);
  const base = ctx.config.PUBLIC_URL;
  const self = new URL('/api/public/statements.atom', base).toString();
  const updated = rows[0]?.published_at.toISOString() ?? new Date(0).toISOString();
  const entries = rows
    .map((r) => {
      const page = new URL(`/published/${r.statement_id}`, base).toString();
      const ocds = new URL(`/api/public/statements/${r.statement_id}/ocds.json`, base).toString();
      return `  <entry>
    <id>urn:uuid:${r.statement_id}</id>
    <title>${xmlLine(r.title)}</title>
    <updated>${r.published_at.toISOString()}</updated>
    <link rel="alternate" type="text/html" href="${xml(page)}"/>
    <link rel="alternate" type="application/json" href="${xml(ocds)}"/>
${r.cpv_codes.map((c) => `    <category scheme="urn:cpv:2008" term="${xml(c)}"/>`).join('\n')}
    <summary>${xml(`Version ${r.version}, ${r.signatory_org_ids.length} signatories. ${r.description.slice(0, 500)}`)}</summary>
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

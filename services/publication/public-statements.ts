import { latestPublications } from '../../db/publication.js';
import type { ServiceContext } from '../context.js';

// The public page, OCDS package, list and Atom feed are rendered at publication
// (db/public-document-renderer.ts) and served as stored (./public-documents.ts).

/** The latest version of each published statement, newest first (a supplier's start page). */
export async function listPublishedStatements(ctx: ServiceContext, limit: number) {
  const rows = await latestPublications(ctx.db, limit);
  return rows.map((r) => ({
    statementId: r.statement_id,
    title: r.title,
    cpvCodes: r.cpv_codes,
    version: r.version,
    publishedAt: r.published_at.toISOString(),
    signatories: r.signatory_org_ids.length,
  }));
}

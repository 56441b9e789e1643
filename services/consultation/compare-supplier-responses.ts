import { findConsultation, listResponses } from '../../db/consultation.js';
import type { Principal } from '../../domain/authorization.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { authorizeStatement } from '../statements/authorize-statement.js';

/**
 * The lead's comparison of supplier responses (the page's table; the workbook is
 * export-market-responses-xlsx.ts): each responding supplier's answers laid out in the order of
 * the request for information, so the columns line up whatever order a supplier answered in.
 * The lead buyer's only, as the workbook: Commission staff follow the consultation through its
 * summary and contact log, not by comparing suppliers' offers. Answers to a question the lead has
 * since removed from the request are left out, as the workbook leaves them out.
 */
export async function compareSupplierResponses(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  meta: RequestMeta,
) {
  await authorizeStatement(ctx, principal, statementId, 'manageConsultation', meta);
  const questions = (await findConsultation(ctx.db, statementId))?.questions ?? [];
  const responses = await listResponses(ctx.db, statementId);
  return {
    questions: questions.map((q) => ({ id: q.id, text: q.text })),
    suppliers: responses.map((r) => {
      const answers = r.answers as Record<string, string>;
      return {
        organisationId: r.supplier_org_id,
        name: r.name,
        country: r.country.trim(),
        sme: r.sme ?? false,
        revision: r.revision,
        updatedAt: r.updated_at.toISOString(),
        answers: questions.map((q) => answers[q.id] || null),
      };
    }),
  };
}

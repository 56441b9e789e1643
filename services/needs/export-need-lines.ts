import { findNeedsDraft, listNeedVersions } from '../../db/needs.js';
import { findStatement } from '../../db/statements.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import type { Schedule } from '../../domain/statement.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { writeNeedLinesWorkbook } from './need-lines-workbook.js';
import { authorizeNeedsRead } from './needs-access.js';

/**
 * One buyer's need lines as the need-line workbook (issue 18), in the template's columns, so the
 * file can be filled further and uploaded again. Read as the needs are (`canReadNeedsOf`): the
 * buyer's own users get their draft (else their latest version); the lead gets the latest
 * version the buyer submitted, never its draft; everyone else is refused and logged.
 */
export async function exportNeedLines(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  orgId: string,
  lang: string,
  meta: RequestMeta,
) {
  await authorizeNeedsRead(ctx, principal, statementId, orgId, meta);
  const statement = await findStatement(ctx.db, statementId);
  if (!statement) throw new DomainError('not_found', 'Statement not found');
  const own = principal.orgId === orgId;
  const [draft, versions] = await Promise.all([
    own ? findNeedsDraft(ctx.db, statementId, orgId) : undefined,
    listNeedVersions(ctx.db, statementId, orgId),
  ]);
  const latest = versions[0];
  const lines = ((draft?.lines ?? latest?.lines ?? []) as unknown[]).filter(
    (l): l is Record<string, unknown> => typeof l === 'object' && l !== null && !Array.isArray(l),
  );
  const schedule = statement.schedule as Schedule;
  const body = await writeNeedLinesWorkbook({
    lang,
    horizon: { fromYear: schedule.deliveryFromYear, toYear: schedule.deliveryToYear },
    lines,
  });
  return { body, filename: `need-lines-${statementId}-${orgId}.xlsx` };
}

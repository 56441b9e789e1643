import { findStatement } from '../../db/statements.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import type { Schedule } from '../../domain/statement.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { authorizeStatement } from '../statements/authorize-statement.js';
import { writeNeedLinesWorkbook } from './need-lines-workbook.js';

/**
 * The need-line template of a statement (issue 18): the sheet to fill, headers and notes in
 * `lang`, the years of the statement's delivery horizon in its checks. For whoever enters needs
 * in it (a participating buyer, the lead); it holds no one's figures.
 */
export async function getNeedLinesTemplate(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  lang: string,
  meta: RequestMeta,
) {
  await authorizeStatement(ctx, principal, statementId, 'actOnOwnNeeds', meta);
  const statement = await findStatement(ctx.db, statementId);
  if (!statement) throw new DomainError('not_found', 'Statement not found');
  const schedule = statement.schedule as Schedule;
  const body = await writeNeedLinesWorkbook({
    lang,
    horizon: { fromYear: schedule.deliveryFromYear, toYear: schedule.deliveryToYear },
  });
  return { body, filename: `need-lines-template-${statementId}.xlsx` };
}

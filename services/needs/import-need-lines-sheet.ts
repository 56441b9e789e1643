import { findNeedsDraft, listNeedVersions } from '../../db/needs.js';
import { needReferenceLookups } from '../../db/reference-data.js';
import { findStatement } from '../../db/statements.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError, unprocessable } from '../../domain/errors.js';
import { referencedCodes, validateNeedLines } from '../../domain/need-lines.js';
import { readSheetRows, sheetProblemsOf } from '../../domain/need-lines-sheet.js';
import type { Schedule } from '../../domain/statement.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { authorizeStatement } from '../statements/authorize-statement.js';
import { headerIn, readNeedLinesWorkbook } from './need-lines-workbook.js';
import { requireNeedsOpen, saveNeedsDraft } from './save-needs-draft.js';

/**
 * A filled need-line sheet uploaded by a buyer (issue 18): every row is read (numbers typed as
 * text in `lang`'s convention, by the form's rule) and checked by the rules a submission is
 * checked by, against the reference lists and the statement's horizon. One problem anywhere and
 * nothing is saved: the answer (422) names each problem by row, column header and rule. Otherwise
 * the lines replace the draft's lines through the draft save (the same checks of stage, deadline
 * and status; repeated with its Idempotency-Key, recorded once); the draft's answers to the
 * survey stay (else the latest version's, as the form starts from them).
 */
export async function importNeedLinesSheet(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  file: Buffer | undefined,
  lang: string,
  meta: RequestMeta,
) {
  const facts = await authorizeStatement(ctx, principal, statementId, 'actOnOwnNeeds', meta);
  requireNeedsOpen(facts);
  if (!file)
    throw new DomainError('invalid_input', 'The request has no file', [
      { field: '(body)', rule: 'must be an Excel workbook (.xlsx), such as the template' },
    ]);
  const header = headerIn(lang);
  const workbook = await readNeedLinesWorkbook(file, lang);
  if (workbook.problems.length > 0)
    throw unprocessable(workbook.problems, 'The sheet lacks a column the template has; nothing was saved');

  const read = readSheetRows(workbook.rows, lang, header);
  const statement = await findStatement(ctx.db, statementId);
  if (!statement) throw new DomainError('not_found', 'Statement not found');
  const schedule = statement.schedule as Schedule;
  const checked = validateNeedLines(read.lines, {
    horizon: { fromYear: schedule.deliveryFromYear, toYear: schedule.deliveryToYear },
    ...(await needReferenceLookups(ctx.db, referencedCodes(read.lines))),
  });
  const problems = sheetProblemsOf('problems' in checked ? checked.problems : [], read, header);
  if (problems.length > 0 || !('lines' in checked))
    throw unprocessable(
      problems,
      `The sheet has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was saved`,
    );

  const [draft, versions] = await Promise.all([
    findNeedsDraft(ctx.db, statementId, principal.orgId),
    listNeedVersions(ctx.db, statementId, principal.orgId),
  ]);
  const answers = (draft?.answers ?? versions[0]?.answers ?? {}) as Record<string, unknown>;
  const lines = checked.lines as unknown as Record<string, unknown>[];
  const saved = await saveNeedsDraft(ctx, principal, statementId, { lines, answers }, meta);
  return { ...saved, filled: lines.length, lines };
}

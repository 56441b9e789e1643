import { lookupCpvCodes } from '../../db/reference-data.js';
import { cpvListProblems, cpvListSource, statementCpvCodes } from '../../domain/cpv.js';
import { DomainError } from '../../domain/errors.js';
import type { ServiceContext } from '../context.js';

/**
 * Refuses (400) a statement, or a change to one, that names a CPV code the CPV 2008 list does not
 * have or gives one with another check digit (Regulation (EC) No 213/2008, Annex I). `typed` is
 * the request as the client sent it, so a check digit is compared, not dropped with the parse.
 */
export async function requireListedCpvCodes(ctx: Pick<ServiceContext, 'db'>, typed: unknown): Promise<void> {
  const codes = statementCpvCodes(typed);
  if (codes.length === 0) return;
  const official = await lookupCpvCodes(
    ctx.db,
    codes.map((c) => c.code.code),
  );
  const problems = cpvListProblems(codes, (code8) => official.get(code8));
  if (problems.length > 0)
    throw new DomainError(
      'invalid_input',
      `The statement names CPV codes that are not in the CPV 2008 list, or with a wrong check digit (${cpvListSource})`,
      problems,
    );
}

import { findStatement } from '../../db/statements.js';
import type { Principal } from '../../domain/authorization.js';
import {
  type CriticalMassRules,
  type Schedule,
  type StatementDetailsPatch,
  statementDetailsSchema,
} from '../../domain/statement.js';
import { contentHash } from '../../platform/canonical-json.js';
import { editStatementUpdate } from '../../workflows/statement/messages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { actorOf, authorizeStatement } from './authorize-statement.js';
import { statementViewFor } from './get-statement.js';
import { assertScheduleDates } from './schedule-dates.js';
import type { StatementView } from './statement-contracts.js';
import { requireListedCpvCodes } from './statement-cpv.js';
import { updateStatementProcess } from './statement-process.js';

export async function editStatement(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  patch: StatementDetailsPatch & { expectedVersion?: number | undefined },
  meta: RequestMeta,
  /** The request as sent, CPV check digits included (the parsed patch keeps the 8 digits only). */
  typed: unknown = patch,
): Promise<StatementView> {
  const facts = await authorizeStatement(ctx, principal, statementId, 'edit', meta);
  // Only what the patch names: the rest was checked when it was set.
  await requireListedCpvCodes(ctx, typed);
  const current = await findStatement(ctx.db, statementId);
  const { expectedVersion, ...changes } = patch;
  // A new schedule is held to the calendar as at creation; an unchanged one is not judged again.
  if (changes.schedule) assertScheduleDates(changes.schedule, Date.now());
  const merged = statementDetailsSchema.parse({
    title: changes.title ?? current!.title,
    description: changes.description ?? current!.description,
    cpvCodes: changes.cpvCodes ?? current!.cpv_codes,
    schedule: changes.schedule ?? (current!.schedule as Schedule),
    criticalMass: changes.criticalMass ?? (current!.critical_mass as CriticalMassRules),
  });
  await updateStatementProcess(
    ctx,
    statementId,
    editStatementUpdate,
    {
      actor: actorOf(principal, facts),
      details: merged,
      detailsHash: contentHash(merged),
      ...(expectedVersion !== undefined ? { expectedVersion } : {}),
    },
    meta.idempotencyKey,
  );
  return statementViewFor(ctx, statementId, principal);
}

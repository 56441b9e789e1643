import { storeFreeText } from '../../db/free-texts.js';
import type { Principal } from '../../domain/authorization.js';
import type { FreeTextRef } from '../../domain/events.js';
import type { ServiceContext } from '../context.js';

/**
 * A reason or justification someone typed stays in PostgreSQL; the workflow is sent its id and
 * hash, so no confidential prose sits in a Temporal history (which the Temporal server, its
 * database and its UI show to whoever reads them).
 */
export function keepFreeText(
  ctx: Pick<ServiceContext, 'db'>,
  statementId: string,
  principal: Principal,
  purpose: string,
  text: string,
): Promise<FreeTextRef> {
  return storeFreeText(ctx.db, { statementId, organisationId: principal.orgId, purpose, text });
}

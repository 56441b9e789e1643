import { appendPlatformAudit } from '../../../db/audit.js';
import { deleteSavedSearch as deleteSavedSearchRow } from '../../../db/saved-searches.js';
import type { Principal } from '../../../domain/authorization.js';
import { DomainError } from '../../../domain/errors.js';
import type { ServiceContext } from '../../context.js';
import { ownSavedSearch } from './saved-search-access.js';

/** Deletes the caller's search: its feed address answers 404 and its e-mails stop at once. */
export async function deleteSavedSearch(ctx: ServiceContext, principal: Principal, searchId: string): Promise<void> {
  await ownSavedSearch(ctx, principal, searchId);
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await deleteSavedSearchRow(trx, searchId))) throw new DomainError('not_found', 'No such saved search');
    await appendPlatformAudit(trx, principal, 'saved_search_deleted', { searchId });
  });
}

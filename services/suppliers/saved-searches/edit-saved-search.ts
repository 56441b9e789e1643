import { appendPlatformAudit } from '../../../db/audit.js';
import { updateSavedSearch } from '../../../db/saved-searches.js';
import type { Principal } from '../../../domain/authorization.js';
import { DomainError } from '../../../domain/errors.js';
import type { ServiceContext } from '../../context.js';
import { ownSavedSearch, savedSearchView } from './saved-search-access.js';
import type { SavedSearchInput, SavedSearchView } from './saved-search-contracts.js';

/** Replaces the caller's search's name, criteria and e-mail setting; its feed address stays. */
export async function editSavedSearch(
  ctx: ServiceContext,
  principal: Principal,
  searchId: string,
  input: SavedSearchInput,
): Promise<SavedSearchView> {
  await ownSavedSearch(ctx, principal, searchId);
  const updated = await ctx.db.transaction().execute(async (trx) => {
    const row = await updateSavedSearch(trx, searchId, input);
    if (!row) throw new DomainError('not_found', 'No such saved search');
    await appendPlatformAudit(trx, principal, 'saved_search_edited', { searchId, email: row.email });
    return row;
  });
  return savedSearchView(updated);
}

import { appendPlatformAudit } from '../../../db/audit.js';
import { countSavedSearchesForUpdate, insertSavedSearch, newFeedToken } from '../../../db/saved-searches.js';
import type { Principal } from '../../../domain/authorization.js';
import { unprocessable } from '../../../domain/errors.js';
import { maxSavedSearches } from '../../../domain/saved-search.js';
import type { ServiceContext } from '../../context.js';
import { requireSession, requireSupplierUser, savedSearchFeedUrl, savedSearchView } from './saved-search-access.js';
import type { SavedSearchInput, SavedSearchView } from './saved-search-contracts.js';

/**
 * Saves a search for the caller (a supplier user) with its feed, whose address is shown this
 * once. At most `maxSavedSearches` per user (422 above).
 */
export async function createSavedSearch(
  ctx: ServiceContext,
  principal: Principal,
  input: SavedSearchInput,
): Promise<SavedSearchView> {
  requireSupplierUser(principal);
  requireSession(principal);
  const token = newFeedToken();
  const search = await ctx.db.transaction().execute(async (trx) => {
    if ((await countSavedSearchesForUpdate(trx, principal.userId)) >= maxSavedSearches)
      throw unprocessable(
        [{ field: 'name', rule: `a supplier user may keep at most ${maxSavedSearches} saved searches` }],
        'Too many saved searches',
      );
    const created = await insertSavedSearch(trx, {
      ...input,
      userId: principal.userId,
      organisationId: principal.orgId,
      feedToken: token,
    });
    await appendPlatformAudit(trx, principal, 'saved_search_created', { searchId: created.id, email: created.email });
    return created;
  });
  return savedSearchView(search, savedSearchFeedUrl(ctx.config.PUBLIC_URL, token));
}

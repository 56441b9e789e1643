import { appendPlatformAudit } from '../../../db/audit.js';
import { newFeedToken, rotateSavedSearchFeed as rotateFeedRow } from '../../../db/saved-searches.js';
import type { Principal } from '../../../domain/authorization.js';
import { DomainError } from '../../../domain/errors.js';
import type { ServiceContext } from '../../context.js';
import { ownSavedSearch, requireSession, savedSearchFeedUrl, savedSearchView } from './saved-search-access.js';
import type { SavedSearchView } from './saved-search-contracts.js';

/** Gives the caller's search a new feed address, shown this once; the old one answers 404 from now on. */
export async function rotateSavedSearchFeed(
  ctx: ServiceContext,
  principal: Principal,
  searchId: string,
): Promise<SavedSearchView> {
  const search = await ownSavedSearch(ctx, principal, searchId);
  requireSession(principal);
  const token = newFeedToken();
  const rotatedAt = await ctx.db.transaction().execute(async (trx) => {
    const at = await rotateFeedRow(trx, searchId, token);
    if (!at) throw new DomainError('not_found', 'No such saved search');
    await appendPlatformAudit(trx, principal, 'saved_search_feed_rotated', { searchId });
    return at;
  });
  return savedSearchView(
    { ...search, feedRotatedAt: rotatedAt, feedLastUsedAt: null },
    savedSearchFeedUrl(ctx.config.PUBLIC_URL, token),
  );
}

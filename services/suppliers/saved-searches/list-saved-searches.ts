import { listSavedSearchesOf } from '../../../db/saved-searches.js';
import type { Principal } from '../../../domain/authorization.js';
import { maxSavedSearches } from '../../../domain/saved-search.js';
import type { ServiceContext } from '../../context.js';
import { requireSupplierUser, savedSearchView } from './saved-search-access.js';
import type { SavedSearchList } from './saved-search-contracts.js';

/** The caller's saved searches, oldest first, without their feeds' addresses (only hashes are kept). */
export async function listSavedSearches(ctx: ServiceContext, principal: Principal): Promise<SavedSearchList> {
  requireSupplierUser(principal);
  const searches = await listSavedSearchesOf(ctx.db, principal.userId);
  return { searches: searches.map((s) => savedSearchView(s)), maxSearches: maxSavedSearches };
}

import { findSavedSearch, type SavedSearchRecord } from '../../../db/saved-searches.js';
import type { Principal } from '../../../domain/authorization.js';
import { DomainError } from '../../../domain/errors.js';
import type { ServiceContext } from '../../context.js';
import { iso } from '../../iso.js';
import type { SavedSearchView } from './saved-search-contracts.js';

/** Saved searches are a supplier user's own: buyers, Commission staff and administrators get 403. */
export function requireSupplierUser(principal: Principal): void {
  if (principal.orgKind !== 'supplier') throw new DomainError('forbidden', 'Only supplier users keep saved searches');
}

/**
 * A feed secret is minted from a signed-in session only, as the calendar feed's: a leaked API
 * token must not be able to mint a credential of another kind.
 */
export function requireSession(principal: Principal): void {
  if (principal.via !== 'session')
    throw new DomainError('forbidden', 'A saved search’s feed address is made from a signed-in session');
}

/** The caller's own search; anyone else's is 404, as if it did not exist. */
export async function ownSavedSearch(
  ctx: ServiceContext,
  principal: Principal,
  searchId: string,
): Promise<SavedSearchRecord> {
  requireSupplierUser(principal);
  const search = await findSavedSearch(ctx.db, searchId);
  if (!search || search.userId !== principal.userId) throw new DomainError('not_found', 'No such saved search');
  return search;
}

export function savedSearchFeedUrl(publicUrl: string, token: string): string {
  return new URL(`/api/saved-search-feeds/${token}.atom`, publicUrl).toString();
}

export function savedSearchView(s: SavedSearchRecord, feedUrl: string | null = null): SavedSearchView {
  return {
    id: s.id,
    name: s.name,
    words: s.words,
    cpvPrefixes: s.cpvPrefixes,
    countries: s.countries,
    kinds: s.kinds,
    email: s.email,
    feedUrl,
    feedRotatedAt: iso(s.feedRotatedAt)!,
    feedLastUsedAt: iso(s.feedLastUsedAt),
    createdAt: iso(s.createdAt)!,
    updatedAt: iso(s.updatedAt)!,
  };
}

import { publicSearchDocuments, savedSearchForFeedToken } from '../../../db/saved-searches.js';
import { DomainError } from '../../../domain/errors.js';
import { savedSearchMatches } from '../../../domain/saved-search.js';
import { savedSearchAtom } from '../../../mail/saved-search-feed.js';
import type { ServiceContext } from '../../context.js';
import { savedSearchFeedUrl } from './saved-search-access.js';

/** Documents of each kind read to match, as many as the public list of published statements shows. */
const scanned = 500;
/** Entries in one feed: the newest, as the public feed. */
const feedSize = 100;

/**
 * A saved search's Atom feed, reached by the secret in its address alone (a feed reader polls it):
 * the public documents it matches, newest first. A wrong, rotated or revoked secret, or an owner
 * who was disabled, is 404.
 */
export async function getSavedSearchFeed(ctx: ServiceContext, token: string): Promise<string> {
  const found = await savedSearchForFeedToken(ctx.db, token);
  if (!found || found.owner.organisation.kind !== 'supplier') throw new DomainError('not_found', 'No such feed');
  const { search, owner } = found;
  const documents = (await publicSearchDocuments(ctx.db, scanned))
    .filter((d) => savedSearchMatches(search, d))
    .sort((a, b) => b.at.getTime() - a.at.getTime())
    .slice(0, feedSize);
  return savedSearchAtom(search, documents, {
    selfUrl: savedSearchFeedUrl(ctx.config.PUBLIC_URL, token),
    publicUrl: ctx.config.PUBLIC_URL,
    locale: owner.user.locale,
    now: new Date(),
  });
}

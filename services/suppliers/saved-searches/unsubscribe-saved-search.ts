import { appendPlatformAudit } from '../../../db/audit.js';
import { findUser } from '../../../db/organisations.js';
import {
  findSavedSearch,
  stopSavedSearchEmail,
  verifySavedSearchUnsubscribeToken,
} from '../../../db/saved-searches.js';
import { unsubscribeKey } from '../../../db/suppliers.js';
import { DomainError } from '../../../domain/errors.js';
import type { RequestMeta, ServiceContext } from '../../context.js';
import type { SavedSearchUnsubscribeView } from './saved-search-contracts.js';

async function searchFor(ctx: ServiceContext, token: string) {
  const searchId = verifySavedSearchUnsubscribeToken(await unsubscribeKey(ctx.db), token);
  const search = searchId ? await findSavedSearch(ctx.db, searchId) : undefined;
  // A deleted search sends nothing any more: its link is as unknown as a forged one.
  if (!search) throw new DomainError('not_found', 'No such saved search; it may have been deleted');
  return { search, locale: (await findUser(ctx.db, search.userId))?.locale ?? 'en' };
}

/** What the link would do, without doing it: a GET (mail scanners fetch links) changes nothing. */
export async function savedSearchUnsubscribeStatus(
  ctx: ServiceContext,
  token: string,
): Promise<SavedSearchUnsubscribeView> {
  const { search, locale } = await searchFor(ctx, token);
  return { name: search.name, email: search.email, locale };
}

/**
 * Stops one saved search's e-mail (RFC 8058 one-click: the signed token is the only credential);
 * its feed and the supplier's other searches and subscription stay. Repeating it is harmless.
 */
export async function unsubscribeSavedSearch(
  ctx: ServiceContext,
  token: string,
  meta: RequestMeta,
): Promise<SavedSearchUnsubscribeView> {
  const { search, locale } = await searchFor(ctx, token);
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await stopSavedSearchEmail(trx, search.id))) return;
    await appendPlatformAudit(
      trx,
      { userId: search.userId, orgId: search.organisationId },
      'saved_search_unsubscribed',
      { searchId: search.id, via: 'unsubscribe-link', ip: meta.ip ?? null },
    );
  });
  return { name: search.name, email: false, locale };
}

import type { Db } from '../db/database.js';
import { enqueueMessages } from '../db/outbox.js';
import { findPublication } from '../db/publication.js';
import { emailingSavedSearches } from '../db/saved-searches.js';
import { findStatement } from '../db/statements.js';
import { logNoticeContacts, unsubscribeKey } from '../db/suppliers.js';
import { supplierNoticeKeyPrefix } from '../domain/market-events.js';
import { savedSearchMatches, type SearchableDocument } from '../domain/saved-search.js';
import type { DemandSignal } from '../domain/suppliers.js';
import { composeSavedSearchNotice } from '../mail/saved-search-notice.js';

/** Searches read per page: each page's messages are queued in one transaction. */
const pageSize = 500;

/**
 * The outbox key of one search's notice of one document version: unique forever, so a retried or
 * resumed fan-out queues nothing twice. It starts with the notice's key prefix, so the fan-out's
 * own sender (`deliverQueuedNotices`) sends it with the subscription's notices.
 */
export const savedSearchNoticeKey = (noticeId: string, searchId: string, statementId: string, version: number) =>
  `${supplierNoticeKeyPrefix(noticeId)}saved-search:${searchId}:${statementId}:v${version}`;

/** The consultation's round, from its notice id (`consultation-<statementId>-r<round>`). */
const roundOf = (noticeId: string) => Number(/-r(\d+)$/.exec(noticeId)?.[1] ?? 1);

/**
 * Queues one e-mail per saved search that matches a statement's publication or a consultation's
 * opening and e-mails (issue 19): one per search rather than one per supplier listing them,
 * because each search has its own e-mail setting and its own one-click unsubscribe link, and RFC
 * 8058 gives a message one List-Unsubscribe target. `params` are the public facts the
 * subscription's notice states, in the recipient's language; `demand` what it is matched on.
 * Returns how many were new. Contacts during a consultation are logged as the notice's are.
 */
export async function queueSavedSearchNotices(
  db: Db,
  input: {
    noticeId: string;
    statementId: string;
    kind: 'publication' | 'consultation';
    ref: string | null;
    demand: DemandSignal;
    params: (locale: string) => Record<string, string>;
    publicUrl: string;
  },
): Promise<number> {
  const statement = (await findStatement(db, input.statementId))!;
  const version =
    input.kind === 'publication' ? (await findPublication(db, input.ref!))!.version : roundOf(input.noticeId);
  const document: SearchableDocument = {
    kind: input.kind === 'publication' ? 'statement' : 'consultation',
    title: statement.title,
    description: statement.description,
    cpvCodes: input.demand.cpvCodes,
    countries: input.demand.countries,
  };
  const template = input.kind === 'publication' ? 'savedSearch.mail.published' : 'savedSearch.mail.consultationOpened';
  const key = await unsubscribeKey(db);
  const paramsOf = new Map<string, Record<string, string>>();
  let queued = 0;
  let afterId: string | null = null;
  for (;;) {
    const searches = await emailingSavedSearches(db, document.kind, { afterId, limit: pageSize });
    const messages = searches
      .filter((s) => savedSearchMatches(s, document))
      .map((s) => {
        let params = paramsOf.get(s.locale);
        if (!params) paramsOf.set(s.locale, (params = input.params(s.locale)));
        return composeSavedSearchNotice(s, {
          key: savedSearchNoticeKey(input.noticeId, s.id, input.statementId, version),
          template,
          params,
          unsubscribeKey: key,
          publicUrl: input.publicUrl,
        });
      });
    if (messages.length > 0) {
      queued += await db.transaction().execute(async (trx) => {
        const added = await enqueueMessages(trx, messages);
        if (input.kind === 'consultation' && added > 0)
          await logNoticeContacts(trx, {
            statementId: input.statementId,
            kind: input.kind,
            noticeId: input.noticeId,
            keys: messages.map((m) => m.key),
            organisationOf: new Map(searches.map((s) => [s.userId, s.organisationId])),
          });
        return added;
      });
    }
    if (searches.length < pageSize) return queued;
    afterId = searches[searches.length - 1]!.id;
  }
}

import type { KeyObject } from 'node:crypto';

import type { OutgoingMessage } from '../db/outbox.js';
import { type EmailingSavedSearch, signSavedSearchUnsubscribeToken } from '../db/saved-searches.js';
import { unsubscribeHeaders } from '../db/suppliers.js';
import { translatorFor } from '../i18n/index.js';
import { cleanSingleLine } from '../rules/text-hygiene.js';

/** The addresses of one search's unsubscribe link: the page (a button) and the one-click target, the same path. */
export function savedSearchUnsubscribeUrl(publicUrl: string, token: string): string {
  const url = new URL('/saved-search-unsubscribe', publicUrl);
  url.searchParams.set('token', token);
  return url.toString();
}

/**
 * One saved search's notice to its owner, in the owner's language: which search matched, the
 * document's public facts (`params`, the same the subscription's notice states) and a link that
 * stops this search's e-mail alone, in the text and in the List-Unsubscribe headers (RFC 8058).
 */
export function composeSavedSearchNotice(
  search: EmailingSavedSearch,
  opts: {
    key: string;
    template: 'savedSearch.mail.published' | 'savedSearch.mail.consultationOpened';
    params: Record<string, string>;
    unsubscribeKey: KeyObject;
    publicUrl: string;
  },
): OutgoingMessage {
  const t = translatorFor(search.locale);
  const unsubscribe = savedSearchUnsubscribeUrl(
    opts.publicUrl,
    signSavedSearchUnsubscribeToken(opts.unsubscribeKey, search.id),
  );
  const values = { ...opts.params, name: search.userName, search: search.name };
  return {
    key: opts.key,
    statementId: null,
    recipientUserId: search.userId,
    to: search.email,
    locale: search.locale,
    subject: cleanSingleLine(t(`${opts.template}.subject`, values)),
    text: `${t(`${opts.template}.body`, values)}\n\n--\n${t('savedSearch.mail.footer', { search: search.name, unsubscribe })}`,
    headers: unsubscribeHeaders(unsubscribe),
  };
}

import type { KeyObject } from 'node:crypto';

import type { OutgoingMessage } from '../db/outbox.js';
import { signUnsubscribeToken, unsubscribeHeaders, unsubscribeUrls } from '../db/suppliers.js';
import { translatorFor } from '../i18n/index.js';
import { cleanSingleLine } from '../rules/text-hygiene.js';

export interface SupplierRecipient {
  userId: string;
  email: string;
  name: string;
  locale: string;
}

/** Stand-ins for what differs per recipient, put in the text by the translation once per locale. */
const nameMark = '\u0001jd:name\u0001';
const unsubscribeMark = '\u0001jd:unsubscribe\u0001';
const rendered = new Map<string, { subject: string; body: string }>();

/**
 * The notice's subject and text in one language with stand-ins for the recipient's name and
 * unsubscribe link, translated once per language and notice instead of once per recipient (a
 * fan-out to 100,000 suppliers spent most of its queueing time in the translator).
 */
function renderedNotice(
  locale: string,
  template: string,
  params: Record<string, string>,
): { subject: string; body: string } {
  const cacheKey = JSON.stringify([locale, template, params]);
  let notice = rendered.get(cacheKey);
  if (!notice) {
    const t = translatorFor(locale);
    const values = { name: nameMark, ...params };
    notice = {
      subject: t(`${template}.subject`, values),
      body: `${t(`${template}.body`, values)}\n\n--\n${t('mail.supplier.footer', { unsubscribe: unsubscribeMark })}`,
    };
    // A few notices in a few languages at a time: keep the latest.
    if (rendered.size >= 64) rendered.delete(rendered.keys().next().value!);
    rendered.set(cacheKey, notice);
  }
  return notice;
}

const fill = (text: string, mark: string, value: string) => text.split(mark).join(value);

/**
 * One notice to one supplier user, in the user's language. Every one carries a one-click
 * unsubscribe link (signed, no sign-in) in its text and in the List-Unsubscribe headers.
 */
export function composeSupplierNotice(
  r: SupplierRecipient,
  opts: {
    key: string;
    statementId: string | null;
    template: string;
    params: Record<string, string>;
    unsubscribeKey: KeyObject;
    publicUrl: string;
  },
): OutgoingMessage {
  const urls = unsubscribeUrls(opts.publicUrl, signUnsubscribeToken(opts.unsubscribeKey, r.userId), r.locale);
  const notice = renderedNotice(r.locale, opts.template, opts.params);
  return {
    key: opts.key,
    statementId: opts.statementId,
    recipientUserId: r.userId,
    to: r.email,
    locale: r.locale,
    subject: cleanSingleLine(fill(notice.subject, nameMark, r.name)),
    text: fill(fill(notice.body, nameMark, r.name), unsubscribeMark, urls.page),
    headers: unsubscribeHeaders(urls.oneClick),
  };
}

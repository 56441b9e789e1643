import type { OutgoingMessage } from '../db/outbox.js';
import { signUnsubscribeToken, unsubscribeHeaders, unsubscribeUrls } from '../db/suppliers.js';
import { cleanSingleLine } from '../rules/text-hygiene.js';
import { translatorFor } from '../i18n/index.js';

export interface SupplierRecipient {
  userId: string;
  email: string;
  name: string;
  locale: string;
}

/**
 * One notice to one supplier user, in the user's language. Every one carries a one-click
 * unsubscribe link (signed, no sign-in) in its text and in the List-Unsubscribe headers.
 */
export function composeSupplierNotice(
  r: SupplierRecipient,
  opts: { key: string; statementId: string | null; template: string; params: Record<string, string>; unsubscribeKey: Buffer; publicUrl: string },
): OutgoingMessage {
  const t = translatorFor(r.locale);
  const urls = unsubscribeUrls(opts.publicUrl, signUnsubscribeToken(opts.unsubscribeKey, r.userId));
  const values = { name: r.name, ...opts.params };
  return {
    key: opts.key,
    statementId: opts.statementId,
    recipientUserId: r.userId,
    to: r.email,
    locale: r.locale,
    subject: cleanSingleLine(t(`${opts.template}.subject`, values)),
    text: `${t(`${opts.template}.body`, values)}\n\n--\n${t('mail.supplier.footer', { unsubscribe: urls.page })}`,
    headers: unsubscribeHeaders(urls.oneClick),
  };
}

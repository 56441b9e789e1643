import type { OutgoingMessage } from '../db/outbox.js';
import { formatDateTime, translatorFor } from '../i18n/index.js';
import { cleanSingleLine } from '../rules/text-hygiene.js';

export interface Recipient {
  id: string;
  email: string;
  name: string;
  locale: string;
}

/**
 * Builds one outbox message per recipient in the recipient's own language. `key` makes each
 * (event, recipient) pair unique, which is what makes a retried activity send nothing twice.
 */
export function composeForEach(
  recipients: readonly Recipient[],
  keyPrefix: string,
  statementId: string | null,
  template: string,
  params: (r: Recipient, t: ReturnType<typeof translatorFor>) => Record<string, string>,
  headers?: (r: Recipient) => Record<string, string>,
): OutgoingMessage[] {
  return recipients.map((r) => {
    const t = translatorFor(r.locale);
    const values = { name: r.name, ...params(r, t) };
    return {
      key: `${keyPrefix}:${r.id}`,
      statementId,
      recipientUserId: r.id,
      to: r.email,
      locale: r.locale,
      // A title typed with controls or direction overrides must not shape the header.
      subject: cleanSingleLine(t(`${template}.subject`, values)),
      text: `${t(`${template}.body`, values)}\n\n--\n${t('mail.footer')}`,
      headers: headers?.(r),
    };
  });
}

export function statementLink(publicUrl: string, statementId: string): string {
  return new URL(`/statements/${statementId}`, publicUrl).toString();
}

/** The sign-in link; `locale` lets the page it opens speak the recipient's language. */
export function signInLink(publicUrl: string, token: string, locale?: string): string {
  const url = new URL('/sign-in/verify', publicUrl);
  url.searchParams.set('token', token);
  if (locale) url.searchParams.set('lang', locale);
  return url.toString();
}

export { formatDateTime };

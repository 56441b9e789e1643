import { createSecretKey } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { signUnsubscribeToken, unsubscribeHeaders, unsubscribeUrls } from '../db/suppliers.js';
import { translatorFor } from '../i18n/index.js';
import { composeSupplierNotice } from '../mail/supplier-notice.js';
import { cleanSingleLine } from '../rules/text-hygiene.js';

/**
 * A supplier notice is translated once per language and notice, with stand-ins for the name and
 * the unsubscribe link filled in per recipient. It must read exactly as if it were translated for
 * each recipient, whatever the name holds.
 */
const key = createSecretKey(Buffer.alloc(32, 7));
const publicUrl = 'https://jointdemand.example';

/** The notice as it was composed before: one translation per recipient. */
function translatedForEach(
  r: { userId: string; name: string; locale: string },
  template: string,
  params: Record<string, string>,
) {
  const t = translatorFor(r.locale);
  const urls = unsubscribeUrls(publicUrl, signUnsubscribeToken(key, r.userId), r.locale);
  const values = { name: r.name, ...params };
  return {
    subject: cleanSingleLine(t(`${template}.subject`, values)),
    text: `${t(`${template}.body`, values)}\n\n--\n${t('mail.supplier.footer', { unsubscribe: urls.page })}`,
    headers: unsubscribeHeaders(urls.oneClick),
  };
}

describe('supplier notices translated once per language', () => {
  const names = ['Anna Virtanen', 'Jörg & Söhne $& $1 $$', '{{title}} {{link}}', 'Ω\u202Eevil\u0007', ''];
  const cases: { template: string; params: Record<string, string> }[] = [
    {
      template: 'mail.supplier.published',
      params: {
        title: 'Electric excavators',
        signatories: 'Espoo, Tampere, +2',
        value: '€1,800,000.00',
        link: `${publicUrl}/published/x`,
        ocds: `${publicUrl}/ocds.json`,
      },
    },
    {
      template: 'mail.supplier.consultationOpened',
      params: {
        title: 'Buses $& {{name}}',
        deadline: '4 January 2027 at 12:00 UTC',
        value: '—',
        buyers: '3',
        countries: '2',
        link: `${publicUrl}/consultations/x`,
      },
    },
    {
      template: 'mail.supplier.answerPublished',
      params: {
        title: 'T',
        number: '2',
        question: 'Is {{name}} a placeholder?',
        answer: 'No.',
        link: `${publicUrl}/c`,
      },
    },
  ];

  it('reads exactly as one translated per recipient, in every language and for any name', () => {
    let n = 0;
    for (const c of cases) {
      for (const locale of ['en', 'fr', 'de', 'xx']) {
        for (const name of names) {
          const userId = `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
          const r = { userId, email: `s${n}@suppliers.example`, name, locale };
          const notice = composeSupplierNotice(r, {
            key: `k:${n}`,
            statementId: null,
            template: c.template,
            params: c.params,
            unsubscribeKey: key,
            publicUrl,
          });
          const expected = translatedForEach(r, c.template, c.params);
          expect({ subject: notice.subject, text: notice.text, headers: notice.headers }).toEqual(expected);
          const page = unsubscribeUrls(publicUrl, signUnsubscribeToken(key, userId), locale).page;
          expect(notice.text).toContain(page);
          // The page opens in the recipient's language.
          expect(new URL(page).searchParams.get('lang')).toBe(locale);
          expect(notice).toMatchObject({ key: `k:${n}`, to: r.email, locale, recipientUserId: userId });
        }
      }
    }
  });

  it('keeps notices with different figures apart', () => {
    const r = { userId: '00000000-0000-4000-8000-000000000001', email: 'a@suppliers.example', name: 'A', locale: 'en' };
    const [a, b] = ['Buses', 'Trams'].map((title) =>
      composeSupplierNotice(r, {
        key: title,
        statementId: null,
        template: 'mail.supplier.published',
        params: { ...cases[0]!.params, title },
        unsubscribeKey: key,
        publicUrl,
      }),
    );
    expect(a!.text).toContain('Buses');
    expect(b!.text).toContain('Trams');
    expect(b!.text).not.toContain('Buses');
  });
});

import { describe, expect, it } from 'vitest';

import { createFormatter } from './format';

/** Intl's spaces (narrow no-break, no-break) as plain spaces, to compare. */
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('money in the web: the one rule of rules/money.ts, never rounded twice (issue 17 point 11)', () => {
  const en = createFormatter('en');
  const fr = createFormatter('fr');

  it('prints an API figure as the API shows it: its cents, or its exact value beside a verdict', () => {
    expect(en.currency('16784947.53')).toBe('€16,784,947.53');
    // 5,403,999.995 is below the works threshold; the API shows it exactly, and so does the page.
    expect(en.currency('5403999.995')).toBe('€5,403,999.995');
    expect(plain(fr.currency('5403999.995'))).toBe('5 403 999,995 €');
    expect(en.currency('216000.00')).toBe('€216,000.00');
  });

  it('shows what the browser computes to the cent, half-up, from the decimal string', () => {
    expect(en.amount('16784947.52640865123456789012')).toBe('€16,784,947.53');
    expect(en.amount('1.005')).toBe('€1.01');
    expect(en.amount('2.675')).toBe('€2.68'); // 2.675 as a float is 2.67499…: no float here
    expect(plain(fr.amount('1250.5', 'SEK'))).toBe('1 250,50 SEK');
  });
});

describe('dates and times as European readers write them (issue 19, formats)', () => {
  const at = '2026-12-05T17:38:00Z';
  const inZone = (locale: string, timeZone: string) => createFormatter(locale, timeZone);

  it('writes English dates day first, as in en-GB, never month first', () => {
    expect(createFormatter('en').date('2026-03-09')).toBe('9 March 2026');
    expect(createFormatter('de').date('2026-03-09')).toBe('9. März 2026');
    expect(createFormatter('fr').date('2026-03-09')).toBe('9 mars 2026');
  });

  it("writes times on the 24-hour clock, in the reader's time zone, and names the zone", () => {
    expect(plain(inZone('en', 'Europe/Helsinki').dateTime(at))).toBe('5 December 2026 at 19:38 EET');
    expect(plain(inZone('en', 'Europe/Brussels').dateTime(at))).toBe('5 December 2026 at 18:38 CET');
    expect(plain(inZone('de', 'Europe/Berlin').dateTime(at))).toBe('5. Dezember 2026 um 18:38 MEZ');
    expect(plain(inZone('fr', 'Europe/Paris').dateTime(at))).toBe('5 décembre 2026 à 18:38 UTC+1');
    expect(inZone('en', 'Europe/Helsinki').dateTime(at)).not.toMatch(/AM|PM/);
  });

  it('says which time zone the times are in', () => {
    expect(inZone('en', 'Europe/Helsinki').timeZone).toBe('Europe/Helsinki');
    expect(createFormatter('en').timeZone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });
});

import { describe, expect, it } from 'vitest';

import { formatDateTime, formatEur } from './index.js';

/** Intl's spaces (narrow no-break, no-break) as plain spaces, to compare. */
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('dates and figures in e-mails and documents, as European readers write them (issue 19, formats)', () => {
  it('writes an English deadline day first on the 24-hour clock, naming UTC, never month first or PM', () => {
    expect(plain(formatDateTime('2026-12-05T17:38:00Z', 'en'))).toBe('5 December 2026 at 17:38 UTC');
    expect(plain(formatDateTime('2026-12-05T17:38:00Z', 'de'))).toBe('5. Dezember 2026 um 17:38 UTC');
    expect(plain(formatDateTime('2026-12-05T17:38:00Z', 'fr'))).toBe('5 décembre 2026 à 17:38 UTC');
  });

  it("keeps money in the reader's convention", () => {
    expect(formatEur('1234567.5', 'en')).toBe('€1,234,567.50');
    expect(plain(formatEur('1234567.5', 'fr'))).toBe('1 234 567,50 €');
    expect(plain(formatEur('1234567.5', 'de'))).toBe('1.234.567,50 €');
  });
});

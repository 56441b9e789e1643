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

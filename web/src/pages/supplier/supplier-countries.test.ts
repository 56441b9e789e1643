import { describe, expect, it } from 'vitest';

import { supplierCountryChoices } from './supplier-countries';

const namesIn = (locale: string) => {
  const names = new Intl.DisplayNames([locale], { type: 'region', fallback: 'none' });
  return (code: string) => names.of(code);
};

describe('the countries a supplier registers in', () => {
  it('lists the 30 EU and EEA countries first, by name in the reader’s language', () => {
    const { participating } = supplierCountryChoices(namesIn('de'), 'de');
    expect(participating).toHaveLength(30);
    expect(participating.map((c) => c.code)).toContain('NO');
    expect(participating[0]).toEqual({ code: 'BE', name: 'Belgien' });
    expect(participating.map((c) => c.name)).toContain('Österreich');
  });

  it('offers the other countries of the world, and no region that is not one', () => {
    const { participating, others } = supplierCountryChoices(namesIn('en'), 'en');
    const codes = others.map((c) => c.code);
    for (const code of ['US', 'CH', 'GB', 'JP', 'UA', 'TR']) expect(codes).toContain(code);
    for (const code of ['EU', 'UN', 'EZ', 'ZZ', 'QO', 'XA', 'AA', 'FI']) expect(codes).not.toContain(code);
    expect(others.length).toBeGreaterThan(200);
    expect(new Set([...codes, ...participating.map((c) => c.code)]).size).toBe(others.length + 30);
  });
});

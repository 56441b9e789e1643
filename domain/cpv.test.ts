import { describe, expect, it } from 'vitest';

import { contractNature, cpvAncestors, cpvAt, cpvCodeListSchema, cpvLevel, parseCpv } from './cpv.js';

describe('CPV codes', () => {
  it('accepts codes with or without check digit and keys on the 8 digits', () => {
    expect(parseCpv('45000000-7')).toEqual({ code: '45000000', checkDigit: '7' });
    expect(parseCpv(' 34144900 ')).toEqual({ code: '34144900', checkDigit: undefined });
    expect(cpvCodeListSchema.parse(['45000000-7', '45000000', '34144900-7'])).toEqual(['45000000', '34144900']);
  });

  it('rejects malformed codes and unknown divisions', () => {
    for (const bad of ['4500000', '45000000-77', 'ABCDEFGH', '99000000', '45000000-'])
      expect(parseCpv(bad), bad).toBeUndefined();
    expect(cpvCodeListSchema.safeParse([]).success).toBe(false);
  });

  it('reads the level from the trailing zeros and walks up the tree', () => {
    expect(cpvLevel('45000000')).toBe('division');
    expect(cpvLevel('45200000')).toBe('group');
    expect(cpvLevel('45210000')).toBe('class');
    expect(cpvLevel('45213000')).toBe('category');
    expect(cpvLevel('45213100')).toBe('code');
    expect(cpvAncestors('45213100')).toEqual(['45000000', '45200000', '45210000', '45213000']);
    expect(cpvAncestors('45210000')).toEqual(['45000000', '45200000']);
    expect(cpvAncestors('45000000')).toEqual([]);
    expect(cpvAt('34144900', 'group')).toBe('34100000');
  });

  it('derives the contract nature from the division', () => {
    expect(contractNature('45000000')).toBe('works');
    expect(contractNature('34144900')).toBe('supplies');
    expect(contractNature('03000000')).toBe('supplies');
    expect(contractNature('48000000')).toBe('supplies');
    expect(contractNature('50000000')).toBe('services');
    expect(contractNature('98000000')).toBe('services');
  });
});

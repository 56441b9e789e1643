import path from 'node:path';

import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';

import type { CpvEntry } from '../db/reference-data.js';
import { CPV_FILE, locateReferenceData, readCpvFile } from '../db/reference-data-files.js';
import {
  contractNature,
  cpvAncestors,
  cpvAt,
  cpvCodeListSchema,
  cpvLevel,
  cpvListProblem,
  cpvParent,
  cpvSignificantDigits,
  cpvUnlistedAncestors,
  parseCpv,
} from './cpv.js';

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

  it('follows the tree to the last significant digit (Regulation 213/2008, Annex I)', () => {
    // Issue 17: 34144710 "Wheeled loaders" hung directly off the category 34144000.
    expect(cpvAncestors('34144710')).toEqual(['34000000', '34100000', '34140000', '34144000', '34144700']);
    expect(cpvParent('34144710')).toBe('34144700');
    expect(cpvParent('34144751')).toBe('34144750');
    expect(cpvParent('45213150')).toBe('45213100');
    expect(cpvParent('45213100')).toBe('45213000');
    expect(cpvParent('45000000')).toBeNull();
    expect(cpvSignificantDigits('34144751')).toBe(8);
    expect(cpvSignificantDigits('34144700')).toBe(6);
    expect(cpvSignificantDigits('03000000')).toBe(2);
    expect(cpvLevel('34144710')).toBe('code');
  });

  it('passes over the ancestors the list does not have, to the nearest one it has', () => {
    expect(cpvParent('30192121')).toBe('30192100');
    expect(cpvParent('39254110')).toBe('39254100');
    expect(cpvParent('39254100')).toBe('39254000');
    expect(cpvParent('39254000')).toBe('39200000');
    expect(cpvAncestors('42924710')).toEqual(['42000000', '42900000', '42920000', '42924700']);
  });

  it('counts a zero inside a code once (not a listed code, but the tree stays a tree)', () => {
    expect(cpvAncestors('45010000')).toEqual(['45000000']);
    expect(cpvAncestors('45010300')).toEqual(['45000000', '45010000']);
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

describe('CPV codes against the whole CPV 2008 list', () => {
  let list: CpvEntry[] = [];
  let listed: Map<string, string>;
  beforeAll(async () => {
    const dir = locateReferenceData();
    if (!dir) throw new Error('the CPV 2008 list was not found: set REFERENCE_DATA_DIR to the shared data folder');
    list = await readCpvFile(path.join(dir, CPV_FILE));
    listed = new Map(list.map((e) => [e.code8, e.checkDigit]));
  });

  it('has its 9,454 codes', () => {
    expect(list).toHaveLength(9454);
  });

  it('places every code under exactly the listed codes its significant digits lead through', () => {
    // Independently of cpvAncestors: the listed codes keyed by their significant digits ("341447"
    // for 34144700), looked up by each shorter start of the code.
    const bySignificantDigits = new Map(list.map((e) => [e.code8.slice(0, cpvSignificantDigits(e.code8)), e.code8]));
    for (const { code8 } of list) {
      const expected: string[] = [];
      for (let digits = 2; digits < cpvSignificantDigits(code8); digits++) {
        const listedAt = bySignificantDigits.get(code8.slice(0, digits));
        if (listedAt !== undefined) expected.push(listedAt);
      }
      expect(cpvAncestors(code8), code8).toEqual(expected);
      // The parent is the nearest of them: the list's own hierarchy, none skipped.
      expect(cpvParent(code8), code8).toBe(expected.at(-1) ?? null);
    }
  });

  it('lists every division as a division and every other code under one', () => {
    const wrong = list
      .map((e) => e.code8)
      .filter((code8) => {
        const parent = cpvParent(code8);
        return cpvLevel(code8) === 'division' ? parent !== null : parent === null || !listed.has(parent);
      });
    expect(wrong).toEqual([]);
  });

  it('names exactly the ancestors the list does not have', () => {
    const missing = new Set<string>();
    for (const { code8 } of list)
      for (let digits = 2; digits < cpvSignificantDigits(code8); digits++) {
        const cut = code8.slice(0, digits).padEnd(8, '0');
        if (!listed.has(cut)) missing.add(cut);
      }
    expect([...missing].sort()).toEqual([...cpvUnlistedAncestors]);
  });

  it('checks each code with its own check digit and no other, for every code of the list', () => {
    // Mismatches are collected, not asserted one by one: 104,000 checks.
    const wrong: string[] = [];
    for (const { code8, checkDigit } of list) {
      const official = { checkDigit };
      if (cpvListProblem(parseCpv(`${code8}-${checkDigit}`)!, official) !== undefined)
        wrong.push(`${code8}-${checkDigit}`);
      if (cpvListProblem(parseCpv(code8)!, official) !== undefined) wrong.push(code8);
      for (let d = 0; d <= 9; d++) {
        if (String(d) === checkDigit) continue;
        const rule = cpvListProblem(parseCpv(`${code8}-${d}`)!, official);
        if (
          rule !==
          `has the wrong check digit: the CPV 2008 list gives ${code8}-${checkDigit} (CPV 2008, Regulation (EC) No 213/2008, Annex I)`
        )
          wrong.push(`${code8}-${d}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(cpvListProblem(parseCpv('43269999')!, undefined)).toBe(
      'must be a code of the CPV 2008 list (CPV 2008, Regulation (EC) No 213/2008, Annex I)',
    );
  });

  it('has check digits no weighted sum reproduces for all codes, so the list is the authority', () => {
    // The best such formula (weights 3-7-1 modulo 10) fits 8,922 codes; the rest are why the
    // check digit is taken from the list and never computed.
    const weights = [3, 7, 1, 3, 7, 1, 3, 7];
    const byFormula = (code8: string) =>
      String([...code8].reduce((sum, digit, i) => sum + Number(digit) * weights[i]!, 0) % 10);
    const fits = list.filter((e) => byFormula(e.code8) === e.checkDigit).length;
    expect(fits).toBe(8922);
    expect(byFormula('09100000')).not.toBe(listed.get('09100000'));
  });

  it('rolls any set of listed codes into a tree whose every node is listed (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...list.map((e) => e.code8)), { minLength: 1, maxLength: 30 }), (codes) => {
        const nodes = new Set(codes.flatMap((c) => [...cpvAncestors(c), c]));
        for (const node of nodes) {
          expect(listed.has(node)).toBe(true);
          const parent = cpvParent(node);
          if (parent !== null) expect(nodes.has(parent)).toBe(true);
        }
      }),
    );
  });
});

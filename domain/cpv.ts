import { z } from 'zod';

import type { FieldProblem } from './errors.js';

/**
 * CPV 2008 (Regulation (EC) No 213/2008). Codes are keyed on their 8 digits; the check digit is
 * verified against the official list (Annex I), because no formula reproduces it for every code:
 * the weights 3-7-1 modulo 10 give it for 8,922 of the 9,454 codes, and whole groups (031-034,
 * 091-093, 421, 722-729) and some 40 codes elsewhere carry other digits (see cpv.test.ts).
 */
export interface ParsedCpv {
  /** The 8 digits, the key everywhere in the system. */
  code: string;
  checkDigit: string | undefined;
}

const cpvPattern = /^(\d{8})(?:-(\d))?$/;

export function parseCpv(input: string): ParsedCpv | undefined {
  const m = cpvPattern.exec(input.trim());
  if (!m) return undefined;
  const code = m[1]!;
  if (!isKnownDivision(code.slice(0, 2))) return undefined;
  return { code, checkDigit: m[2] };
}

/** Divisions of CPV 2008: 03, 09, 14-19, 22, 24, 30-45, 48, 50, 51, 55, 60, 63-66, 70-73, 75-77, 79, 80, 85, 90, 92, 98. */
const divisions = new Set([
  '03',
  '09',
  '14',
  '15',
  '16',
  '18',
  '19',
  '22',
  '24',
  '30',
  '31',
  '32',
  '33',
  '34',
  '35',
  '37',
  '38',
  '39',
  '41',
  '42',
  '43',
  '44',
  '45',
  '48',
  '50',
  '51',
  '55',
  '60',
  '63',
  '64',
  '65',
  '66',
  '70',
  '71',
  '72',
  '73',
  '75',
  '76',
  '77',
  '79',
  '80',
  '85',
  '90',
  '92',
  '98',
]);

export function isKnownDivision(twoDigits: string): boolean {
  return divisions.has(twoDigits);
}

/**
 * Regulation 213/2008, Annex I: the first two digits are the division, three the group, four the
 * class, five the category; "each of the last three digits gives a greater degree of precision
 * within each category" — a code below its category is 'code' here, at whichever of those depths.
 */
export type CpvLevel = 'division' | 'group' | 'class' | 'category' | 'code';

/** How many digits carry meaning: the code up to its last non-zero digit, at least the division's 2. */
export function cpvSignificantDigits(code: string): number {
  let n = 8;
  while (n > 2 && code[n - 1] === '0') n--;
  return n;
}

/** The level is read from the trailing zeros: 45000000 division, 45200000 group, 45210000 class, 45213000 category. */
export function cpvLevel(code: string): CpvLevel {
  const digits = cpvSignificantDigits(code);
  if (digits <= 2) return 'division';
  if (digits === 3) return 'group';
  if (digits === 4) return 'class';
  if (digits === 5) return 'category';
  return 'code';
}

const levelDigits: Record<Exclude<CpvLevel, 'code'>, number> = { division: 2, group: 3, class: 4, category: 5 };

export function cpvAt(code: string, level: Exclude<CpvLevel, 'code'>): string {
  const n = levelDigits[level];
  return code.slice(0, n).padEnd(8, '0');
}

/**
 * The codes the hierarchy passes through that the CPV 2008 list does not have (Regulation
 * 213/2008, Annex I has no entry for them): 30192121 "Ballpoint pens" sits under 30192100
 * "Erasers" because there is no 30192120, 39254000 under 39200000 "Furnishing" because there is no
 * 39250000. A code whose parent is one of these hangs from the nearest ancestor the list has.
 * Checked against the whole list in cpv.test.ts: these are all of them, and none is listed.
 */
export const cpvUnlistedAncestors: readonly string[] = [
  '30192120',
  '34511000',
  '35611000',
  '35612000',
  '35811000',
  '38527000',
  '39250000',
  '42924000',
  '44115300',
  '44613100',
  '60110000',
];
const unlisted = new Set(cpvUnlistedAncestors);

/**
 * The ancestors of a code from its division down, excluding the code itself (Regulation 213/2008,
 * Annex I): the code cut after each of its significant digits, down to the last one, so that
 * 34144710 "Wheeled loaders" is under 34144700 "Utility vehicles", itself under the category
 * 34144000. Ancestors the list does not have are passed over (`cpvUnlistedAncestors`). A zero
 * inside a code (no listed code has one) makes two cuts the same node, counted once.
 */
export function cpvAncestors(code: string): string[] {
  const out: string[] = [];
  for (let digits = 2; digits < cpvSignificantDigits(code); digits++) {
    const ancestor = code.slice(0, digits).padEnd(8, '0');
    if (!unlisted.has(ancestor) && out.at(-1) !== ancestor) out.push(ancestor);
  }
  return out;
}

/** The next node up the tree: the nearest listed ancestor; null for a division. */
export function cpvParent(code: string): string | null {
  return cpvAncestors(code).at(-1) ?? null;
}

/** What the official list says of one code: its check digit, or nothing when it is not listed. */
export type CpvListEntry = { checkDigit: string } | undefined;

/** The source every CPV verdict names. */
export const cpvListSource = 'CPV 2008, Regulation (EC) No 213/2008, Annex I';

/**
 * The rule a code breaks against the official list, or undefined when it is listed and any check
 * digit given is the list's. The check digit is part of the code (Annex I lists "45000000-7"), so
 * a wrong one is refused, never discarded: it is the sign of a mistyped code.
 */
export function cpvListProblem(code: ParsedCpv, official: CpvListEntry): string | undefined {
  if (official === undefined) return `must be a code of the CPV 2008 list (${cpvListSource})`;
  if (code.checkDigit !== undefined && code.checkDigit !== official.checkDigit)
    return `has the wrong check digit: the CPV 2008 list gives ${code.code}-${official.checkDigit} (${cpvListSource})`;
  return undefined;
}

/** A CPV code as a request gave it (check digit kept), and the field it came in. */
export interface TypedCpvCode {
  field: string;
  code: ParsedCpv;
}

/**
 * The CPV codes a statement names, as typed: its subject (`cpvCodes[i]`) and its quantity rules
 * (`criticalMass.minQuantityPerCpv[i].cpvCode`). Reads a request body or a patch the schema has
 * accepted; a code it cannot parse was refused by the schema already and is left out.
 */
export function statementCpvCodes(input: unknown): TypedCpvCode[] {
  const out: TypedCpvCode[] = [];
  const add = (field: string, value: unknown) => {
    const code = typeof value === 'string' ? parseCpv(value) : undefined;
    if (code) out.push({ field, code });
  };
  const body = (typeof input === 'object' && input !== null ? input : {}) as {
    cpvCodes?: unknown;
    criticalMass?: { minQuantityPerCpv?: unknown };
  };
  if (Array.isArray(body.cpvCodes)) body.cpvCodes.forEach((c: unknown, i) => add(`cpvCodes[${i}]`, c));
  const rules = body.criticalMass?.minQuantityPerCpv;
  if (Array.isArray(rules))
    rules.forEach((r: unknown, i) =>
      add(`criticalMass.minQuantityPerCpv[${i}].cpvCode`, (r as { cpvCode?: unknown } | null)?.cpvCode),
    );
  return out;
}

/** Every code the list does not have, or has with another check digit, as a problem naming its field. */
export function cpvListProblems(
  codes: readonly TypedCpvCode[],
  official: (code8: string) => CpvListEntry,
): FieldProblem[] {
  return codes.flatMap(({ field, code }) => {
    const rule = cpvListProblem(code, official(code.code));
    return rule === undefined ? [] : [{ field, rule }];
  });
}

export type ContractNature = 'works' | 'supplies' | 'services';

/** Division 45 is works; 03-44 and 48 supplies; 50-98 services. */
export function contractNature(code: string): ContractNature {
  const division = Number(code.slice(0, 2));
  if (division === 45) return 'works';
  if (division <= 44 || division === 48) return 'supplies';
  return 'services';
}

export const cpvCodeSchema = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const parsed = parseCpv(value);
    if (!parsed) {
      ctx.addIssue({
        code: 'custom',
        message:
          'must be a CPV code: 8 digits of a known division, optionally followed by a dash and the check digit (e.g. 45000000-7)',
      });
      return z.NEVER;
    }
    return parsed;
  })
  .meta({ description: 'CPV 2008 code, with or without check digit', example: '34144900-7' });

/** Accepts codes in either form and yields the 8-digit keys, unique and in input order. */
export const cpvCodeListSchema = z
  .array(cpvCodeSchema)
  .min(1, 'must name at least one CPV code')
  .max(50, 'must name at most 50 CPV codes')
  .transform((list) => [...new Set(list.map((c) => c.code))]);

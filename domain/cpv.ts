import { z } from 'zod';

/**
 * CPV 2008 (Regulation 213/2008). Codes are keyed on their 8 digits; the check digit is only
 * verified against the official list, because the published formula does not reproduce it.
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

export type CpvLevel = 'division' | 'group' | 'class' | 'category' | 'code';

/** The level is read from the trailing zeros: 45000000 division, 45200000 group, 45210000 class, 45213000 category. */
export function cpvLevel(code: string): CpvLevel {
  if (code.slice(2) === '000000') return 'division';
  if (code.slice(3) === '00000') return 'group';
  if (code.slice(4) === '0000') return 'class';
  if (code.slice(5) === '000') return 'category';
  return 'code';
}

const levelDigits: Record<Exclude<CpvLevel, 'code'>, number> = { division: 2, group: 3, class: 4, category: 5 };

export function cpvAt(code: string, level: Exclude<CpvLevel, 'code'>): string {
  const n = levelDigits[level];
  return code.slice(0, n).padEnd(8, '0');
}

/** The ancestors of a code from the division down, excluding the code itself. */
export function cpvAncestors(code: string): string[] {
  const out: string[] = [];
  for (const level of ['division', 'group', 'class', 'category'] as const) {
    const ancestor = cpvAt(code, level);
    if (ancestor !== code && !out.includes(ancestor)) out.push(ancestor);
    if (cpvLevel(code) === level) break;
  }
  return out;
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

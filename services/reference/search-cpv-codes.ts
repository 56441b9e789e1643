import { cpvDivisions, searchCpv } from '../../db/reference-data.js';
import { type EuLanguage, isEuLanguage } from '../../rules/eu-languages.js';
import type { ServiceContext } from '../context.js';
import type { CpvCodeView, CpvSearchQuery } from './reference-contracts.js';

/**
 * CPV 2008 codes matching a code prefix or words of a label in any of the 24 EU languages, best
 * first, labelled in the language asked for; public. No match is an empty list.
 */
export async function searchCpvCodes(
  ctx: Pick<ServiceContext, 'db'>,
  query: CpvSearchQuery,
  lang: EuLanguage,
): Promise<CpvCodeView[]> {
  const hits = await searchCpv(ctx.db, query.q, query.limit, lang);
  return hits.map((h) => ({
    code: h.code8,
    checkDigit: h.checkDigit,
    label: h.label,
    labelLang: isEuLanguage(h.labelLang) ? h.labelLang : 'en',
    ...(isEuLanguage(h.matchedLang) ? { matchedLang: h.matchedLang } : {}),
    ...(h.matchedLabel === undefined ? {} : { matchedLabel: h.matchedLabel }),
  }));
}

/** The CPV divisions (45000000 Construction work, …), labelled in the language asked for; public. */
export async function listCpvDivisions(ctx: Pick<ServiceContext, 'db'>, lang: EuLanguage): Promise<CpvCodeView[]> {
  const divisions = await cpvDivisions(ctx.db, lang);
  return divisions.map((d) => ({
    code: d.code8,
    checkDigit: d.checkDigit,
    label: d.label,
    labelLang: isEuLanguage(d.labelLang) ? d.labelLang : 'en',
  }));
}

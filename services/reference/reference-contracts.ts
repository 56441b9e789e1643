import { z } from 'zod';

import { euLanguages } from '../../rules/eu-languages.js';
import { text } from '../../rules/text-policy.js';

/** Shapes of the public reference-data searches (CPV 2008, UN/CEFACT Recommendation 20). */
export const referenceSearchQuery = z.object({
  q: text('line', { min: 1, max: 100 }),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type ReferenceSearchQuery = z.output<typeof referenceSearchQuery>;

/** The CPV search's query: the words or code, and the language to label the codes in. */
export const cpvSearchQuery = referenceSearchQuery.extend({
  lang: z
    .enum(euLanguages)
    .optional()
    .describe(
      'The language of the labels (one of the 24 EU languages); without it, the Accept-Language header, else English',
    ),
});
export type CpvSearchQuery = z.output<typeof cpvSearchQuery>;

/** The language to label CPV codes in, for a list that takes no words. */
export const cpvLanguageQuery = cpvSearchQuery.pick({ lang: true });

export const cpvCodeSchema = z
  .object({
    code: z.string(),
    checkDigit: z.string(),
    label: z.string().describe('The label in the language asked for (English where the list has none)'),
    labelLang: z.enum(euLanguages).describe('The language of `label`'),
    matchedLang: z
      .enum(euLanguages)
      .optional()
      .describe(
        "The language whose label matched the words (absent for a code); another than `labelLang` when the words were another language's",
      ),
    matchedLabel: z.string().optional().describe('The label that matched, when its language is not `labelLang`'),
  })
  .meta({ id: 'CpvCode' });
export type CpvCodeView = z.infer<typeof cpvCodeSchema>;
export const cpvCodesSchema = z.array(cpvCodeSchema);

export const unitCodeSchema = z
  .object({ code: z.string(), name: z.string(), symbol: z.string() })
  .meta({ id: 'UnitCode' });
export type UnitCodeView = z.infer<typeof unitCodeSchema>;
export const unitCodesSchema = z.array(unitCodeSchema);

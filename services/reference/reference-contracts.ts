import { z } from 'zod';

import { text } from '../../rules/text-policy.js';

/** Shapes of the public reference-data searches (CPV 2008, UN/CEFACT Recommendation 20). */
export const referenceSearchQuery = z.object({
  q: text('line', { min: 1, max: 100 }),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type ReferenceSearchQuery = z.output<typeof referenceSearchQuery>;

export const cpvCodeSchema = z
  .object({ code: z.string(), checkDigit: z.string(), label: z.string() })
  .meta({ id: 'CpvCode' });
export type CpvCodeView = z.infer<typeof cpvCodeSchema>;
export const cpvCodesSchema = z.array(cpvCodeSchema);

export const unitCodeSchema = z
  .object({ code: z.string(), name: z.string(), symbol: z.string() })
  .meta({ id: 'UnitCode' });
export type UnitCodeView = z.infer<typeof unitCodeSchema>;
export const unitCodesSchema = z.array(unitCodeSchema);

import { z } from 'zod';

import { rateCoverageOn } from '../../db/exchange-rates.js';
import { defaultRateMaxAgeDays } from '../../domain/currency.js';
import type { RateCoverage } from '../../rules/exchange-rates.js';
import type { ServiceContext } from '../context.js';

export const rateCoverageSchema = z
  .object({
    day: z.iso.date().meta({ description: 'The day the coverage is for: today (UTC)' }),
    maxAgeDays: z.int().meta({ description: 'How old a usable rate may be, in days (EXCHANGE_RATE_MAX_AGE_DAYS)' }),
    table: z
      .object({
        date: z.iso.date(),
        currencies: z.array(z.string()).meta({ description: 'The currencies it has a rate for, sorted' }),
      })
      .nullable()
      .meta({
        description:
          'The latest rate table on or before the day, which an aggregation today converts with; null when none is recorded',
      }),
  })
  .meta({
    id: 'RateCoverage',
    description:
      'What can be converted to EUR today: a currency converts if the table has it and the table is at most maxAgeDays old (rules/exchange-rates.ts rateProblemOf)',
  });

/** What the rate tables convert today, for the currency pickers (public reference data for signed-in users). */
export async function getRateCoverage(ctx: Pick<ServiceContext, 'db' | 'config'>): Promise<RateCoverage> {
  return rateCoverageOn(
    ctx.db,
    new Date().toISOString().slice(0, 10),
    ctx.config.EXCHANGE_RATE_MAX_AGE_DAYS ?? defaultRateMaxAgeDays,
  );
}

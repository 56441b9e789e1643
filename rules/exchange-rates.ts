/**
 * Whether a currency can be converted to EUR on a day: the one rule the server (the aggregation,
 * the needs checks, GET /api/exchange-rates/coverage) and the web (the currency picker, the
 * notices that name a blocking currency) share. An aggregation converts with the latest rate
 * table on or before its day (db/aggregate-snapshot.ts); a currency converts if that table has a
 * rate for it and the table is at most `maxAgeDays` old (EXCHANGE_RATE_MAX_AGE_DAYS).
 */

/** A currency the latest rate table has no rate for (or no table at all). */
export const rateMissingCode = 'rate_missing';
/** A currency whose rate is in a table older than the age limit. */
export const rateStaleCode = 'rate_stale';

export type RateProblemCode = typeof rateMissingCode | typeof rateStaleCode;

/** Why a currency cannot be converted, in data a page words in its reader's language. */
export type RateProblem =
  | { code: typeof rateMissingCode; currency: string; tableDate: string | null }
  | { code: typeof rateStaleCode; currency: string; rateDate: string; ageDays: number; maxAgeDays: number };

/** What the rate tables can convert on `day`: the latest table on or before it and its currencies. */
export interface RateCoverage {
  day: string;
  maxAgeDays: number;
  /** The latest rate table on or before `day`; null when none is recorded. */
  table: { date: string; currencies: string[] } | null;
}

const dayMs = 86_400_000;

/** Whole days from the rate table's date to `day` (both YYYY-MM-DD); 0 on the same day. */
export function rateAgeDays(rateDate: string, day: string): number {
  return Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${rateDate}T00:00:00Z`)) / dayMs);
}

/** Why `currency` cannot be converted with `coverage`, or undefined when it can (EUR always can). */
export function rateProblemOf(currency: string, coverage: RateCoverage): RateProblem | undefined {
  if (currency === 'EUR') return undefined;
  const { table } = coverage;
  if (!table || !table.currencies.includes(currency)) {
    return { code: rateMissingCode, currency, tableDate: table?.date ?? null };
  }
  const ageDays = rateAgeDays(table.date, coverage.day);
  if (ageDays > coverage.maxAgeDays) {
    return { code: rateStaleCode, currency, rateDate: table.date, ageDays, maxAgeDays: coverage.maxAgeDays };
  }
  return undefined;
}

/** The rule a need line's currency breaks when it has no rate: refused on submission (API and web alike). */
export function missingRateRule(problem: { currency: string; tableDate: string | null }): string {
  return (
    `must be a currency the platform can convert to EUR: there is no exchange rate for ${problem.currency}` +
    (problem.tableDate ? ` in the latest rate table (${problem.tableDate})` : ' (no rate table is recorded)') +
    '; estimate in EUR or another currency, or ask an administrator to record the rate'
  );
}

/**
 * The fields a structured rate problem carries beside its field and English rule
 * (`rates.NOK`: the code and its values), so a page words it in its reader's language.
 */
export interface RateProblemDetails {
  code: RateProblemCode;
  currency: string;
  tableDate?: string | null;
  rateDate?: string;
  ageDays?: number;
  maxAgeDays?: number;
}

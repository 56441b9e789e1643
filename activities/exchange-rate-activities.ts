import type { Db } from '../db/database.js';
import { importRateTables } from '../db/exchange-rates.js';
import { ecbSource, parseEcbRates } from '../domain/ecb-rates.js';
import { readEcbRates } from '../platform/ecb-rates-source.js';

export interface ExchangeRateActivityDeps {
  db: Db;
}

/** What an import did, in counts (the history keeps no rate tables). */
export interface RateImportCounts {
  from: string;
  to: string;
  days: number;
  recorded: number;
  replaced: number;
  unchanged: number;
}

export function createExchangeRateActivities(deps: ExchangeRateActivityDeps) {
  return {
    /**
     * Fetches the ECB reference rates at `url` and records each day as `npm run import-rates`
     * does (services/exchange-rates/import-ecb-rates.ts: the same parser and save path), by the
     * platform itself. Idempotent: a retry, or the next day's run, records what changed only.
     * A URL that does not answer is retried (`unavailable`); a file that is not ECB rates is not.
     */
    async importEcbRatesFromUrl(input: { url: string }): Promise<RateImportCounts> {
      const { text, where } = await readEcbRates({ url: input.url });
      const { tables } = parseEcbRates(text, ecbSource(where));
      const s = await importRateTables(deps.db, tables, { userId: null, orgId: null });
      return {
        from: s.from,
        to: s.to,
        days: s.days,
        recorded: s.recorded.length,
        replaced: s.replaced.length,
        unchanged: s.unchanged,
      };
    },
  };
}

export type ExchangeRateActivities = ReturnType<typeof createExchangeRateActivities>;

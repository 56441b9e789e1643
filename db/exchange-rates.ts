import { sql } from 'kysely';

import type { ExchangeRateTable } from '../domain/money.js';
import type { RateCoverage } from '../rules/exchange-rates.js';
import { findRateTable, findRateTableOn, saveRateTable } from './aggregation.js';
import { appendPlatformAudit } from './audit.js';
import type { DbOrTx, Tx } from './database.js';

export type RateTableOutcome = 'recorded' | 'replaced' | 'unchanged';

/** Same currencies, same rates (as numbers written: `11.80` is `11.8`). */
function sameRates(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a).sort();
  const norm = (v: string | undefined) =>
    v === undefined ? undefined : v.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && norm(a[k]) === norm(b[k]));
}

/**
 * Records one day's rate table in the platform's audit chain, the one save path of the admin's
 * PUT, the import command and the daily schedule: a new day is `exchange_rates_recorded`, a day
 * whose rates change is `exchange_rates_replaced` (with the rates it replaces), and the same
 * rates again change nothing and write no entry, so importing a file twice is one import.
 * Imports serialise on a transaction lock, so two of them never both record the same day.
 */
export async function recordRateTable(
  trx: Tx,
  table: ExchangeRateTable,
  actor: { userId: string | null; orgId: string | null },
): Promise<RateTableOutcome> {
  await sql`select pg_advisory_xact_lock(hashtext('exchange_rate_tables'))`.execute(trx);
  const previous = await findRateTableOn(trx, table.date);
  if (previous && sameRates(previous.rates, table.rates)) return 'unchanged';
  await saveRateTable(trx, table, actor.userId);
  await appendPlatformAudit(trx, actor, previous ? 'exchange_rates_replaced' : 'exchange_rates_recorded', {
    date: table.date,
    source: table.source,
    rates: table.rates,
    ...(previous ? { previous: { source: previous.source, rates: previous.rates } } : {}),
  });
  return previous ? 'replaced' : 'recorded';
}

/** What the rate tables convert on `day` (rules/exchange-rates.ts): the latest table on or before it. */
export async function rateCoverageOn(db: DbOrTx, day: string, maxAgeDays: number): Promise<RateCoverage> {
  const table = await findRateTable(db, day);
  return {
    day,
    maxAgeDays,
    table: table ? { date: table.date, currencies: Object.keys(table.rates).sort() } : null,
  };
}

export interface RateImportSummary {
  /** The days in the file, oldest and newest. */
  from: string;
  to: string;
  days: number;
  recorded: string[];
  replaced: string[];
  unchanged: number;
}

/**
 * Records every day of an import (each through `recordRateTable`) in one transaction: a file is
 * imported whole or not at all. Who imports: an administrator, or nobody (the daily schedule).
 */
export async function importRateTables(
  db: DbOrTx,
  tables: ExchangeRateTable[],
  actor: { userId: string | null; orgId: string | null },
): Promise<RateImportSummary> {
  const run = async (trx: Tx): Promise<RateImportSummary> => {
    const summary: RateImportSummary = {
      from: tables[0]?.date ?? '',
      to: tables.at(-1)?.date ?? '',
      days: tables.length,
      recorded: [],
      replaced: [],
      unchanged: 0,
    };
    for (const table of tables) {
      const outcome = await recordRateTable(trx, table, actor);
      if (outcome === 'recorded') summary.recorded.push(table.date);
      else if (outcome === 'replaced') summary.replaced.push(table.date);
      else summary.unchanged += 1;
    }
    return summary;
  };
  return db.isTransaction ? run(db as Tx) : db.transaction().execute(run);
}

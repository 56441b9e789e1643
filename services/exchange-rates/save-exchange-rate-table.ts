import { findRateTableOn, saveRateTable } from '../../db/aggregation.js';
import { appendPlatformAudit } from '../../db/audit.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import type { ExchangeRateTable } from '../../domain/money.js';
import type { ServiceContext } from '../context.js';

/**
 * Records the rate table of one day (units per EUR, e.g. the ECB reference rates). Snapshots
 * keep the rates they used, so replacing a day's table never changes an aggregate already made.
 */
export async function saveExchangeRateTable(
  ctx: ServiceContext,
  principal: Principal,
  table: ExchangeRateTable,
): Promise<{ table: ExchangeRateTable; created: boolean }> {
  if (!principal.isAdmin) throw new DomainError('forbidden', 'Only an administrator may record exchange rates');
  return ctx.db.transaction().execute(async (trx) => {
    const previous = await findRateTableOn(trx, table.date);
    await saveRateTable(trx, table, principal.userId);
    await appendPlatformAudit(trx, principal, previous ? 'exchange_rates_replaced' : 'exchange_rates_recorded', {
      date: table.date,
      source: table.source,
      rates: table.rates,
      ...(previous ? { previous: { source: previous.source, rates: previous.rates } } : {}),
    });
    return { table, created: !previous };
  });
}

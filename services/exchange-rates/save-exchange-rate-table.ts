import { recordRateTable } from '../../db/exchange-rates.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import type { ExchangeRateTable } from '../../domain/money.js';
import type { ServiceContext } from '../context.js';

/**
 * Records the rate table of one day (units per EUR, e.g. the ECB reference rates). Snapshots
 * keep the rates they used, so replacing a day's table never changes an aggregate already made.
 * The same rates again change nothing and are not audited again (db/exchange-rates.ts).
 */
export async function saveExchangeRateTable(
  ctx: ServiceContext,
  principal: Principal,
  table: ExchangeRateTable,
): Promise<{ table: ExchangeRateTable; created: boolean }> {
  if (!principal.isAdmin) throw new DomainError('forbidden', 'Only an administrator may record exchange rates');
  const outcome = await ctx.db.transaction().execute((trx) => recordRateTable(trx, table, principal));
  return { table, created: outcome === 'recorded' };
}

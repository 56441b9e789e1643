import { listRateTables } from '../../db/aggregation.js';
import type { ExchangeRateTable } from '../../domain/money.js';
import type { ServiceContext } from '../context.js';

/** The recorded rate tables, newest first: public reference data for every signed-in user. */
export async function listExchangeRateTables(
  ctx: ServiceContext,
  page: { limit: number; offset: number },
): Promise<ExchangeRateTable[]> {
  return listRateTables(ctx.db, page);
}

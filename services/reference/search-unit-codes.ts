import { searchUnits } from '../../db/reference-data.js';
import type { ServiceContext } from '../context.js';
import type { ReferenceSearchQuery, UnitCodeView } from './reference-contracts.js';

/** UN/CEFACT Recommendation 20 unit codes matching a code, symbol or name; public. */
export function searchUnitCodes(ctx: Pick<ServiceContext, 'db'>, query: ReferenceSearchQuery): Promise<UnitCodeView[]> {
  return searchUnits(ctx.db, query.q, query.limit);
}

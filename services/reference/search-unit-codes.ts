import { findUnits, searchUnits } from '../../db/reference-data.js';
import { unitCodesNamed } from '../../rules/unit-names.js';
import type { ServiceContext } from '../context.js';
import type { ReferenceSearchQuery, UnitCodeView } from './reference-contracts.js';

/**
 * UN/CEFACT Recommendation 20 unit codes matching a code, symbol or name; public. Rec 20 names
 * units in English only, so the units the platform names in French and German
 * (rules/unit-names.ts) are found by those names too ("pièce", "Stück"), first.
 */
export async function searchUnitCodes(
  ctx: Pick<ServiceContext, 'db'>,
  query: ReferenceSearchQuery,
): Promise<UnitCodeView[]> {
  const named = await findUnits(ctx.db, unitCodesNamed(query.q));
  const found = await searchUnits(ctx.db, query.q, query.limit);
  const first = new Set(named.map((u) => u.code));
  return [...named, ...found.filter((u) => !first.has(u.code))].slice(0, query.limit);
}

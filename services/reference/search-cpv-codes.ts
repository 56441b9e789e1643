import { searchCpv } from '../../db/reference-data.js';
import type { ServiceContext } from '../context.js';
import type { CpvCodeView, ReferenceSearchQuery } from './reference-contracts.js';

/** CPV 2008 codes matching a code prefix or words of the label; public. */
export async function searchCpvCodes(
  ctx: Pick<ServiceContext, 'db'>,
  query: ReferenceSearchQuery,
): Promise<CpvCodeView[]> {
  const hits = await searchCpv(ctx.db, query.q, query.limit);
  return hits.map((h) => ({ code: h.code8, checkDigit: h.checkDigit, label: h.label }));
}

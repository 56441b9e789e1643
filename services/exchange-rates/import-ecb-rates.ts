import { importRateTables, type RateImportSummary } from '../../db/exchange-rates.js';
import type { Principal } from '../../domain/authorization.js';
import { ecbSource, parseEcbRates } from '../../domain/ecb-rates.js';
import { DomainError } from '../../domain/errors.js';
import { type EcbRatesLocation, readEcbRates } from '../../platform/ecb-rates-source.js';
import type { ServiceContext } from '../context.js';

export type { EcbRatesLocation } from '../../platform/ecb-rates-source.js';

/**
 * Imports the ECB euro reference rates from a file or a URL (`npm run import-rates`; the daily
 * schedule runs the same steps in its activity): every day in it is recorded through the one
 * save path (db/exchange-rates.ts), audited in the platform chain with the ECB and the file or
 * URL as its source. The same file twice records nothing the second time; a day whose rates
 * changed is replaced, and audited as such. `principal`: the administrator who imports, or
 * null for the platform itself (the command run by an operator, the schedule).
 */
export async function importEcbRates(
  ctx: Pick<ServiceContext, 'db'>,
  principal: Principal | null,
  location: EcbRatesLocation,
): Promise<RateImportSummary & { source: string }> {
  if (principal && !principal.isAdmin) {
    throw new DomainError('forbidden', 'Only an administrator may record exchange rates');
  }
  const { text, where } = await readEcbRates(location);
  const source = ecbSource(where);
  const { tables } = parseEcbRates(text, source);
  const summary = await importRateTables(
    ctx.db,
    tables,
    principal ? { userId: principal.userId, orgId: principal.orgId } : { userId: null, orgId: null },
  );
  return { ...summary, source };
}

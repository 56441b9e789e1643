import { proxyActivities } from '@temporalio/workflow';

import type { ExchangeRateActivities, RateImportCounts } from '../../activities/exchange-rate-activities.js';
import { nonRetryableFailureTypes } from '../../domain/process-failures.js';
import type { EcbRatesImportInput } from './messages.js';

const { importEcbRatesFromUrl } = proxyActivities<ExchangeRateActivities>({
  startToCloseTimeout: '5 minutes',
  // The ECB or the network may be down for a while: tried again for about an hour, then the
  // next day's run picks the rates up (the ECB's daily file has the latest day; hist-90d more).
  retry: {
    initialInterval: '30 seconds',
    maximumInterval: '10 minutes',
    maximumAttempts: 10,
    nonRetryableErrorTypes: nonRetryableFailureTypes,
  },
});

/** Started by the daily schedule (ECB_RATES_SCHEDULE=on): imports the rates at the URL it was given. */
export async function ecbRatesImportWorkflow(input: EcbRatesImportInput): Promise<RateImportCounts> {
  return importEcbRatesFromUrl({ url: input.url });
}

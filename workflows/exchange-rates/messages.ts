/** The daily import of the ECB reference rates: names shared by the worker, the schedule and tests. */
export const ecbRatesImportWorkflowType = 'ecbRatesImportWorkflow';
export const ecbRatesImportScheduleId = 'ecb-rates-daily-import';

export interface EcbRatesImportInput {
  /** ECB_RATES_URL when the schedule was created. */
  url: string;
}

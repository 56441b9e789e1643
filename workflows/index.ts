// The worker's workflow bundle entry: everything exported here runs in the deterministic sandbox.
export { jointAgreementWorkflow } from './agreement/workflow.js';
export { nightlyAuditWorkflow } from './audit/nightly-audit-workflow.js';
export { deliverMailWorkflow } from './delivery/deliver-mail-workflow.js';
export { weeklyDigestWorkflow } from './digest/digest-workflow.js';
export { ecbRatesImportWorkflow } from './exchange-rates/import-rates-workflow.js';
export { supplierFanoutWorkflow } from './publication/supplier-fanout-workflow.js';
export { jointStatementWorkflow } from './statement/workflow.js';

import type { Migration } from 'kysely';

import * as backbone from './2026_11_22_0001_backbone.js';
import * as referenceData from './2026_11_22_0002_reference_data.js';
import * as needs from './2026_11_22_0003_needs.js';
import * as aggregation from './2026_11_22_0004_aggregation.js';
import * as pilotTracking from './2026_12_01_0800_pilot_tracking.js';
import * as agreements from './2026_12_01_1300_agreements.js';
import * as market from './2026_12_01_1400_market.js';
import * as disclosure from './2026_12_03_0900_disclosure.js';
import * as auditTrail from './2026_12_03_1500_audit_trail.js';
import * as sessionsTokens from './2026_12_03_1510_sessions_tokens.js';
import * as idempotencyScope from './2026_12_03_1520_idempotency_scope.js';
import * as publicDocuments from './2026_12_03_1800_public_documents.js';
import * as endedProcessStates from './2026_12_03_1900_ended_process_states.js';
import * as pilotSummaries from './2026_12_04_1600_pilot_summaries.js';
import * as participation from './2026_12_04_1700_participation.js';
import * as agreementTerms from './2026_12_05_0300_agreement_terms.js';
import * as outboxClaims from './2026_12_05_0600_outbox_claims.js';
import * as calendarFeeds from './2026_12_06_0100_calendar_feeds.js';
import * as cpvLabels from './2026_12_06_0200_cpv_labels.js';
import * as webhooks from './2026_12_06_0600_webhooks.js';
import * as savedSearches from './2026_12_06_0700_saved_searches.js';
import * as pilotStuck from './2026_12_06_0800_pilot_stuck.js';
import * as processFailureEvents from './2026_12_06_0900_process_failure_events.js';
import * as outboxPendingKeys from './2026_12_06_1000_outbox_pending_keys.js';

/**
 * Listed explicitly rather than read from the folder, so the same list works from TypeScript
 * sources under tsx and vitest and from the compiled `dist/`.
 */
export const migrations: Record<string, Migration> = {
  '2026_11_22_0001_backbone': backbone,
  '2026_11_22_0002_reference_data': referenceData,
  '2026_11_22_0003_needs': needs,
  '2026_11_22_0004_aggregation': aggregation,
  '2026_12_01_0800_pilot_tracking': pilotTracking,
  '2026_12_01_1300_agreements': agreements,
  '2026_12_01_1400_market': market,
  '2026_12_03_0900_disclosure': disclosure,
  '2026_12_03_1500_audit_trail': auditTrail,
  '2026_12_03_1510_sessions_tokens': sessionsTokens,
  '2026_12_03_1520_idempotency_scope': idempotencyScope,
  '2026_12_03_1800_public_documents': publicDocuments,
  '2026_12_03_1900_ended_process_states': endedProcessStates,
  '2026_12_04_1600_pilot_summaries': pilotSummaries,
  '2026_12_04_1700_participation': participation,
  '2026_12_05_0300_agreement_terms': agreementTerms,
  '2026_12_05_0600_outbox_claims': outboxClaims,
  '2026_12_06_0100_calendar_feeds': calendarFeeds,
  '2026_12_06_0200_cpv_labels': cpvLabels,
  '2026_12_06_0600_webhooks': webhooks,
  '2026_12_06_0700_saved_searches': savedSearches,
  '2026_12_06_0800_pilot_stuck': pilotStuck,
  '2026_12_06_0900_process_failure_events': processFailureEvents,
  '2026_12_06_1000_outbox_pending_keys': outboxPendingKeys,
};

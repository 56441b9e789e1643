import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** jsonb columns: pg parses them on read; we serialise on write. */
type Json<T> = ColumnType<T, string, string>;

export interface OrganisationsTable {
  id: Generated<string>;
  kind: 'buyer' | 'supplier' | 'commission' | 'operator';
  name: string;
  country: string;
  buyer_legal_type: string | null;
  nuts: string | null;
  sme: boolean | null;
  /** eForms OPP-051 Awarding CPB Buyer Indicator (Directive 2014/24/EU Art. 2(1)(14)(b)). */
  awarding_cpb: Generated<boolean>;
  /** eForms OPP-052 Acquiring CPB Buyer Indicator (Art. 2(1)(14)(a)). */
  acquiring_cpb: Generated<boolean>;
  created_at: CreatedAt;
}

export interface UsersTable {
  id: Generated<string>;
  organisation_id: string;
  email: string;
  name: string;
  locale: Generated<string>;
  roles: ColumnType<string[], string[] | undefined, string[]>;
  is_admin: Generated<boolean>;
  email_verified_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface SignInTokensTable {
  token_hash: string;
  user_id: string;
  purpose: Generated<string>;
  created_at: CreatedAt;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface ApiTokensTable {
  id: Generated<string>;
  token_hash: string;
  user_id: string;
  name: string;
  created_at: CreatedAt;
  expires_at: Timestamp | null;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface StatementsTable {
  id: string;
  lead_org_id: string;
  created_by: string;
  title: string;
  description: string;
  cpv_codes: string[];
  schedule: Json<unknown>;
  critical_mass: Json<unknown>;
  details_hash: string;
  details_version: Generated<number>;
  stage: string;
  stage_entered_at: Timestamp;
  stage_deadline: Timestamp | null;
  cancel_reason: string | null;
  /** Null: the joint route; otherwise the central purchasing body that runs the procurement (domain/cross-border.ts). */
  procurement_route: Json<unknown> | null;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export interface ParticipantsTable {
  statement_id: string;
  organisation_id: string;
  status: string;
  invited_at: Timestamp;
  invited_by: string | null;
  responded_at: Timestamp | null;
  status_reason: string | null;
  /** The status it had when it dropped out at a deadline; restored if the stage reopens. */
  dropped_from: string | null;
  updated_at: Generated<Date>;
}

export interface OutboxTable {
  id: Generated<string>;
  key: string;
  statement_id: string | null;
  recipient_user_id: string | null;
  to_address: string;
  locale: string;
  subject: string;
  text_body: string;
  headers: Json<Record<string, string>>;
  redact_after_send: Generated<boolean>;
  status: Generated<'pending' | 'sending' | 'sent' | 'failed'>;
  /** The sender processes (`host/pid`) that claimed it, in order: a repeat is explained only by one that died. */
  claimed_by: Generated<string[]>;
  attempts: Generated<number>;
  lease_until: Timestamp | null;
  last_error: string | null;
  smtp_message_id: string;
  created_at: CreatedAt;
  sent_at: Timestamp | null;
  /** An iCalendar document sent as a `text/calendar; method=PUBLISH` attachment (the invitation's deadlines). */
  calendar: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A user's personal calendar feed (`/calendar/<token>.ics`): only the SHA-256 of its secret is stored. */
export interface CalendarFeedsTable {
  user_id: string;
  token_hash: string;
  /** When its current secret was made (a rotation sets it anew). */
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  last_used_at: Timestamp | null;
}

export interface AuditEventsTable {
  id: Generated<string>;
  chain: string;
  seq: number;
  event_key: string | null;
  statement_id: string | null;
  actor_user_id: string | null;
  actor_org_id: string | null;
  action: string;
  data: Json<Record<string, unknown>>;
  at: Timestamp;
  prev_hash: string;
  hash: string;
  /** HMAC of (chain, seq, hash) under AUDIT_HMAC_KEY; null on events written before it existed. */
  mac: string | null;
}

export interface AuditChainHeadsTable {
  chain: string;
  seq: number;
  hash: string;
  /** Events up to this seq predate MACs (set by the audit-trail migration, never by the app). */
  unsigned_upto: ColumnType<number, number | undefined, never>;
}

export interface AuditCheckpointsTable {
  chain: string;
  seq: number;
  hash: string;
  mac: string;
  created_at: CreatedAt;
}

export interface AuditAlertsTable {
  id: Generated<string>;
  raised_at: CreatedAt;
  run_id: string;
  chain: string;
  seq: number;
  issue: string;
}

export interface SecurityEventsTable {
  id: Generated<string>;
  at: CreatedAt;
  kind: string;
  user_id: string | null;
  ip: string | null;
  method: string | null;
  path: string | null;
  detail: Json<Record<string, unknown>>;
}

/** CPV 2008, loaded by bin/import-reference-data.ts. */
export interface CpvCodesTable {
  code: string;
  check_digit: string;
  label: string;
}

/** CPV 2008 labels in the 24 EU languages; `search_text` is the label folded for search (rules/search-text.ts). */
export interface CpvLabelsTable {
  code: string;
  lang: string;
  label: string;
  search_text: string;
}

/** UN/CEFACT Recommendation 20 units of measure, loaded by bin/import-reference-data.ts. */
export interface UnitCodesTable {
  code: string;
  name: string;
  symbol: Generated<string>;
}

export interface SurveysTable {
  statement_id: string;
  version: number;
  questions: Json<unknown[]>;
  survey_hash: string;
  created_by: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface NeedDraftsTable {
  statement_id: string;
  organisation_id: string;
  lines: Json<unknown>;
  answers: Json<unknown>;
  updated_by: string;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface NeedVersionsTable {
  id: string;
  statement_id: string;
  organisation_id: string;
  version: number;
  survey_version: number;
  lines: Json<unknown[]>;
  answers: Json<Record<string, unknown>>;
  content_hash: string;
  status: 'submitted' | 'superseded' | 'confirmed' | 'withdrawn';
  submitted_by: string;
  submitted_at: Timestamp;
  confirmed_by: string | null;
  confirmed_at: Timestamp | null;
}

/** Decimal columns come back as strings (see database.ts): exact, never floats. */
type Numeric = ColumnType<string, string, string>;

export interface NeedLinesTable {
  version_id: string;
  line_no: number;
  statement_id: string;
  organisation_id: string;
  cpv_code: string;
  quantity: Numeric;
  unit: string;
  unit_price: Numeric;
  currency: string;
  from_year: number;
  to_year: number;
  framework_months: number | null;
  optional_quantity: Numeric;
  renewal_count: number;
  renewal_quantity: Numeric;
}

export interface ExchangeRateTablesTable {
  rate_date: ColumnType<string, string, string>;
  source: string;
  rates: Json<Record<string, string>>;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface AggregateSnapshotsTable {
  id: string;
  statement_id: string;
  round: number;
  computed_at: Timestamp;
  rate_date: ColumnType<string, string, string>;
  version_ids: string[];
  aggregate: Json<unknown>;
  critical_mass: Json<unknown>;
  thresholds: Json<unknown>;
  cross_border: Json<unknown>;
  critical_mass_met: boolean;
  total_value_eur: Numeric;
  snapshot_hash: string;
  disclosure: ColumnType<unknown, string | null | undefined, string | null>;
  disclosure_consents: string[] | null;
}

/** The programme grouping of a statement, for Commission staff's pilot tracking. */
export interface PilotGroupingsTable {
  statement_id: string;
  kind: 'community_of_practice' | 'working_group';
  name: string;
  sector: string | null;
  updated_by: string;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** Joint procurement agreements (db/agreements.ts). */
export interface AgreementsTable {
  statement_id: string;
  lead_org_id: string;
  status: string;
  current_version: Generated<number>;
  current_version_id: string | null;
  signature_deadline: Timestamp | null;
  started_by: string;
  started_at: Timestamp;
  in_force_at: Timestamp | null;
  cancel_reason: string | null;
  updated_at: Generated<Date>;
}

export interface AgreementPartiesTable {
  statement_id: string;
  organisation_id: string;
  status: string;
  status_reason: string | null;
  updated_at: Timestamp;
}

export interface AgreementDraftsTable {
  statement_id: string;
  content: Json<unknown>;
  content_hash: string;
  updated_by: string;
  updated_at: Timestamp;
}

export interface AgreementVersionsTable {
  id: string;
  statement_id: string;
  version: number;
  content: Json<unknown>;
  content_hash: string;
  note: string | null;
  html: string;
  pdf: Buffer;
  pdf_hash: string;
  created_by: string;
  created_at: Timestamp;
}

export interface AgreementCommentsTable {
  id: string;
  statement_id: string;
  version_id: string;
  organisation_id: string;
  user_id: string;
  clause: string | null;
  text: string;
  created_at: Timestamp;
}

export interface AgreementSignaturesTable {
  version_id: string;
  organisation_id: string;
  statement_id: string;
  user_id: string;
  version_hash: string;
  signed_at: Timestamp;
  cleared_at: Timestamp | null;
  cleared_reason: string | null;
}

export interface AppSecretsTable {
  name: string;
  secret: string;
  created_at: CreatedAt;
}

export interface SupplierSubscriptionsTable {
  user_id: string;
  organisation_id: string;
  cpv_prefixes: string[];
  countries: ColumnType<string[], string[] | undefined, string[]>;
  active: Generated<boolean>;
  unsubscribed_at: Timestamp | null;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface ConsultationsTable {
  statement_id: string;
  questions: Json<unknown[]>;
  questions_version: number;
  updated_by: string | null;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface ConsultationNameConsentsTable {
  statement_id: string;
  organisation_id: string;
  agreed: boolean;
  decided_by: string;
  decided_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** A buyer's consent to show its own figures in one statement's outputs. */
export interface FigureConsentsTable {
  statement_id: string;
  organisation_id: string;
  agreed: boolean;
  decided_by: string;
  decided_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface ConsultationResponsesTable {
  statement_id: string;
  supplier_org_id: string;
  answers: Json<Record<string, string>>;
  revision: Generated<number>;
  updated_by: string;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface ConsultationQuestionsTable {
  id: Generated<string>;
  statement_id: string;
  number: number;
  supplier_org_id: string;
  asked_by: string;
  question: string;
  asked_at: CreatedAt;
  answer: string | null;
  answered_by: string | null;
  answered_at: Timestamp | null;
}

export interface SupplierContactsTable {
  id: Generated<string>;
  statement_id: string;
  supplier_org_id: string | null;
  user_id: string | null;
  kind: string;
  detail: Json<Record<string, unknown>>;
  at: CreatedAt;
}

export interface MarketSummariesTable {
  id: string;
  statement_id: string;
  summary: Json<unknown>;
  summary_hash: string;
  computed_at: Timestamp;
}

export interface StatementTextDraftsTable {
  statement_id: string;
  text_hash: string;
  text: string;
  created_by: string;
  created_at: CreatedAt;
}

export interface StatementTextsTable {
  statement_id: string;
  version: number;
  text: string;
  text_hash: string;
  locale: string;
  created_by: string | null;
  created_at: Timestamp;
}

export interface StatementApprovalsTable {
  statement_id: string;
  text_version: number;
  organisation_id: string;
  decision: 'approved' | 'changes_requested';
  comment: string | null;
  decided_by: string;
  decided_at: Timestamp;
}

export interface PublicationsTable {
  id: string;
  statement_id: string;
  version: number;
  text_version: number;
  signatory_org_ids: string[];
  release: Json<unknown>;
  published_at: Timestamp;
  aggregate: ColumnType<unknown, string | null | undefined, string | null>;
  disclosure: ColumnType<unknown, string | null | undefined, string | null>;
}

export interface SignatoriesTable {
  statement_id: string;
  organisation_id: string;
  since_version: number;
  late: boolean;
  joined_at: Timestamp;
}

export interface SignatoryRequestsTable {
  statement_id: string;
  organisation_id: string;
  requested_by: string;
  requested_at: Timestamp;
  status: 'pending' | 'accepted' | 'declined';
  decided_at: Timestamp | null;
}

/** A public document of one published version, stored as it is served (db/public-documents.ts). */
export interface PublicDocumentsTable {
  statement_id: string;
  document: 'statement' | 'ocds';
  version: number;
  body: string;
  etag: string;
  rendered_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** The last answer of a closed statement workflow to one query (db/ended-process-states.ts). */
export interface EndedProcessStatesTable {
  statement_id: string;
  query: string;
  run_id: string;
  state: ColumnType<unknown, string, never>;
  kept_at: ColumnType<Date, Date | string | undefined, never>;
}

/** A public list (published statements, their Atom feed, open consultations), stored as it is served. */
export interface PublicListsTable {
  list: 'statements' | 'atom' | 'consultations';
  body: string;
  etag: string;
  rendered_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** A supplier user's saved search (migration 2026_12_06_0700); only its feed secret's SHA-256 is stored. */
export interface SavedSearchesTable {
  id: Generated<string>;
  user_id: string;
  organisation_id: string;
  name: string;
  words: Generated<string>;
  cpv_prefixes: ColumnType<string[], string[] | undefined, string[]>;
  countries: ColumnType<string[], string[] | undefined, string[]>;
  kinds: ColumnType<string[], string[], string[]>;
  email: Generated<boolean>;
  feed_token_hash: string;
  feed_rotated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  feed_last_used_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** A supplier organisation's webhook endpoint (migration 2026_12_06_0600); the secret is sealed, never hashed (signing needs it). */
export interface WebhookEndpointsTable {
  id: Generated<string>;
  organisation_id: string;
  url: string;
  description: Generated<string>;
  event_types: ColumnType<string[], string[], string[]>;
  secret_sealed: string;
  secret_rotated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  enabled: Generated<boolean>;
  disabled_reason: 'by_supplier' | 'gone' | 'failures' | null;
  disabled_at: Timestamp | null;
  consecutive_failures: Generated<number>;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** The webhooks' outbox: one row per (event, endpoint), its id the `webhook-id` of every attempt. */
export interface WebhookDeliveriesTable {
  id: Generated<string>;
  key: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  /** The JSON body exactly as signed and sent, the same on every attempt. */
  body: string;
  status: Generated<'pending' | 'sending' | 'delivered' | 'failed' | 'cancelled'>;
  attempts: Generated<number>;
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
  lease_until: Timestamp | null;
  claimed_by: Generated<string[]>;
  last_status_code: number | null;
  last_error: string | null;
  created_at: CreatedAt;
  delivered_at: Timestamp | null;
}

/** The delivery log: one row per attempt. */
export interface WebhookAttemptsTable {
  id: Generated<string>;
  delivery_id: string;
  endpoint_id: string;
  attempt: number;
  started_at: Timestamp;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  succeeded: boolean;
}

export interface Database {
  organisations: OrganisationsTable;
  users: UsersTable;
  sign_in_tokens: SignInTokensTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  calendar_feeds: CalendarFeedsTable;
  statements: StatementsTable;
  participants: ParticipantsTable;
  outbox: OutboxTable;
  audit_events: AuditEventsTable;
  audit_chain_heads: AuditChainHeadsTable;
  audit_checkpoints: AuditCheckpointsTable;
  audit_alerts: AuditAlertsTable;
  security_events: SecurityEventsTable;
  cpv_codes: CpvCodesTable;
  cpv_labels: CpvLabelsTable;
  unit_codes: UnitCodesTable;
  surveys: SurveysTable;
  need_drafts: NeedDraftsTable;
  need_versions: NeedVersionsTable;
  need_lines: NeedLinesTable;
  exchange_rate_tables: ExchangeRateTablesTable;
  aggregate_snapshots: AggregateSnapshotsTable;
  pilot_groupings: PilotGroupingsTable;
  agreements: AgreementsTable;
  agreement_parties: AgreementPartiesTable;
  agreement_drafts: AgreementDraftsTable;
  agreement_versions: AgreementVersionsTable;
  agreement_comments: AgreementCommentsTable;
  agreement_signatures: AgreementSignaturesTable;
  app_secrets: AppSecretsTable;
  supplier_subscriptions: SupplierSubscriptionsTable;
  consultations: ConsultationsTable;
  consultation_name_consents: ConsultationNameConsentsTable;
  figure_consents: FigureConsentsTable;
  consultation_responses: ConsultationResponsesTable;
  consultation_questions: ConsultationQuestionsTable;
  supplier_contacts: SupplierContactsTable;
  market_summaries: MarketSummariesTable;
  statement_text_drafts: StatementTextDraftsTable;
  statement_texts: StatementTextsTable;
  statement_approvals: StatementApprovalsTable;
  publications: PublicationsTable;
  signatories: SignatoriesTable;
  signatory_requests: SignatoryRequestsTable;
  public_documents: PublicDocumentsTable;
  public_lists: PublicListsTable;
  ended_process_states: EndedProcessStatesTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  saved_searches: SavedSearchesTable;
}

export type Organisation = Selectable<OrganisationsTable>;
export type NewOrganisation = Insertable<OrganisationsTable>;
export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type StatementRow = Selectable<StatementsTable>;
export type ParticipantRow = Selectable<ParticipantsTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type AuditEventRow = Selectable<AuditEventsTable>;

import { hostname } from 'node:os';

import { sql } from 'kysely';

import type { DbOrTx } from './database.js';

/** This process as a claimer of webhook deliveries (`claimed_by`). */
const thisRelay = `${hostname()}/${process.pid}`;

export interface WebhookEndpointRecord {
  id: string;
  organisationId: string;
  url: string;
  description: string;
  eventTypes: string[];
  secretSealed: string;
  secretRotatedAt: Date;
  enabled: boolean;
  disabledReason: 'by_supplier' | 'gone' | 'failures' | null;
  disabledAt: Date | null;
  consecutiveFailures: number;
  createdAt: Date;
}

const endpointColumns = [
  'id',
  'organisation_id as organisationId',
  'url',
  'description',
  'event_types as eventTypes',
  'secret_sealed as secretSealed',
  'secret_rotated_at as secretRotatedAt',
  'enabled',
  'disabled_reason as disabledReason',
  'disabled_at as disabledAt',
  'consecutive_failures as consecutiveFailures',
  'created_at as createdAt',
] as const;

/** Locks the organisation's endpoints while one is added, so two requests at once cannot pass the limit together. */
export async function countEndpointsForUpdate(db: DbOrTx, organisationId: string): Promise<number> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`webhook-endpoints:${organisationId}`}, 0))`.execute(db);
  const row = await db
    .selectFrom('webhook_endpoints')
    .select(sql<string>`count(*)`.as('n'))
    .where('organisation_id', '=', organisationId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertEndpoint(
  db: DbOrTx,
  input: {
    organisationId: string;
    url: string;
    description: string;
    eventTypes: readonly string[];
    secretSealed: string;
    createdBy: string;
  },
): Promise<WebhookEndpointRecord> {
  const { id } = await db
    .insertInto('webhook_endpoints')
    .values({
      organisation_id: input.organisationId,
      url: input.url,
      description: input.description,
      event_types: [...input.eventTypes],
      secret_sealed: input.secretSealed,
      created_by: input.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return (await findEndpoint(db, id))!;
}

export async function findEndpoint(db: DbOrTx, id: string): Promise<WebhookEndpointRecord | undefined> {
  return db.selectFrom('webhook_endpoints').select(endpointColumns).where('id', '=', id).executeTakeFirst();
}

export async function listEndpoints(db: DbOrTx, organisationId: string): Promise<WebhookEndpointRecord[]> {
  return db
    .selectFrom('webhook_endpoints')
    .select(endpointColumns)
    .where('organisation_id', '=', organisationId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function replaceEndpointSecret(db: DbOrTx, id: string, secretSealed: string): Promise<void> {
  await db
    .updateTable('webhook_endpoints')
    .set({ secret_sealed: secretSealed, secret_rotated_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

/** Enables an endpoint again: its run of failures starts from nothing. */
export async function enableEndpoint(db: DbOrTx, id: string): Promise<void> {
  await db
    .updateTable('webhook_endpoints')
    .set({
      enabled: true,
      disabled_reason: null,
      disabled_at: null,
      consecutive_failures: 0,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .execute();
}

/**
 * Disables an endpoint if it is enabled, and cancels what it still had to receive (an endpoint
 * enabled again gets the events from then on, not a backlog). True only for the call that
 * disabled it, so what follows a disabling (the e-mail) happens once.
 */
export async function disableEndpoint(
  db: DbOrTx,
  id: string,
  reason: 'by_supplier' | 'gone' | 'failures',
): Promise<boolean> {
  const changed = await db
    .updateTable('webhook_endpoints')
    .set({ enabled: false, disabled_reason: reason, disabled_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('enabled', '=', true)
    .returning('id')
    .executeTakeFirst();
  if (!changed) return false;
  await db
    .updateTable('webhook_deliveries')
    .set({ status: 'cancelled', lease_until: null, last_error: sql<string>`coalesce(last_error, 'endpoint disabled')` })
    .where('endpoint_id', '=', id)
    .where('status', '=', 'pending')
    .execute();
  return true;
}

export async function deleteEndpoint(db: DbOrTx, id: string): Promise<void> {
  await db.deleteFrom('webhook_endpoints').where('id', '=', id).execute();
}

/**
 * The enabled endpoints that take an event: of supplier organisations with a user whose active
 * subscription matches the demand (the same filter as the e-mail notices), or named in
 * `alsoOrgIds` (suppliers engaged in the consultation, for answers), and that chose its type.
 */
export async function matchingWebhookEndpoints(
  db: DbOrTx,
  demand: { cpvCodes: readonly string[]; countries: readonly string[]; alsoOrgIds?: readonly string[] },
  eventType: string,
): Promise<{ id: string; organisationId: string }[]> {
  const codes = sql.val([...demand.cpvCodes]);
  const countries = sql.val([...demand.countries]);
  const also = sql.val([...(demand.alsoOrgIds ?? [])]);
  return db
    .selectFrom('webhook_endpoints as e')
    .innerJoin('organisations as o', 'o.id', 'e.organisation_id')
    .select(['e.id', 'e.organisation_id as organisationId'])
    .where('o.kind', '=', 'supplier')
    .where('e.enabled', '=', true)
    .where(sql<boolean>`${eventType} = any(e.event_types)`)
    .where(
      sql<boolean>`(o.id = any(${also}::uuid[]) or exists (
        select 1 from supplier_subscriptions s
        where s.organisation_id = o.id and s.active
          and exists (select 1 from unnest(s.cpv_prefixes) p, unnest(${codes}::text[]) c where c like p || '%')
          and (cardinality(s.countries) = 0 or s.countries && ${countries}::text[])))`,
    )
    .orderBy('e.id')
    .execute();
}

export interface NewWebhookDelivery {
  key: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  body: string;
}

/** Queues deliveries; one already queued under the same key is left as it is. Returns how many are new. */
export async function enqueueWebhookDeliveries(db: DbOrTx, deliveries: readonly NewWebhookDelivery[]): Promise<number> {
  if (deliveries.length === 0) return 0;
  const result = await db
    .insertInto('webhook_deliveries')
    .values(
      deliveries.map((d) => ({
        key: d.key,
        endpoint_id: d.endpointId,
        event_id: d.eventId,
        event_type: d.eventType,
        body: d.body,
      })),
    )
    .onConflict((oc) => oc.column('key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

export async function findDeliveryByKey(db: DbOrTx, key: string): Promise<{ id: string } | undefined> {
  return db.selectFrom('webhook_deliveries').select('id').where('key', '=', key).executeTakeFirst();
}

export interface ClaimedDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  body: string;
  /** This claim's attempt number (a failure or success is written only for it). */
  attempts: number;
  url: string;
  secretSealed: string;
}

/**
 * Claims up to `limit` deliveries that are due, to enabled endpoints: pending ones whose time has
 * come, and ones whose claimer's lease ran out (it died mid-attempt). SKIP LOCKED lets several
 * relays share the table without double claims.
 */
export async function claimDueDeliveries(db: DbOrTx, limit: number, leaseSeconds: number): Promise<ClaimedDelivery[]> {
  const claimed = await db
    .updateTable('webhook_deliveries')
    .set({
      status: 'sending',
      attempts: sql<number>`attempts + 1`,
      lease_until: sql<Date>`now() + make_interval(secs => ${leaseSeconds})`,
      claimed_by: sql<string[]>`array_append(claimed_by, ${thisRelay})`,
    })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('webhook_deliveries as d')
        .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
        .select('d.id')
        .where('e.enabled', '=', true)
        .where((w) =>
          w.or([
            w.and([w('d.status', '=', 'pending'), w('d.next_attempt_at', '<=', sql<Date>`now()`)]),
            w.and([w('d.status', '=', 'sending'), w('d.lease_until', '<', sql<Date>`now()`)]),
          ]),
        )
        .orderBy('d.next_attempt_at')
        .limit(limit)
        .forUpdate('d')
        .skipLocked(),
    )
    .returning(['id', 'endpoint_id', 'event_id', 'event_type', 'body', 'attempts'])
    .execute();
  if (claimed.length === 0) return [];
  const endpoints = await db
    .selectFrom('webhook_endpoints')
    .select(['id', 'url', 'secret_sealed'])
    .where(
      'id',
      'in',
      claimed.map((c) => c.endpoint_id),
    )
    .execute();
  const byId = new Map(endpoints.map((e) => [e.id, e]));
  return claimed.flatMap((c) => {
    const e = byId.get(c.endpoint_id);
    return e
      ? [
          {
            id: c.id,
            endpointId: c.endpoint_id,
            eventId: c.event_id,
            eventType: c.event_type,
            body: c.body,
            attempts: c.attempts,
            url: e.url,
            secretSealed: e.secret_sealed,
          },
        ]
      : [];
  });
}

export interface AttemptOutcome {
  deliveryId: string;
  endpointId: string;
  attempt: number;
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  succeeded: boolean;
}

/**
 * Writes one attempt's outcome for the claim it belongs to: the log row, the delivery (delivered,
 * back to pending at `retryAt`, or failed when `retryAt` is null), and the endpoint's run of
 * failures. A claim that lost its lease meanwhile changes nothing (false). Returns the endpoint's
 * consecutive failures after it.
 */
export async function recordAttempt(
  db: DbOrTx,
  outcome: AttemptOutcome,
  retryAt: Date | null,
): Promise<{ recorded: boolean; consecutiveFailures: number }> {
  const updated = await db
    .updateTable('webhook_deliveries')
    .set(
      outcome.succeeded
        ? {
            status: 'delivered',
            delivered_at: sql<Date>`now()`,
            lease_until: null,
            last_status_code: outcome.statusCode,
            last_error: null,
          }
        : {
            status: retryAt ? 'pending' : 'failed',
            next_attempt_at: retryAt ?? sql<Date>`now()`,
            lease_until: null,
            last_status_code: outcome.statusCode,
            last_error: outcome.error?.slice(0, 2000) ?? null,
          },
    )
    .where('id', '=', outcome.deliveryId)
    .where('attempts', '=', outcome.attempt)
    .where('status', '=', 'sending')
    .returning('id')
    .executeTakeFirst();
  if (!updated) return { recorded: false, consecutiveFailures: 0 };
  await db
    .insertInto('webhook_attempts')
    .values({
      delivery_id: outcome.deliveryId,
      endpoint_id: outcome.endpointId,
      attempt: outcome.attempt,
      started_at: outcome.startedAt,
      duration_ms: Math.round(outcome.durationMs),
      status_code: outcome.statusCode,
      error: outcome.error?.slice(0, 2000) ?? null,
      succeeded: outcome.succeeded,
    })
    .onConflict((oc) => oc.constraint('webhook_attempts_once').doNothing())
    .execute();
  const endpoint = await db
    .updateTable('webhook_endpoints')
    .set({
      consecutive_failures: outcome.succeeded ? 0 : sql<number>`consecutive_failures + 1`,
    })
    .where('id', '=', outcome.endpointId)
    .returning('consecutive_failures')
    .executeTakeFirst();
  return { recorded: true, consecutiveFailures: endpoint?.consecutive_failures ?? 0 };
}

/**
 * Marks answered deliveries delivered, in one statement for many: each only for the claim it
 * belongs to (`attempt`, as the claim returned it, and still `sending`), with its log row and its
 * endpoint's run of failures ended, all or nothing. One round trip however many: the relay
 * (activities/webhook-relay.ts) calls it on the event-loop turn after the answers came, so the
 * window in which a crash leaves a delivery answered but not marked is as short as it can be.
 * Returns the ids it marked (a claim that lost its lease meanwhile is left as it is).
 */
export async function markDeliveredMany(db: DbOrTx, outcomes: readonly AttemptOutcome[]): Promise<string[]> {
  if (outcomes.length === 0) return [];
  const rows = outcomes.map(
    (o) =>
      sql`(${o.deliveryId}::uuid, ${o.endpointId}::uuid, ${o.attempt}::int, ${o.startedAt}::timestamptz, ${Math.round(o.durationMs)}::int, ${o.statusCode}::int)`,
  );
  const result = await sql<{ id: string }>`
    with answered (delivery_id, endpoint_id, attempt, started_at, duration_ms, status_code) as (values ${sql.join(rows)}),
    marked as (
      update webhook_deliveries d
      set status = 'delivered', delivered_at = now(), lease_until = null, last_status_code = a.status_code, last_error = null
      from answered a
      where d.id = a.delivery_id and d.attempts = a.attempt and d.status = 'sending'
      returning d.id, a.endpoint_id, a.attempt, a.started_at, a.duration_ms, a.status_code
    ),
    logged as (
      insert into webhook_attempts (delivery_id, endpoint_id, attempt, started_at, duration_ms, status_code, error, succeeded)
      select id, endpoint_id, attempt, started_at, duration_ms, status_code, null, true from marked
      on conflict on constraint webhook_attempts_once do nothing
    ),
    reset as (
      update webhook_endpoints e set consecutive_failures = 0
      where e.id in (select endpoint_id from marked) and e.consecutive_failures <> 0
    )
    select id from marked`.execute(db);
  return result.rows.map((r) => r.id);
}

/**
 * Extends the leases of deliveries a relay still holds (claimed, not yet marked): a live relay
 * keeps what it is sending, or has sent and not yet marked, however slow the receiver or the
 * database, while a dead relay's leases run out. Only its own claims (`attempts` as its claim
 * returned it) are extended.
 */
export async function renewDeliveryLeases(
  db: DbOrTx,
  claims: readonly { id: string; attempts: number }[],
  leaseSeconds: number,
): Promise<void> {
  if (claims.length === 0) return;
  const pairs = claims.map((c) => sql`(${c.id}::uuid, ${c.attempts}::int)`);
  await db
    .updateTable('webhook_deliveries')
    .set({ lease_until: sql<Date>`now() + make_interval(secs => ${leaseSeconds})` })
    .where('status', '=', 'sending')
    .where(sql<boolean>`(id, attempts) in (${sql.join(pairs)})`)
    .execute();
}

export interface DeliveryLogEntry {
  deliveryId: string;
  eventId: string;
  eventType: string;
  attempt: number;
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  succeeded: boolean;
  deliveryStatus: string;
}

/** An endpoint's last attempts, newest first. */
export async function listDeliveryLog(db: DbOrTx, endpointId: string, limit: number): Promise<DeliveryLogEntry[]> {
  return db
    .selectFrom('webhook_attempts as a')
    .innerJoin('webhook_deliveries as d', 'd.id', 'a.delivery_id')
    .select([
      'a.delivery_id as deliveryId',
      'd.event_id as eventId',
      'd.event_type as eventType',
      'a.attempt',
      'a.started_at as startedAt',
      'a.duration_ms as durationMs',
      'a.status_code as statusCode',
      'a.error',
      'a.succeeded',
      'd.status as deliveryStatus',
    ])
    .where('a.endpoint_id', '=', endpointId)
    .orderBy('a.started_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(limit)
    .execute();
}

/** The verified users of an organisation, to tell about its endpoints. */
export async function organisationRecipients(
  db: DbOrTx,
  organisationId: string,
): Promise<{ id: string; email: string; name: string; locale: string }[]> {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'locale'])
    .where('organisation_id', '=', organisationId)
    .where('email_verified_at', 'is not', null)
    .where(sql<boolean>`disabled_at is null and removed_at is null`)
    .orderBy('id')
    .execute();
}

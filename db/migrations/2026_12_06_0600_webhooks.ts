import { type Kysely, sql } from 'kysely';

/**
 * Webhooks for suppliers' systems (issue 19). Frozen: a change is a new migration.
 *
 * `webhook_endpoints`: a supplier organisation's endpoints (URL, chosen public event types), the
 * signing secret sealed with WEBHOOK_SECRET_KEY (AES-256-GCM; signing needs the secret, so it
 * cannot be a hash), whether it is enabled, and its run of consecutive failed attempts.
 *
 * `webhook_deliveries`: the webhooks' outbox. One row per (event, endpoint) under a unique key,
 * written in the transaction that queues the event's notices, so a retried or resumed fan-out
 * queues nobody twice. Its id is the `webhook-id` of every attempt. The relay claims due rows
 * with SKIP LOCKED under a lease (`claimed_by` names each claimer), and a failure puts the row
 * back with `next_attempt_at` later (exponential backoff): retries go through this table, not
 * through a loop in a process, so a crash loses nothing and a lease that runs out re-sends the
 * same delivery (same id; receivers dedupe on it).
 *
 * `webhook_attempts`: the delivery log, one row per attempt (unique per delivery and attempt).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('event_types', sql`text[]`, (c) => c.notNull())
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('secret_rotated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('disabled_reason', 'text', (c) => c.check(sql`disabled_reason in ('by_supplier', 'gone', 'failures')`))
    .addColumn('disabled_at', 'timestamptz')
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('webhook_endpoints_by_organisation')
    .on('webhook_endpoints')
    .columns(['organisation_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('endpoint_id', 'uuid', (c) => c.notNull().references('webhook_endpoints.id').onDelete('cascade'))
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`status in ('pending', 'sending', 'delivered', 'failed', 'cancelled')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('lease_until', 'timestamptz')
    .addColumn('claimed_by', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('delivered_at', 'timestamptz')
    .execute();
  await sql`create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status in ('pending', 'sending')`.execute(
    db,
  );
  await db.schema
    .createIndex('webhook_deliveries_by_endpoint')
    .on('webhook_deliveries')
    .columns(['endpoint_id'])
    .execute();

  await db.schema
    .createTable('webhook_attempts')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('delivery_id', 'uuid', (c) => c.notNull().references('webhook_deliveries.id').onDelete('cascade'))
    .addColumn('endpoint_id', 'uuid', (c) => c.notNull().references('webhook_endpoints.id').onDelete('cascade'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('error', 'text')
    .addColumn('succeeded', 'boolean', (c) => c.notNull())
    .addUniqueConstraint('webhook_attempts_once', ['delivery_id', 'attempt'])
    .execute();
  await db.schema
    .createIndex('webhook_attempts_by_endpoint')
    .on('webhook_attempts')
    .columns(['endpoint_id', 'started_at'])
    .execute();

  const app = await sql<{
    n: number;
  }>`select count(*)::int as n from pg_roles where rolname = 'jointdemand_app'`.execute(db);
  if (app.rows[0]!.n > 0) {
    await sql`grant select, insert, update, delete on webhook_endpoints, webhook_deliveries, webhook_attempts to jointdemand_app`.execute(
      db,
    );
    await sql`grant usage, select on sequence webhook_attempts_id_seq to jointdemand_app`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('webhook_attempts').ifExists().execute();
  await db.schema.dropTable('webhook_deliveries').ifExists().execute();
  await db.schema.dropTable('webhook_endpoints').ifExists().execute();
}

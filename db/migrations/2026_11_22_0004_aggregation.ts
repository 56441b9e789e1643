import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // A rate table is data with a date and a source (e.g. the ECB euro reference rates of a day):
  // units of each currency per 1 EUR. Aggregation uses the newest table on or before its date.
  await db.schema
    .createTable('exchange_rate_tables')
    .addColumn('rate_date', 'date', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('rates', 'jsonb', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Each aggregation is kept as it was computed, with exactly which need versions and which
  // rates it used, so it can be reproduced and audited later.
  await db.schema
    .createTable('aggregate_snapshots')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('statement_id', 'uuid', (c) => c.notNull().references('statements.id'))
    .addColumn('round', 'integer', (c) => c.notNull())
    .addColumn('computed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('rate_date', 'date', (c) => c.notNull())
    .addColumn('version_ids', sql`uuid[]`, (c) => c.notNull())
    .addColumn('aggregate', 'jsonb', (c) => c.notNull())
    .addColumn('critical_mass', 'jsonb', (c) => c.notNull())
    .addColumn('thresholds', 'jsonb', (c) => c.notNull())
    .addColumn('cross_border', 'jsonb', (c) => c.notNull())
    .addColumn('critical_mass_met', 'boolean', (c) => c.notNull())
    .addColumn('total_value_eur', sql`numeric`, (c) => c.notNull())
    .addColumn('snapshot_hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('aggregate_snapshots_statement_idx')
    .on('aggregate_snapshots')
    .columns(['statement_id', 'computed_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('aggregate_snapshots').ifExists().execute();
  await db.schema.dropTable('exchange_rate_tables').ifExists().execute();
}

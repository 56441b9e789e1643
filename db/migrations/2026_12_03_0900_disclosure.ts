import { type Kysely, sql } from 'kysely';

/**
 * Statistical disclosure control: buyers' consent to show their own figures, and the pattern of
 * withheld cells kept with each version of the figures (an aggregation snapshot, a publication),
 * so every output applies the same pattern without computing it again.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('figure_consents')
    .addColumn('statement_id', 'uuid', (c) => c.notNull().references('statements.id'))
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('agreed', 'boolean', (c) => c.notNull())
    .addColumn('decided_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('decided_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('figure_consents_pk', ['statement_id', 'organisation_id'])
    .execute();

  // The pattern and the consents it was computed under (sorted organisation ids): a change of
  // consent makes it stale, and the next reader computes it again.
  await db.schema
    .alterTable('aggregate_snapshots')
    .addColumn('disclosure', 'jsonb')
    .addColumn('disclosure_consents', sql`uuid[]`)
    .execute();
  // What a publication states: the signatories' aggregate and its pattern, fixed at publication.
  await db.schema.alterTable('publications').addColumn('aggregate', 'jsonb').addColumn('disclosure', 'jsonb').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('publications').dropColumn('aggregate').dropColumn('disclosure').execute();
  await db.schema
    .alterTable('aggregate_snapshots')
    .dropColumn('disclosure')
    .dropColumn('disclosure_consents')
    .execute();
  await db.schema.dropTable('figure_consents').execute();
}

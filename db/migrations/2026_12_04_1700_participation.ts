import type { Kysely } from 'kysely';

/**
 * PostgreSQL holds each participant's state on its own (design § Principles): buyers' actions are
 * committed here and the workflow keeps counts. `dropped_from` is the status a buyer had when it
 * dropped out at a deadline, restored if the needs assessment reopens after a shortfall (the
 * workflow used to carry it, for every participant, across continue-as-new).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('participants').addColumn('dropped_from', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('participants').dropColumn('dropped_from').execute();
}

import { type Kysely, sql } from 'kysely';

/**
 * Which sender process claimed each message, in order. A message sent twice (the same
 * Message-ID) is only ever explained by a sender that died between the relay accepting it and the
 * mark: SMTP has no transactions. With the claimers recorded, the fault tests tell that case (a
 * killed sender's claim, then another's) from a duplicate no crash explains, which is a bug.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('outbox')
    .addColumn('claimed_by', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox').dropColumn('claimed_by').execute();
}

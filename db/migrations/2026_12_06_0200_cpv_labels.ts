import { type Kysely, sql } from 'kysely';

/**
 * CPV 2008 labels in the 24 official EU languages (issue 18, "Words everywhere"). `search_text`
 * is the label folded for search (lower case, accents removed, words separated by single
 * spaces, a space at each end), written by the import, so a search is accent- and
 * case-insensitive without the unaccent extension. `cpv_codes.label` stays the English label.
 *
 * No foreign key to cpv_codes: the import checks every label's code against the list, and a
 * per-row key check made loading the 226,896 labels (every start, every test database) seconds
 * slower.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('cpv_labels')
    .addColumn('code', 'char(8)', (c) => c.notNull())
    .addColumn('lang', 'text', (c) => c.notNull().check(sql`lang ~ '^[a-z]{2}$'`))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('search_text', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('cpv_labels_pkey', ['lang', 'code'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('cpv_labels').ifExists().execute();
}

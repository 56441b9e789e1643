import { type Kysely, sql } from 'kysely';

// Frozen in time: a migration never imports application code, so later refactors cannot change
// what an old migration does.
export async function up(db: Kysely<any>): Promise<void> {
  // CPV 2008 (Regulation 213/2008), keyed on the 8 digits; the check digit comes from the
  // official list because the published formula does not reproduce it.
  await db.schema
    .createTable('cpv_codes')
    .addColumn('code', 'char(8)', (c) => c.primaryKey().check(sql`code ~ '^[0-9]{8}$'`))
    .addColumn('check_digit', 'char(1)', (c) => c.notNull().check(sql`check_digit ~ '^[0-9]$'`))
    .addColumn('label', 'text', (c) => c.notNull())
    .execute();
  // The primary key's btree does not serve LIKE 'prefix%' outside the C collation; this one does.
  await sql`create index cpv_codes_code_prefix_idx on cpv_codes (code bpchar_pattern_ops)`.execute(db);
  await sql`create index cpv_codes_label_search_idx on cpv_codes using gin (to_tsvector('english', label))`.execute(db);

  // UN/CEFACT Recommendation 20 units of measure.
  await db.schema
    .createTable('unit_codes')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('symbol', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('unit_codes').ifExists().execute();
  await db.schema.dropTable('cpv_codes').ifExists().execute();
}

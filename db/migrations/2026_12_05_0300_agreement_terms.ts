import type { Kysely } from 'kysely';

/**
 * Central purchasing bodies (Directive 2014/24/EU Art. 2(1)(14)-(16), Art. 37, Art. 39(2)-(3)).
 *
 * - `organisations.awarding_cpb` / `acquiring_cpb`: the buyer is a central purchasing body, said
 *   the eForms way (SDK 1.15, notice E1, group "Buyer Exclusive"): OPP-051 "Awarding CPB Buyer
 *   Indicator" (it awards contracts or concludes framework agreements intended for other
 *   contracting authorities, Art. 2(1)(14)(b)) and OPP-052 "Acquiring CPB Buyer Indicator" (it
 *   acquires supplies and services intended for them, Art. 2(1)(14)(a)). eForms has no
 *   buyer-legal-type code for a CPB: it is an indicator beside the legal type.
 * - `statements.procurement_route`: how the demand will be procured. Null is the joint route
 *   (Art. 38, or Art. 39(4) with its agreement); `{ kind: 'central_purchasing_body', ... }`
 *   names the CPB that runs it, under the national provisions of its Member State (Art. 39(3)),
 *   and then no Art. 39(4) agreement is needed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('organisations')
    .addColumn('awarding_cpb', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('acquiring_cpb', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await db.schema.alterTable('statements').addColumn('procurement_route', 'jsonb').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('statements').dropColumn('procurement_route').execute();
  await db.schema.alterTable('organisations').dropColumn('awarding_cpb').dropColumn('acquiring_cpb').execute();
}

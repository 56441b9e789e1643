import { sql } from 'kysely';

import type { DbOrTx } from './database.js';
import type { NewOrganisation, NewUser, Organisation, User } from './schema.js';

export async function insertOrganisation(db: DbOrTx, org: NewOrganisation): Promise<Organisation> {
  return db.insertInto('organisations').values(org).returningAll().executeTakeFirstOrThrow();
}

export async function findOrganisation(db: DbOrTx, id: string): Promise<Organisation | undefined> {
  return db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findOrganisations(db: DbOrTx, ids: readonly string[]): Promise<Organisation[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('organisations').selectAll().where('id', 'in', ids).execute();
}

export async function listOrganisations(
  db: DbOrTx,
  filter: { kind?: Organisation['kind']; country?: string; search?: string; limit: number; offset: number },
): Promise<Organisation[]> {
  let q = db.selectFrom('organisations').selectAll();
  if (filter.kind) q = q.where('kind', '=', filter.kind);
  if (filter.country) q = q.where('country', '=', filter.country);
  if (filter.search) q = q.where('name', 'ilike', `%${filter.search.replace(/[%_\\]/g, (c) => `\\${c}`)}%`);
  return q.orderBy('name').orderBy('id').limit(filter.limit).offset(filter.offset).execute();
}

export async function insertUser(db: DbOrTx, user: NewUser): Promise<User> {
  return db.insertInto('users').values(user).returningAll().executeTakeFirstOrThrow();
}

export async function findUserByEmail(db: DbOrTx, email: string): Promise<User | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where(sql`lower(email)`, '=', email.trim().toLowerCase())
    .executeTakeFirst();
}

export async function findUser(db: DbOrTx, id: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The people who speak for an organisation: every user of it receives its process mail. */
export async function usersOfOrganisations(db: DbOrTx, orgIds: readonly string[]): Promise<User[]> {
  if (orgIds.length === 0) return [];
  return db.selectFrom('users').selectAll().where('organisation_id', 'in', orgIds).orderBy('email').execute();
}

export async function usersOfKind(db: DbOrTx, kind: Organisation['kind']): Promise<User[]> {
  return db
    .selectFrom('users')
    .innerJoin('organisations', 'organisations.id', 'users.organisation_id')
    .selectAll('users')
    .where('organisations.kind', '=', kind)
    .orderBy('users.email')
    .execute();
}

export async function markEmailVerified(db: DbOrTx, userId: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ email_verified_at: sql<Date>`coalesce(email_verified_at, now())` })
    .where('id', '=', userId)
    .execute();
}

export async function setUserLocale(db: DbOrTx, userId: string, locale: string): Promise<void> {
  await db.updateTable('users').set({ locale }).where('id', '=', userId).execute();
}

/** The organisation, locked until the transaction ends: corrections of it are made one at a time. */
export async function lockOrganisation(db: DbOrTx, id: string): Promise<Organisation | undefined> {
  return db.selectFrom('organisations').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function updateOrganisation(
  db: DbOrTx,
  id: string,
  patch: Partial<Pick<Organisation, 'name' | 'country' | 'buyer_legal_type' | 'nuts' | 'sme'>>,
): Promise<Organisation> {
  return db.updateTable('organisations').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/**
 * Statements in one of `stages` that counted the organisation: it has a confirmed need version
 * there (what the aggregation reads), oldest first.
 */
export async function statementsCountingOrganisation(
  db: DbOrTx,
  organisationId: string,
  stages: readonly string[],
): Promise<{ id: string; title: string; stage: string; lead_org_id: string }[]> {
  if (stages.length === 0) return [];
  return db
    .selectFrom('statements as s')
    .select(['s.id', 's.title', 's.stage', 's.lead_org_id'])
    .where('s.stage', 'in', stages)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('need_versions as v')
          .select('v.id')
          .whereRef('v.statement_id', '=', 's.id')
          .where('v.organisation_id', '=', organisationId)
          .where('v.status', '=', 'confirmed'),
      ),
    )
    .orderBy('s.created_at')
    .orderBy('s.id')
    .execute();
}

/** The corrections recorded for an organisation on the platform audit chain, newest first. */
export async function organisationCorrections(
  db: DbOrTx,
  organisationId: string,
  limit = 50,
): Promise<{ at: Date; actor_user_id: string | null; data: Record<string, unknown> }[]> {
  const rows = await db
    .selectFrom('audit_events')
    .select(['at', 'actor_user_id', 'data'])
    .where('chain', '=', 'platform')
    .where('action', '=', 'organisation_corrected')
    .where(sql<boolean>`data->>'organisationId' = ${organisationId}`)
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ at: r.at, actor_user_id: r.actor_user_id, data: r.data as Record<string, unknown> }));
}

export async function updateUser(
  db: DbOrTx,
  id: string,
  patch: Partial<Pick<User, 'name' | 'locale' | 'roles'>>,
): Promise<void> {
  await db.updateTable('users').set(patch).where('id', '=', id).execute();
}

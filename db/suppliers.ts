import { createHmac, createSecretKey, type KeyObject, randomBytes, timingSafeEqual } from 'node:crypto';

import { sql } from 'kysely';

import type { DbOrTx } from './database.js';

export interface SubscriptionRow {
  userId: string;
  organisationId: string;
  cpvPrefixes: string[];
  countries: string[];
  active: boolean;
  unsubscribedAt: Date | null;
}

export async function findSubscription(db: DbOrTx, userId: string): Promise<SubscriptionRow | undefined> {
  const row = await db
    .selectFrom('supplier_subscriptions')
    .selectAll()
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return (
    row && {
      userId: row.user_id,
      organisationId: row.organisation_id,
      cpvPrefixes: row.cpv_prefixes,
      countries: row.countries,
      active: row.active,
      unsubscribedAt: row.unsubscribed_at,
    }
  );
}

/** Saving a subscription (re)activates it. */
export async function upsertSubscription(
  db: DbOrTx,
  s: { userId: string; organisationId: string; cpvPrefixes: string[]; countries: string[] },
): Promise<void> {
  await db
    .insertInto('supplier_subscriptions')
    .values({
      user_id: s.userId,
      organisation_id: s.organisationId,
      cpv_prefixes: s.cpvPrefixes,
      countries: s.countries,
      active: true,
      unsubscribed_at: null,
    })
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet({
        cpv_prefixes: s.cpvPrefixes,
        countries: s.countries,
        active: true,
        unsubscribed_at: null,
        updated_at: sql<Date>`now()`,
      }),
    )
    .execute();
}

/** Returns true if the subscription was active (and is not any more). */
export async function deactivateSubscription(db: DbOrTx, userId: string): Promise<boolean> {
  const r = await db
    .updateTable('supplier_subscriptions')
    .set({ active: false, unsubscribed_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
    .where('user_id', '=', userId)
    .where('active', '=', true)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export interface MatchingSupplier {
  userId: string;
  email: string;
  name: string;
  locale: string;
  organisationId: string;
}

/** What a notice is about, as a subscription matches it, and who took part whatever their subscription. */
export interface SupplierDemand {
  cpvCodes: readonly string[];
  countries: readonly string[];
  alsoOrgIds?: readonly string[];
}

/**
 * Verified supplier users whose active subscription matches the demand (same rule as
 * domain/suppliers.ts `subscriptionMatches`), plus, when given, the users of `alsoOrgIds` that
 * have not unsubscribed (suppliers that took part in a consultation). In user-id order after
 * `afterUserId`: a keyset page, so a fan-out resumes exactly where it stopped.
 *
 * Read a window of users at a time (the next `window` ids after the cursor, walked on the primary
 * key), each user's organisation and subscription looked up for it: a page costs what its window
 * holds, not the whole audience. As one query over the joined tables, the planner, which cannot
 * estimate the CPV match, read and sorted every supplier for each page of 1,000 (190-360 ms a
 * page at 110,000 suppliers, with statistics or without), so a 100,000-supplier fan-out spent
 * about 19 s of the database's time on its recipient pages and slowed as the audience grew.
 */
export async function matchingSuppliers(
  db: DbOrTx,
  demand: SupplierDemand,
  page: { afterUserId: string | null; limit: number },
): Promise<MatchingSupplier[]> {
  const window = Math.max(1000, page.limit * 4);
  const found: MatchingSupplier[] = [];
  let after = page.afterUserId;
  for (;;) {
    // The window's last id, or none when fewer than `window` users are left.
    const upTo = await db
      .selectFrom('users')
      .select('id')
      .$if(after !== null, (q) => q.where('id', '>', after!))
      .orderBy('id')
      .offset(window - 1)
      .limit(1)
      .executeTakeFirst();
    found.push(...(await matchingInWindow(db, demand, { after, upTo: upTo?.id ?? null }, page.limit - found.length)));
    if (found.length >= page.limit || !upTo) return found;
    after = upTo.id;
  }
}

function matchingInWindow(
  db: DbOrTx,
  demand: SupplierDemand,
  window: { after: string | null; upTo: string | null },
  limit: number,
): Promise<MatchingSupplier[]> {
  const codes = sql.val([...demand.cpvCodes]);
  const countries = sql.val([...demand.countries]);
  const also = sql.val([...(demand.alsoOrgIds ?? [])]);
  return (
    db
      .selectFrom('users as u')
      .select(['u.id as userId', 'u.email', 'u.name', 'u.locale', 'u.organisation_id as organisationId'])
      .$if(window.after !== null, (q) => q.where('u.id', '>', window.after!))
      .$if(window.upTo !== null, (q) => q.where('u.id', '<=', window.upTo!))
      .where('u.email_verified_at', 'is not', null)
      // Subqueries per user rather than joins, so no plan reads all organisations or subscriptions.
      .where(sql<boolean>`(select o.kind from organisations o where o.id = u.organisation_id) = 'supplier'`)
      .where(
        sql<boolean>`(exists (select 1 from supplier_subscriptions s
            where s.user_id = u.id and s.active
              and exists (select 1 from unnest(s.cpv_prefixes) p, unnest(${codes}::text[]) c where c like p || '%')
              and (cardinality(s.countries) = 0 or s.countries && ${countries}::text[]))
          or (u.organisation_id = any(${also}::uuid[])
            and not exists (select 1 from supplier_subscriptions s where s.user_id = u.id and not s.active)))`,
      )
      .orderBy('u.id')
      .limit(limit)
      .execute()
  );
}

const unsubscribeSecretName = 'unsubscribe-link-key';

/**
 * The key that signs unsubscribe links, created on first use and shared by every process. A
 * KeyObject: given as bytes, each HMAC made a key of its own first (13 µs of 15 on Node 24), once
 * per notice of a fan-out.
 */
export async function unsubscribeKey(db: DbOrTx): Promise<KeyObject> {
  await db
    .insertInto('app_secrets')
    .values({ name: unsubscribeSecretName, secret: randomBytes(32).toString('base64url') })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db
    .selectFrom('app_secrets')
    .select('secret')
    .where('name', '=', unsubscribeSecretName)
    .executeTakeFirstOrThrow();
  return createSecretKey(Buffer.from(row.secret, 'base64url'));
}

const mac = (key: KeyObject, userId: string) =>
  createHmac('sha256', key).update(`unsubscribe:${userId}`).digest('base64url');

/** A token naming the user, signed: anyone holding it may unsubscribe that user, nothing else. */
export function signUnsubscribeToken(key: KeyObject, userId: string): string {
  return `${userId}.${mac(key, userId)}`;
}

export function verifyUnsubscribeToken(key: KeyObject, token: string): string | undefined {
  const m = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return undefined;
  const expected = Buffer.from(mac(key, m[1]!));
  const given = Buffer.from(m[2]!);
  return expected.length === given.length && timingSafeEqual(expected, given) ? m[1] : undefined;
}

/** The page's link carries the recipient's language, so the page speaks it in any browser. */
export function unsubscribeUrls(publicUrl: string, token: string, locale: string): { page: string; oneClick: string } {
  const page = new URL('/unsubscribe', publicUrl);
  page.searchParams.set('token', token);
  page.searchParams.set('lang', locale);
  const oneClick = new URL('/api/unsubscribe', publicUrl);
  oneClick.searchParams.set('token', token);
  return { page: page.toString(), oneClick: oneClick.toString() };
}

/** The headers of RFC 2369 and RFC 8058 (one-click unsubscribe by POST, no sign-in). */
export function unsubscribeHeaders(oneClickUrl: string): Record<string, string> {
  return { 'List-Unsubscribe': `<${oneClickUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

/** Logs one contact with a supplier during a consultation (Art. 40). */
export async function logSupplierContact(
  db: DbOrTx,
  c: {
    statementId: string;
    supplierOrgId: string | null;
    userId: string | null;
    kind: string;
    detail: Record<string, unknown>;
  },
): Promise<void> {
  await db
    .insertInto('supplier_contacts')
    .values({
      statement_id: c.statementId,
      supplier_org_id: c.supplierOrgId,
      user_id: c.userId,
      kind: c.kind,
      detail: JSON.stringify(c.detail),
    })
    .execute();
}

/**
 * Logs a supplier notice's contacts with suppliers: one `supplier_contacts` row per recipient of
 * the outbox messages under `keys` still pending (those just queued) not logged for this notice
 * before, so a retried page logs nobody twice.
 */
export async function logNoticeContacts(
  db: DbOrTx,
  notice: {
    statementId: string;
    kind: string;
    noticeId: string;
    keys: readonly string[];
    organisationOf: ReadonlyMap<string, string | null>;
  },
): Promise<void> {
  const kind = `notice:${notice.kind}`;
  const newKeys = await db
    .selectFrom('outbox')
    .select(['recipient_user_id', 'smtp_message_id'])
    .where('key', 'in', notice.keys)
    .where('status', '=', 'pending')
    .execute();
  const logged = new Set(
    (
      await db
        .selectFrom('supplier_contacts')
        .select('user_id')
        .where('statement_id', '=', notice.statementId)
        .where('kind', '=', kind)
        .where(sql<boolean>`detail->>'noticeId' = ${notice.noticeId}`)
        .execute()
    ).map((r) => r.user_id),
  );
  const rows = newKeys
    .filter((k) => k.recipient_user_id && !logged.has(k.recipient_user_id))
    .map((k) => ({
      statement_id: notice.statementId,
      supplier_org_id: notice.organisationOf.get(k.recipient_user_id!) ?? null,
      user_id: k.recipient_user_id,
      kind,
      detail: JSON.stringify({ noticeId: notice.noticeId, messageId: k.smtp_message_id }),
    }));
  if (rows.length > 0) await db.insertInto('supplier_contacts').values(rows).execute();
}

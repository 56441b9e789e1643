import { appendPlatformAudit } from '../../db/audit.js';
import { findUser } from '../../db/organisations.js';
import {
  deactivateSubscription,
  findSubscription,
  unsubscribeKey,
  verifyUnsubscribeToken,
} from '../../db/suppliers.js';
import { DomainError } from '../../domain/errors.js';
import type { RequestMeta, ServiceContext } from '../context.js';

const badToken = () =>
  new DomainError('invalid_input', 'This unsubscribe link is not valid', [
    { field: 'token', rule: 'must be the unsubscribe token from one of our e-mails' },
  ]);

function maskEmail(email: string): string {
  const [local, domain] = email.split('@');
  return `${local!.slice(0, 1)}…@${domain}`;
}

async function userFor(ctx: ServiceContext, token: string) {
  const userId = verifyUnsubscribeToken(await unsubscribeKey(ctx.db), token);
  const user = userId ? await findUser(ctx.db, userId) : undefined;
  if (!user) throw badToken();
  return user;
}

/** What the link would do, without doing it: a GET (mail scanners fetch links) changes nothing. */
export async function unsubscribeStatus(ctx: ServiceContext, token: string) {
  const user = await userFor(ctx, token);
  const sub = await findSubscription(ctx.db, user.id);
  return { email: maskEmail(user.email), subscribed: sub?.active ?? false };
}

/** One-click unsubscribe (RFC 8058): the signed token is the only credential. Repeating it is harmless. */
export async function unsubscribe(ctx: ServiceContext, token: string, meta: RequestMeta) {
  const user = await userFor(ctx, token);
  await ctx.db.transaction().execute(async (trx) => {
    const changed = await deactivateSubscription(trx, user.id);
    if (!changed) return;
    await appendPlatformAudit(trx, { userId: user.id, orgId: user.organisation_id }, 'supplier_unsubscribed', {
      userId: user.id,
      via: 'unsubscribe-link',
      ip: meta.ip ?? null,
    });
  });
  return { email: maskEmail(user.email), subscribed: false };
}

import { appendPlatformAudit } from '../../db/audit.js';
import { findUser } from '../../db/organisations.js';
import { findSubscription, upsertSubscription } from '../../db/suppliers.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import type { Subscription } from '../../domain/suppliers.js';
import type { ServiceContext } from '../context.js';

export interface SubscriptionView {
  cpvPrefixes: string[];
  countries: string[];
  active: boolean;
  emailVerified: boolean;
  unsubscribedAt: string | null;
}

export function requireSupplier(principal: Principal): void {
  if (principal.orgKind !== 'supplier') throw new DomainError('forbidden', 'Only supplier users keep subscriptions');
}

export async function getSubscription(ctx: ServiceContext, principal: Principal): Promise<SubscriptionView> {
  requireSupplier(principal);
  const [sub, user] = await Promise.all([
    findSubscription(ctx.db, principal.userId),
    findUser(ctx.db, principal.userId),
  ]);
  return {
    cpvPrefixes: sub?.cpvPrefixes ?? [],
    countries: sub?.countries ?? [],
    active: sub?.active ?? false,
    emailVerified: user?.email_verified_at != null,
    unsubscribedAt: sub?.unsubscribedAt?.toISOString() ?? null,
  };
}

/** Saves (and so reactivates) the caller's subscription. */
export async function saveSubscription(
  ctx: ServiceContext,
  principal: Principal,
  input: Subscription,
): Promise<SubscriptionView> {
  requireSupplier(principal);
  await ctx.db.transaction().execute(async (trx) => {
    await upsertSubscription(trx, { userId: principal.userId, organisationId: principal.orgId, ...input });
    await appendPlatformAudit(trx, principal, 'subscription_saved', {
      cpvPrefixes: input.cpvPrefixes,
      countries: input.countries,
    });
  });
  return getSubscription(ctx, principal);
}

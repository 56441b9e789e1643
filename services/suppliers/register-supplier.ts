import { appendAudit, PLATFORM_CHAIN } from '../../db/audit.js';
import { insertSignInToken, newSecret, secretHash } from '../../db/credentials.js';
import { findUserByEmail, insertOrganisation, insertUser } from '../../db/organisations.js';
import { enqueueMessage } from '../../db/outbox.js';
import { upsertSubscription } from '../../db/suppliers.js';
import { DomainError } from '../../domain/errors.js';
import type { SupplierRegistration } from '../../domain/suppliers.js';
import { composeForEach, signInLink } from '../../mail/compose.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { sendQueuedMail } from '../mail/send-queued-mail.js';
import { toOrganisationView } from '../views.js';

/**
 * A supplier registers itself (no sign-in): its organisation, its first user and optionally a
 * subscription. The e-mail address is proven by the sign-in link sent here; until it is
 * followed, the user receives no notices.
 */
export async function registerSupplier(ctx: ServiceContext, input: SupplierRegistration, meta: RequestMeta) {
  if (await findUserByEmail(ctx.db, input.user.email)) {
    throw new DomainError('conflict', 'A user with this e-mail address exists already; sign in instead', [{ field: 'user.email', rule: 'must not belong to an existing user' }]);
  }
  const minutes = ctx.config.SIGN_IN_LINK_TTL_MINUTES;
  const token = newSecret();
  const { org, user, messageId } = await ctx.db.transaction().execute(async (trx) => {
    const org = await insertOrganisation(trx, { kind: 'supplier', name: input.organisation.name, country: input.organisation.country, buyer_legal_type: null, nuts: null, sme: input.organisation.sme });
    const user = await insertUser(trx, { organisation_id: org.id, email: input.user.email.trim(), name: input.user.name, locale: input.user.locale, roles: [], is_admin: false });
    if (input.subscription) await upsertSubscription(trx, { userId: user.id, organisationId: org.id, ...input.subscription });
    await insertSignInToken(trx, user.id, token, new Date(Date.now() + minutes * 60_000));
    await appendAudit(trx, {
      chain: PLATFORM_CHAIN,
      eventKey: null,
      statementId: null,
      actorUserId: user.id,
      actorOrgId: org.id,
      action: 'supplier_registered',
      data: { organisationId: org.id, country: org.country, sme: org.sme, userId: user.id, ip: meta.ip ?? null, subscription: input.subscription ?? null },
      at: new Date(),
    });
    const [message] = composeForEach(
      [{ id: user.id, email: user.email, name: user.name, locale: user.locale }],
      `supplier-verify:${secretHash(token)}`,
      null,
      'mail.supplier.welcome',
      () => ({ link: signInLink(ctx.config.PUBLIC_URL, token), minutes: String(minutes), orgName: org.name }),
    );
    const messageId = await enqueueMessage(trx, { ...message!, redactAfterSend: true });
    return { org, user, messageId };
  });
  await sendQueuedMail(ctx, messageId);
  return {
    organisation: toOrganisationView(org),
    user: { id: user.id, email: user.email, name: user.name, locale: user.locale, emailVerified: false },
  };
}

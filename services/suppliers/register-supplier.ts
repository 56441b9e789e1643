import { recordSecurityEvent } from '../../db/audit.js';
import { insertSupplierRegistration, keyedAddressHash, newSecret, secretHash } from '../../db/credentials.js';
import { findUserByEmail } from '../../db/organisations.js';
import { enqueueMessage } from '../../db/outbox.js';
import type { SupplierRegistration } from '../../domain/suppliers.js';
import { composeForEach, signInLink } from '../../mail/compose.js';
import { linkTtlMinutes } from '../auth/settings.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { sendQueuedMail } from '../mail/send-queued-mail.js';

/**
 * A supplier asks to register (no sign-in). The answer is the same whatever the address: the
 * work runs after it, and the e-mail says what happened. For a new address nothing is created
 * yet: a pending registration waits for its e-mailed link (10 minutes, bound to the browser that
 * asked), so a registration squats no address (an administrator can still add it to a buyer
 * organisation meanwhile, and then the link refuses). For an address that has an account, the
 * mail says so and how to sign in.
 */
export function registerSupplier(
  ctx: ServiceContext,
  input: SupplierRegistration,
  browserNonce: string,
  meta: RequestMeta,
): void {
  setImmediate(() => {
    startSupplierRegistration(ctx, input, browserNonce, meta).catch((error: unknown) =>
      ctx.logger.error({ err: error }, 'supplier registration failed'),
    );
  });
}

export async function startSupplierRegistration(
  ctx: ServiceContext,
  input: SupplierRegistration,
  browserNonce: string,
  meta: RequestMeta,
): Promise<void> {
  const email = input.user.email.trim();
  const existing = await findUserByEmail(ctx.db, email);
  if (existing) {
    await recordSecurityEvent(ctx.db, {
      kind: 'supplier_registration_existing_address',
      userId: existing.id,
      ip: meta.ip,
    });
    const [message] = composeForEach(
      [{ id: existing.id, email: existing.email, name: existing.name, locale: existing.locale }],
      `supplier-exists:${newSecret()}`,
      null,
      'mail.supplier.alreadyRegistered',
      () => ({ signInUrl: new URL('/sign-in', ctx.config.PUBLIC_URL).toString() }),
    );
    await sendQueuedMail(ctx, await enqueueMessage(ctx.db, message!));
    return;
  }
  const minutes = linkTtlMinutes(ctx);
  const token = newSecret();
  const messageId = await ctx.db.transaction().execute(async (trx) => {
    await insertSupplierRegistration(trx, {
      email,
      payload: input,
      token,
      expiresAt: new Date(Date.now() + minutes * 60_000),
      browserNonce,
    });
    const [message] = composeForEach(
      // No user yet: the message is keyed on the link, addressed to the address typed.
      [{ id: `pending-${secretHash(token).slice(0, 16)}`, email, name: input.user.name, locale: input.user.locale }],
      `supplier-verify:${secretHash(token)}`,
      null,
      'mail.supplier.welcome',
      () => ({
        link: signInLink(ctx.config.PUBLIC_URL, token, input.user.locale),
        minutes: String(minutes),
        orgName: input.organisation.name,
      }),
    );
    return enqueueMessage(trx, { ...message!, recipientUserId: null, redactAfterSend: true });
  });
  await recordSecurityEvent(ctx.db, {
    kind: 'supplier_registration_requested',
    ip: meta.ip,
    detail: { emailHash: await keyedAddressHash(ctx.db, email) },
  });
  await sendQueuedMail(ctx, messageId);
}

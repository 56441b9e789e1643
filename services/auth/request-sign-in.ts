import { recordSecurityEvent } from '../../db/audit.js';
import { findUserAccess, insertSignInToken, keyedAddressHash, newSecret, secretHash } from '../../db/credentials.js';
import { findUserByEmail } from '../../db/organisations.js';
import { enqueueMessage } from '../../db/outbox.js';
import { composeForEach, signInLink } from '../../mail/compose.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { sendQueuedMail } from '../mail/send-queued-mail.js';
import { linkTtlMinutes } from './settings.js';

/**
 * Asks for a sign-in link. The caller is answered before anything about the address is looked
 * up: the work (find the user, store the link, queue and send the mail) runs after the answer,
 * so the answer's content and its timing are the same whether or not the address has an account.
 */
export function requestSignIn(ctx: ServiceContext, email: string, browserNonce: string, meta: RequestMeta): void {
  setImmediate(() => {
    sendSignInLink(ctx, email, browserNonce, meta).catch((error: unknown) =>
      ctx.logger.error({ err: error }, 'sign-in link request failed'),
    );
  });
}

/**
 * The work behind a sign-in request: a link for a known, enabled user, bound to the browser that
 * asked (`browserNonce`), revoking the address's older links. An unknown address is logged by a
 * keyed hash, never in clear.
 */
export async function sendSignInLink(
  ctx: ServiceContext,
  email: string,
  browserNonce: string,
  meta: RequestMeta,
): Promise<void> {
  const user = await findUserByEmail(ctx.db, email);
  const access = user ? await findUserAccess(ctx.db, user.id) : undefined;
  if (!user || access?.disabled_at || access?.removed_at) {
    await recordSecurityEvent(ctx.db, {
      kind: user ? 'sign_in_disabled_user' : 'sign_in_unknown_email',
      userId: user?.id ?? null,
      ip: meta.ip,
      detail: { emailHash: await keyedAddressHash(ctx.db, email) },
    });
    return;
  }
  const token = newSecret();
  const minutes = linkTtlMinutes(ctx);
  const messageId = await ctx.db.transaction().execute(async (trx) => {
    await insertSignInToken(trx, user.id, token, new Date(Date.now() + minutes * 60_000), browserNonce);
    const [message] = composeForEach(
      [{ id: user.id, email: user.email, name: user.name, locale: user.locale }],
      `sign-in:${secretHash(token)}`,
      null,
      'mail.signIn',
      () => ({ link: signInLink(ctx.config.PUBLIC_URL, token, user.locale), minutes: String(minutes) }),
    );
    return enqueueMessage(trx, { ...message!, redactAfterSend: true });
  });
  await sendQueuedMail(ctx, messageId);
}

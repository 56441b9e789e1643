import { recordSecurityEvent } from '../../db/audit.js';
import { insertSignInToken, newSecret, secretHash } from '../../db/credentials.js';
import { findUserByEmail } from '../../db/organisations.js';
import { enqueueMessage } from '../../db/outbox.js';
import { composeForEach, signInLink } from '../../mail/compose.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { sendQueuedMail } from '../mail/send-queued-mail.js';

/**
 * E-mails a one-time sign-in link. The answer is the same whether or not the address is known,
 * so the endpoint cannot be used to find out who has an account.
 */
export async function requestSignIn(ctx: ServiceContext, email: string, meta: RequestMeta): Promise<void> {
  const user = await findUserByEmail(ctx.db, email);
  if (!user) {
    await recordSecurityEvent(ctx.db, { kind: 'sign_in_unknown_email', ip: meta.ip, detail: { email: email.toLowerCase() } });
    return;
  }
  const token = newSecret();
  const minutes = ctx.config.SIGN_IN_LINK_TTL_MINUTES;
  const messageId = await ctx.db.transaction().execute(async (trx) => {
    await insertSignInToken(trx, user.id, token, new Date(Date.now() + minutes * 60_000));
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

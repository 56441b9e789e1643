import { recordSecurityEvent } from '../../db/audit.js';
import {
  consumeSignInToken,
  findLiveSignInToken,
  findLiveSupplierRegistration,
  newSecret,
  secretHash,
  setRegistrationConfirmation,
  setSignInConfirmation,
} from '../../db/credentials.js';
import { markEmailVerified } from '../../db/organisations.js';
import { insertSession } from '../../db/sessions.js';
import { DomainError } from '../../domain/errors.js';
import { cleanHeaderText } from '../../rules/text-policy.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { completeSupplierRegistration } from '../suppliers/complete-supplier-registration.js';
import { authSettings } from './settings.js';

export type LinkOutcome =
  | { kind: 'signed_in'; sessionId: string; expiresAt: Date; userId: string }
  /** The link was asked for in another browser: this one must confirm, naming the account. */
  | { kind: 'confirm'; email: string };

export interface LinkAttempt {
  token: string;
  /** This browser's nonce cookie (made by the caller if the browser had none). */
  browserNonce: string;
  /** The person confirmed, on this browser, signing in with a link asked for elsewhere. */
  confirm: boolean;
  userAgent?: string | undefined;
}

const invalid = () =>
  new DomainError(
    'unauthenticated',
    'This sign-in link is not valid: it was used already, has expired, was replaced by a newer one, or was mistyped',
  );

/**
 * Exchanges a sign-in (or supplier registration) link, once, for a session. The link is bound to
 * the browser that asked for it: there it signs in at once. In any other browser nothing is
 * spent: the answer asks to confirm, naming the account, and only a confirmation sent from that
 * same browser (its nonce cookie, SameSite=Strict, so no other site can send it) signs in. So a
 * link planted by another site (login CSRF) cannot sign a browser in silently.
 */
export async function signInWithLink(
  ctx: ServiceContext,
  attempt: LinkAttempt,
  meta: RequestMeta,
): Promise<LinkOutcome> {
  const nonceHash = secretHash(attempt.browserNonce);
  const outcome = await ctx.db.transaction().execute(async (trx): Promise<LinkOutcome | undefined> => {
    const link = await findLiveSignInToken(trx, attempt.token);
    const registration = link ? undefined : await findLiveSupplierRegistration(trx, attempt.token);
    const bound = link ?? registration;
    if (!bound) return undefined;
    const sameBrowser = bound.browserHash === nonceHash;
    const confirmedHere = attempt.confirm && bound.confirmHash === nonceHash;
    if (!sameBrowser && !confirmedHere) {
      if (link) await setSignInConfirmation(trx, attempt.token, attempt.browserNonce);
      else await setRegistrationConfirmation(trx, attempt.token, attempt.browserNonce);
      return { kind: 'confirm', email: bound.email };
    }
    let userId: string;
    if (link) {
      const consumed = await consumeSignInToken(trx, attempt.token);
      if (!consumed) return undefined;
      userId = consumed;
      await markEmailVerified(trx, userId);
    } else {
      userId = (
        await completeSupplierRegistration(trx, attempt.token, registration!.email, registration!.payload, meta)
      ).userId;
    }
    const sessionId = newSecret();
    const expiresAt = new Date(Date.now() + authSettings(ctx).SESSION_TTL_HOURS * 3_600_000);
    // The User-Agent is whatever the client sent: cleaned and cut under the text policy, never refused.
    await insertSession(trx, {
      userId,
      sessionId,
      expiresAt,
      ip: meta.ip,
      userAgent: cleanHeaderText(attempt.userAgent),
    });
    return { kind: 'signed_in', sessionId, expiresAt, userId };
  });
  if (!outcome) {
    await recordSecurityEvent(ctx.db, { kind: 'sign_in_failed', ip: meta.ip, method: meta.method, path: meta.path });
    throw invalid();
  }
  if (outcome.kind === 'signed_in')
    await recordSecurityEvent(ctx.db, { kind: 'sign_in', userId: outcome.userId, ip: meta.ip });
  else await recordSecurityEvent(ctx.db, { kind: 'sign_in_other_browser', ip: meta.ip });
  return outcome;
}

import { createHash } from 'node:crypto';

import type { Request, RequestHandler, Response } from 'express';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';

import { RATE_LIMIT_TABLE, rateLimitStoreClient } from '../db/rate-limits.js';
import { authSettings } from '../services/auth/settings.js';
import type { ServiceContext } from '../services/context.js';
import { problem } from './problem.js';

/**
 * Rate limits on what costs an e-mail or guesses a secret, kept in PostgreSQL
 * (rate-limiter-flexible's store) so that every API process counts against the same budget:
 *
 * - sign-in links and supplier registrations, per client address (IP) and per e-mail address,
 *   so nobody floods an inbox (from many addresses either);
 * - failed sign-in link verifications and bad bearer tokens, per client address, so guessing is
 *   slow and a flood of bad tokens writes a bounded number of security-log rows.
 *
 * The client address is `req.ip`, which believes `X-Forwarded-For` only from the proxies that
 * TRUST_PROXY names (none by default), so a client cannot reset its limit with a made-up header.
 * Keys are hashed with the deployment's PUBLIC_URL: processes of one deployment share counters.
 */
export interface AuthLimits {
  mailPerIp: RateLimiterPostgres;
  mailPerAddress: RateLimiterPostgres;
  failedAuthPerIp: RateLimiterPostgres;
  key(kind: 'ip' | 'address', value: string): string;
}

const limitsByContext = new WeakMap<ServiceContext, AuthLimits>();

/**
 * The limits of one deployment. `mailPerIp` (createApp's `signInRateLimit`, a knob for tests)
 * overrides RATE_LIMIT_MAIL_PER_IP and RATE_LIMIT_MAIL_PER_ADDRESS.
 */
export function authLimits(ctx: ServiceContext, overrides: { mailPerIp?: number | undefined } = {}): AuthLimits {
  const known = limitsByContext.get(ctx);
  if (known) return known;
  const settings = authSettings(ctx);
  const storeClient = rateLimitStoreClient(ctx.db);
  const duration = settings.RATE_LIMIT_WINDOW_MINUTES * 60;
  const limiter = (keyPrefix: string, points: number) =>
    new RateLimiterPostgres({
      storeClient,
      storeType: 'pool',
      tableName: RATE_LIMIT_TABLE,
      tableCreated: true,
      keyPrefix,
      points,
      duration,
    });
  const deployment = ctx.config.PUBLIC_URL;
  const limits: AuthLimits = {
    mailPerIp: limiter('mail-ip', overrides.mailPerIp ?? settings.RATE_LIMIT_MAIL_PER_IP),
    mailPerAddress: limiter('mail-address', overrides.mailPerIp ?? settings.RATE_LIMIT_MAIL_PER_ADDRESS),
    failedAuthPerIp: limiter('auth-failed', settings.RATE_LIMIT_FAILED_AUTH_PER_IP),
    key: (kind, value) =>
      createHash('sha256')
        .update(`${deployment}\n${kind}\n${kind === 'address' ? value.trim().toLowerCase() : value}`)
        .digest('hex'),
  };
  limitsByContext.set(ctx, limits);
  return limits;
}

export function sendRateLimited(res: Response, detail: string, msBeforeNext: number): void {
  res
    .status(429)
    .set('Retry-After', String(Math.max(1, Math.ceil(msBeforeNext / 1000))))
    .type('application/problem+json')
    .send(JSON.stringify(problem('rate_limited', detail)));
}

/** Consumes a point; the refusal (when over the limit) as a result rather than a throw. Store errors propagate. */
async function consume(
  limiter: RateLimiterPostgres,
  key: string,
): Promise<{ allowed: true } | { allowed: false; msBeforeNext: number }> {
  try {
    await limiter.consume(key, 1);
    return { allowed: true };
  } catch (error) {
    if (error instanceof RateLimiterRes) return { allowed: false, msBeforeNext: error.msBeforeNext };
    throw error;
  }
}

const clientAddress = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/**
 * Requests that e-mail an address the caller types: limited per client address and per e-mail
 * address (`addressOf` reads it from the body; a body without one counts per client only).
 */
export function mailSendingLimit(
  ctx: ServiceContext,
  purpose: 'sign-in' | 'registration',
  detail: string,
  addressOf: (body: unknown) => unknown,
  overrides: { mailPerIp?: number | undefined } = {},
): RequestHandler {
  return async (req, res, next) => {
    const limits = authLimits(ctx, overrides);
    // Each purpose has its own budget per client address; an inbox has one budget for both.
    const perIp = await consume(limits.mailPerIp, limits.key('ip', `${purpose}\n${clientAddress(req)}`));
    if (!perIp.allowed) return sendRateLimited(res, detail, perIp.msBeforeNext);
    const address = addressOf(req.body);
    if (typeof address === 'string' && address.length > 0 && address.length <= 320) {
      const perAddress = await consume(limits.mailPerAddress, limits.key('address', address));
      if (!perAddress.allowed) return sendRateLimited(res, detail, perAddress.msBeforeNext);
    }
    next();
  };
}

/** Whether the client used up its failed attempts (then it is refused before any check). */
export async function failedAuthBlocked(
  ctx: ServiceContext,
  req: Request,
): Promise<{ blocked: false } | { blocked: true; msBeforeNext: number }> {
  const limits = authLimits(ctx);
  const state = await limits.failedAuthPerIp.get(limits.key('ip', clientAddress(req)));
  if (state && state.consumedPoints >= limits.failedAuthPerIp.points)
    return { blocked: true, msBeforeNext: state.msBeforeNext };
  return { blocked: false };
}

/**
 * Counts one failed attempt (a wrong sign-in link, a bad bearer token). Answers whether it was
 * still within the limit: past it the caller answers 429 and writes no security-log row.
 */
export async function countFailedAuth(
  ctx: ServiceContext,
  req: Request,
): Promise<{ withinLimit: boolean; msBeforeNext: number }> {
  const limits = authLimits(ctx);
  const result = await consume(limits.failedAuthPerIp, limits.key('ip', clientAddress(req)));
  return result.allowed
    ? { withinLimit: true, msBeforeNext: 0 }
    : { withinLimit: false, msBeforeNext: result.msBeforeNext };
}

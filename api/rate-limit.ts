import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';

/**
 * Requests that send an e-mail to an address the caller types (sign-in links, supplier
 * registration) are limited per client address, so nobody can use the service to flood an inbox.
 */
export function mailSendingLimit(limit: number, detail: string): RequestHandler {
  return rateLimit({
    windowMs: 15 * 60_000,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) => {
      res
        .status(429)
        .type('application/problem+json')
        .send(JSON.stringify({ type: 'https://jointdemand.eu/problems/rate-limited', title: 'Too many requests', status: 429, detail, code: 'rate_limited' }));
    },
  });
}

import type { RequestHandler } from 'express';

/**
 * The security headers of an answer that is data, never a page (a published statement's JSON,
 * its OCDS package, the Atom feed, an error): what OWASP's REST Security Cheat Sheet lists for
 * APIs. Nothing in such an answer runs, loads or is framed, so one policy refuses it all; helmet's
 * set for pages (in `createApp`) adds a dozen headers whose cost, for a document kept in memory,
 * was a fifth of the answer's.
 */
export function documentSecurityHeaders(options: { hsts: boolean }): RequestHandler {
  const headers: [string, string][] = [
    ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
    ['X-Content-Type-Options', 'nosniff'],
    ['X-Frame-Options', 'DENY'],
    ['Referrer-Policy', 'no-referrer'],
    ['Cross-Origin-Resource-Policy', 'same-origin'],
    ...(options.hsts ? [['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'] as [string, string]] : []),
  ];
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}

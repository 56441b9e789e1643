import type { Request, Response } from 'express';

import type { PublicRepresentation } from '../services/publication/public-documents.js';

/**
 * Sends a public document as stored (its schema was checked when it was written), with its
 * strong ETag. Browsers keep it but ask again each time (`max-age=0, must-revalidate`): a late
 * signatory or a change of naming consent shows at once, and asking costs a 304 from memory. A
 * shared cache in front may serve it for `s-maxage` seconds.
 */
export function sendPublicDocument(req: Request, res: Response, doc: PublicRepresentation, contentType: string): void {
  res.setHeader('ETag', doc.etag);
  res.setHeader('Cache-Control', `public, max-age=0, s-maxage=${doc.sharedMaxAgeSeconds}, must-revalidate`);
  if (matchesIfNoneMatch(req.get('if-none-match'), doc.etag)) {
    res.status(304).end();
    return;
  }
  res.status(200);
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', String(doc.body.length));
  // res.end, not res.send: Express would hash the body again for a weak ETag of its own.
  res.end(doc.body);
}

/** RFC 9110 § 13.1.2: `*`, or any listed tag equal by the weak comparison (a `W/` prefix is ignored). */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

export const jsonContentType = 'application/json; charset=utf-8';
export const atomContentType = 'application/atom+xml; charset=utf-8';

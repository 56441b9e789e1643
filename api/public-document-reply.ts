import { gzipSync } from 'node:zlib';

import type { Request, Response } from 'express';

import type { PublicRepresentation } from '../services/publication/public-documents.js';

/** Below this, gzip's header costs about what it saves. */
const gzipFromBytes = 1024;
/** Each kept document's gzip, made once on first request (the kept document is the same object until it changes). */
const gzipped = new WeakMap<PublicRepresentation, Buffer | null>();

function gzipOf(doc: PublicRepresentation): Buffer | null {
  let zipped = gzipped.get(doc);
  if (zipped === undefined) {
    zipped = doc.body.length >= gzipFromBytes ? gzipSync(doc.body) : null;
    if (zipped && zipped.length >= doc.body.length) zipped = null;
    gzipped.set(doc, zipped);
  }
  return zipped;
}

/** `Accept-Encoding` values seen, and whether each takes gzip before identity; bounded, as in `hostAllowList`. */
const gzipAcceptedBy = new Map<string, boolean>();
export const maxKeptEncodings = 256;

/** As `accepts` negotiates it (no header: identity), once per distinct header: it was a microsecond a read. */
export function acceptsGzip(req: Request): boolean {
  const header = req.headers['accept-encoding'];
  if (header === undefined) return false;
  let gzip = gzipAcceptedBy.get(header);
  if (gzip === undefined) {
    gzip = req.acceptsEncodings('gzip', 'identity') === 'gzip';
    if (gzipAcceptedBy.size < maxKeptEncodings) gzipAcceptedBy.set(header, gzip);
  }
  return gzip;
}

/** The gzip representation's own strong tag: its bytes differ from the document's (RFC 9110 § 8.8.3). */
const gzipEtag = (etag: string) => `${etag.slice(0, -1)}-gzip"`;

/**
 * Sends a public document as stored (its schema was checked when it was written), with its
 * strong ETag, gzipped once for clients that accept it (every browser and CDN does): a statement
 * page or OCDS package is several times smaller, for the reader and for the server. Browsers keep
 * it but ask again each time (`max-age=0, must-revalidate`): a late signatory or a change of naming
 * consent shows at once, and asking costs a 304 from memory. A shared cache in front may serve it
 * for `s-maxage` seconds, keeping each encoding apart (`Vary: Accept-Encoding`).
 */
export function sendPublicDocument(req: Request, res: Response, doc: PublicRepresentation, contentType: string): void {
  const zipped = gzipOf(doc);
  const gzip = zipped !== null && acceptsGzip(req);
  res.setHeader('ETag', gzip ? gzipEtag(doc.etag) : doc.etag);
  res.setHeader('Vary', 'Accept-Encoding');
  res.setHeader('Cache-Control', `public, max-age=0, s-maxage=${doc.sharedMaxAgeSeconds}, must-revalidate`);
  // Either encoding's tag names the same document (If-None-Match compares weakly).
  const ifNoneMatch = req.get('if-none-match');
  if (matchesIfNoneMatch(ifNoneMatch, doc.etag) || (zipped && matchesIfNoneMatch(ifNoneMatch, gzipEtag(doc.etag)))) {
    res.status(304).end();
    return;
  }
  const body = gzip && zipped ? zipped : doc.body;
  res.status(200);
  res.setHeader('Content-Type', contentType);
  if (gzip) res.setHeader('Content-Encoding', 'gzip');
  res.setHeader('Content-Length', String(body.length));
  // res.end, not res.send: Express would hash the body again for a weak ETag of its own.
  res.end(body);
}

/** RFC 9110 § 13.1.2: `*`, or any listed tag equal by the weak comparison (a `W/` prefix is ignored). */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

export const jsonContentType = 'application/json; charset=utf-8';
export const atomContentType = 'application/atom+xml; charset=utf-8';

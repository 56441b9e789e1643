import express, { type Request } from 'express';
import { describe, expect, it } from 'vitest';

import { acceptsGzip, matchesIfNoneMatch, maxKeptEncodings } from './public-document-reply.js';

describe('If-None-Match (RFC 9110 § 13.1.2)', () => {
  const tag = '"abc_DEF-123"';

  it('matches the tag alone, in a list, weak or not, and *', () => {
    for (const header of [tag, ` ${tag} `, `"other", ${tag}`, `W/${tag}`, `"other",W/${tag}`, '*'])
      expect(matchesIfNoneMatch(header, tag), header).toBe(true);
  });

  it('does not match another tag, an unquoted one, a prefix of it or no header', () => {
    for (const header of ['"other"', 'abc_DEF-123', '"abc_DEF-12"', '"abc_DEF-123x"', '', undefined])
      expect(matchesIfNoneMatch(header, tag), String(header)).toBe(false);
  });
});

describe('gzip for the Accept-Encoding values clients send', () => {
  /** A request as Express makes it, so `req.acceptsEncodings` negotiates as it does when serving. */
  const requestWith = (header: string | undefined) =>
    Object.assign(Object.create(express.request) as Request, {
      headers: header === undefined ? {} : { 'accept-encoding': header },
    });
  const headers = [
    'gzip, deflate, br',
    'gzip',
    'br',
    'identity',
    '*',
    'gzip;q=0',
    'gzip;q=0.5, identity',
    '',
    undefined,
  ];

  it('agrees with the negotiation each time a header comes again, and past the values it keeps', () => {
    const expected = [true, true, false, false, true, false, false, false, false];
    for (let round = 0; round < 2; round++)
      headers.forEach((h, i) => expect(acceptsGzip(requestWith(h)), `${String(h)}, round ${round}`).toBe(expected[i]));
    for (let n = 0; n <= maxKeptEncodings; n++) {
      const header = `x-${n}, gzip;q=0.${n % 10}, identity;q=0.5`;
      expect(acceptsGzip(requestWith(header)), header).toBe(n % 10 >= 5);
    }
    headers.forEach((h, i) => expect(acceptsGzip(requestWith(h)), String(h)).toBe(expected[i]));
  });
});

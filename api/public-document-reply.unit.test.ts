import { describe, expect, it } from 'vitest';

import { matchesIfNoneMatch } from './public-document-reply.js';

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

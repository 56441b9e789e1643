import { createHmac } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { auditHmacKey, loadConfig } from '../platform/config.js';
import { checkpointMac, eventMac, withLiterals } from './audit.js';

describe('audit MACs under the key made once', () => {
  it('equal an HMAC-SHA256 keyed with the text of AUDIT_HMAC_KEY, as anyone holding the key computes it', () => {
    const text = auditHmacKey(loadConfig());
    const hash = 'a'.repeat(64);
    const expected = (kind: string) =>
      createHmac('sha256', text).update(`${kind}\nstatement:s1\n7\n${hash}`).digest('hex');
    expect(eventMac('statement:s1', 7, hash)).toBe(expected('audit-event'));
    expect(checkpointMac('statement:s1', 7, hash)).toBe(expected('audit-checkpoint'));
    expect(eventMac('statement:s1', 7, hash)).not.toBe(eventMac('statement:s1', 8, hash));
  });
});

describe('a compiled statement written with its parameters as literals (the append that commits)', () => {
  it('puts each value in the place of its placeholder, quoted by the driver, $10 as the tenth', () => {
    const parameters = Array.from({ length: 10 }, (_, i) => `v${i + 1}`);
    expect(withLiterals('select $1, $2, $10', parameters)).toBe(`select 'v1', 'v2', 'v10'`);
  });

  it('keeps quotes, backslashes and placeholders inside values as the values’ own text', () => {
    const hostile = `it's \\ $1 '; commit; --`;
    expect(withLiterals('insert into t values ($1, $2)', [hostile, 'x'])).toBe(
      `insert into t values ( E'it''s \\\\ $1 ''; commit; --', 'x')`,
    );
  });

  it('writes nulls, numbers, booleans and dates, and refuses what it cannot write', () => {
    const at = new Date('2026-12-07T10:00:00.000Z');
    expect(withLiterals('$1 $2 $3 $4', [null, 42, true, at])).toBe(`null 42 true '2026-12-07T10:00:00.000Z'`);
    expect(() => withLiterals('$1', [{ a: 1 }])).toThrow(TypeError);
    expect(() => withLiterals('$1', [Number.NaN])).toThrow(TypeError);
    expect(() => withLiterals('$1', [])).toThrow(TypeError);
  });
});

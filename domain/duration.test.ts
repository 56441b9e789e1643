import { describe, expect, it } from 'vitest';

import { durationMs, parseDurationMs } from './duration.js';

describe('ISO 8601 durations for deadlines', () => {
  it('reads exact units', () => {
    expect(parseDurationMs('P30D')).toBe(30 * 86_400_000);
    expect(parseDurationMs('P2W')).toBe(14 * 86_400_000);
    expect(parseDurationMs('PT12H')).toBe(12 * 3_600_000);
    expect(parseDurationMs('PT5S')).toBe(5000);
    expect(parseDurationMs('PT0.5S')).toBe(500);
    expect(parseDurationMs('P1DT1H1M1S')).toBe(86_400_000 + 3_600_000 + 60_000 + 1000);
  });

  it('refuses months and years, whose length varies, and malformed text', () => {
    for (const bad of ['P1M', 'P1Y', 'P', 'PT', '30D', 'P-1D', '', 'P1.5D'])
      expect(parseDurationMs(bad), bad).toBeUndefined();
    expect(() => durationMs('P1M')).toThrow(/not a duration/);
  });
});

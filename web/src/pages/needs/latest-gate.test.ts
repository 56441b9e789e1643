import { describe, expect, it } from 'vitest';

import { latestGate } from './latest-gate';

describe('the latest of several loads', () => {
  it('keeps the answer of the call made last, whatever order the answers come in', async () => {
    const begin = latestGate();
    const shown: string[] = [];
    const load = async (value: string, ms: number) => {
      const isLatest = begin();
      await new Promise((resolve) => setTimeout(resolve, ms));
      if (isLatest()) shown.push(value);
    };
    // The earlier filter's load answers after the later one's.
    await Promise.all([load('one pilot', 30), load('51 pilots', 5)]);
    expect(shown).toEqual(['51 pilots']);
  });

  it('keeps a single call', async () => {
    const begin = latestGate();
    const isLatest = begin();
    expect(isLatest()).toBe(true);
    begin();
    expect(isLatest()).toBe(false);
  });
});

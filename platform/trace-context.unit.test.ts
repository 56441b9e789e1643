import { describe, expect, it } from 'vitest';

import { currentTraceId, newTraceId, withTraceId } from './trace-context.js';

describe('trace ids', () => {
  it('are 32 hex digits and never repeat, across refills of the random pool', () => {
    const ids = Array.from({ length: 1_000 }, () => newTraceId());
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('follow the code run under them, awaited steps included', async () => {
    const id = newTraceId();
    const seen = await withTraceId(id, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return currentTraceId();
    });
    expect(seen).toBe(id);
    expect(currentTraceId()).toBeUndefined();
  });
});

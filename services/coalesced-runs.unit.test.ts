import { describe, expect, it } from 'vitest';

import { runCoalesced } from './coalesced-runs.js';

/** A run that waits until released, recording when it started (by call count seen). */
function gate() {
  const releases: (() => void)[] = [];
  return {
    wait: () => new Promise<void>((resolve) => releases.push(resolve)),
    releaseNext: () => releases.shift()?.(),
    get waiting() {
      return releases.length;
    },
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('runCoalesced', () => {
  it('runs once more after the run under way, however many calls came meanwhile, and the last run starts after the last call', async () => {
    const g = gate();
    let calls = 0;
    const seenAtStart: number[] = [];
    const run = async () => {
      seenAtStart.push(calls);
      await g.wait();
    };
    calls += 1;
    runCoalesced('k1', run);
    for (let i = 0; i < 5; i++) {
      calls += 1;
      runCoalesced('k1', run);
    }
    await tick();
    expect(seenAtStart).toEqual([1]);
    g.releaseNext();
    await tick();
    // One more run for the five calls, and it saw all of them.
    expect(seenAtStart).toEqual([1, 6]);
    g.releaseNext();
    await tick();
    expect(seenAtStart).toEqual([1, 6]);
    expect(g.waiting).toBe(0);
    // Idle again: the next call starts a run at once.
    calls += 1;
    runCoalesced('k1', run);
    await tick();
    expect(seenAtStart).toEqual([1, 6, 7]);
    g.releaseNext();
  });

  it('keeps keys apart: a run under way for one key does not hold up another', async () => {
    const g = gate();
    const started: string[] = [];
    runCoalesced('a', async () => {
      started.push('a');
      await g.wait();
    });
    runCoalesced('b', async () => {
      started.push('b');
      await g.wait();
    });
    await tick();
    expect(started).toEqual(['a', 'b']);
    g.releaseNext();
    g.releaseNext();
  });

  it('a run that throws frees its key: the next call runs', async () => {
    let runs = 0;
    runCoalesced('failing', async () => {
      runs += 1;
      throw new Error('boom');
    });
    await tick();
    runCoalesced('failing', async () => {
      runs += 1;
    });
    await tick();
    expect(runs).toBe(2);
  });

  it('with minIntervalMs, starts the run that follows no sooner than that after the one before began', async () => {
    const starts: number[] = [];
    const run = async () => {
      starts.push(Date.now());
    };
    runCoalesced('spaced', run, { minIntervalMs: 200 });
    runCoalesced('spaced', run, { minIntervalMs: 200 });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(starts).toHaveLength(2);
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(195);
  });

  it('with minIntervalMs, a call that comes after a run has ended but within the interval waits for the interval too', async () => {
    const starts: number[] = [];
    const run = async () => {
      starts.push(Date.now());
    };
    runCoalesced('throttled', run, { minIntervalMs: 200 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The first run is over; this call still falls in its interval.
    runCoalesced('throttled', run, { minIntervalMs: 200 });
    runCoalesced('throttled', run, { minIntervalMs: 200 });
    await tick();
    expect(starts).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 400));
    // One run for both calls, and not before the interval was over.
    expect(starts).toHaveLength(2);
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(195);
  });
});

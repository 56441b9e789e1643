import { describe, expect, it, vi } from 'vitest';

import { OutcomeWriter } from '../activities/mail-activities.js';

/** Lets timers set for 0 ms and every promise settled by then run. */
const turn = () => new Promise((resolve) => setTimeout(resolve, 1));

/** Mark statements that finish only when the test says so. */
function heldWrites() {
  const calls: string[][] = [];
  const pending: (() => void)[] = [];
  return {
    calls,
    finishOne: () => pending.shift()?.(),
    writes: {
      markSent: (ids: string[]) => {
        calls.push([...ids]);
        return new Promise<void>((resolve) => pending.push(resolve));
      },
      markFailed: async () => undefined,
    },
  };
}

/**
 * How a sender records what it sent (activities/mail-activities.ts OutcomeWriter): soon, since a
 * worker killed between the relay's acceptance and the mark sends that message again; and with
 * few statements, since in a fan-out they were most of what the database did.
 */
describe('marking sent messages', () => {
  it('writes a message sent while nothing is being written on the next turn of the event loop', async () => {
    const w = heldWrites();
    const writer = new OutcomeWriter(w.writes, { batch: 200, intervalMs: 0, retryForMs: 0 });
    writer.add({ id: 'a', attempts: 1 });
    expect(w.calls).toEqual([]);
    await turn();
    expect(w.calls).toEqual([['a']]);
  });

  it('gathers everything sent while a write is under way into the one statement after it', async () => {
    const w = heldWrites();
    const writer = new OutcomeWriter(w.writes, { batch: 200, intervalMs: 0, retryForMs: 0 });
    writer.add({ id: 'a', attempts: 1 });
    await turn();
    // The mark of 'a' is slow (a loaded database): three more messages go out, each on a turn of its own.
    for (const id of ['b', 'c', 'd']) {
      writer.add({ id, attempts: 1 });
      await turn();
    }
    expect(w.calls).toEqual([['a']]);
    w.finishOne();
    await turn();
    // One statement for the three, started as soon as the first write ended (before: one each, queued).
    expect(w.calls).toEqual([['a'], ['b', 'c', 'd']]);
    w.finishOne();
    await turn();
    // Idle again: the next message is written on the next turn.
    writer.add({ id: 'e', attempts: 1 });
    await turn();
    expect(w.calls).toEqual([['a'], ['b', 'c', 'd'], ['e']]);
    w.finishOne();
  });

  it('a flush writes what waits behind a write under way and resolves when all is written', async () => {
    const w = heldWrites();
    const writer = new OutcomeWriter(w.writes, { batch: 200, intervalMs: 0, retryForMs: 0 });
    writer.add({ id: 'a', attempts: 1 });
    await turn();
    writer.add({ id: 'b', attempts: 1 });
    let flushed = false;
    const flush = writer.flush().then(() => (flushed = true));
    await turn();
    expect(flushed).toBe(false);
    w.finishOne();
    await turn();
    expect(w.calls).toEqual([['a'], ['b']]);
    expect(flushed).toBe(false);
    w.finishOne();
    await flush;
    expect(w.calls).toEqual([['a'], ['b']]);
  });

  it('a claim’s worth of messages is written at once, without waiting for the next turn', async () => {
    const w = heldWrites();
    const writer = new OutcomeWriter(w.writes, { batch: 3, intervalMs: 50, retryForMs: 0 });
    for (const id of ['a', 'b', 'c']) writer.add({ id, attempts: 1 });
    expect(w.calls).toEqual([]);
    await Promise.resolve();
    expect(w.calls).toEqual([['a', 'b', 'c']]);
    w.finishOne();
    await writer.flush();
  });

  it('during a burst, starts a mark at most every intervalMs and writes each message within it', async () => {
    vi.useFakeTimers();
    try {
      /** Marks that take 2 ms each (the database's round trip); returns each statement's start and ids. */
      const burst = async (intervalMs: number) => {
        const statements: { at: number; ids: string[] }[] = [];
        const addedAt = new Map<string, number>();
        const writer = new OutcomeWriter(
          {
            markSent: (ids) => {
              statements.push({ at: Date.now(), ids: [...ids] });
              return new Promise<void>((resolve) => setTimeout(resolve, 2));
            },
            markFailed: async () => undefined,
          },
          { batch: 200, intervalMs, retryForMs: 0 },
        );
        // A fan-out's pace: a message accepted by the relay every millisecond for 100 ms.
        for (let i = 0; i < 100; i++) {
          addedAt.set(`m${i}`, Date.now());
          writer.add({ id: `m${i}`, attempts: 1 });
          await vi.advanceTimersByTimeAsync(1);
        }
        const flushed = writer.flush();
        await vi.advanceTimersByTimeAsync(50);
        await flushed;
        const waits = statements.flatMap((s) => s.ids.map((id) => s.at - addedAt.get(id)!));
        return { statements, longestWait: Math.max(...waits), written: statements.flatMap((s) => s.ids).length };
      };
      const paced = await burst(10);
      // Every message once; one statement per 10 ms at most (11 over 100 ms, the flush at the end included).
      expect(paced.written).toBe(100);
      expect(paced.statements.length).toBeLessThanOrEqual(11);
      for (const [a, b] of paced.statements.slice(1).map((s, i) => [paced.statements[i]!, s] as const))
        expect(b.at - a.at).toBeGreaterThanOrEqual(10);
      // The window in which a killed worker would send a message again: the interval, plus the write.
      expect(paced.longestWait).toBeLessThanOrEqual(10);
      // Without it, a statement every write's round trip (2 ms): 3-4 times as many.
      const unpaced = await burst(0);
      expect(unpaced.written).toBe(100);
      expect(unpaced.statements.length).toBeGreaterThanOrEqual(30);
    } finally {
      vi.useRealTimers();
    }
  });

  it('marks the first message after a quiet spell on the next turn, whatever the interval', async () => {
    const w = heldWrites();
    const writer = new OutcomeWriter(w.writes, { batch: 200, intervalMs: 20, retryForMs: 0 });
    writer.add({ id: 'a', attempts: 1 });
    await turn();
    expect(w.calls).toEqual([['a']]);
    w.finishOne();
    // Quiet for longer than the interval: the next message is written at once again.
    await new Promise((resolve) => setTimeout(resolve, 25));
    writer.add({ id: 'b', attempts: 1 });
    await turn();
    expect(w.calls).toEqual([['a'], ['b']]);
    w.finishOne();
    await writer.flush();
  });
});

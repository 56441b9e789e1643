import { describe, expect, it } from 'vitest';

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
 * How a sender records what it sent (activities/mail-activities.ts OutcomeWriter): as soon as
 * possible, since a worker killed between the relay's acceptance and the mark sends that message
 * again; and with as few statements as that allows.
 */
describe('marking sent messages', () => {
  it('writes a message sent while nothing is being written on the next turn of the event loop', async () => {
    const w = heldWrites();
    const writer = new OutcomeWriter(w.writes, { batch: 200, delayMs: 0, retryForMs: 0 });
    writer.add({ id: 'a', attempts: 1 });
    expect(w.calls).toEqual([]);
    await turn();
    expect(w.calls).toEqual([['a']]);
  });

  it('gathers everything sent while a write is under way into the one statement after it', async () => {
    const w = heldWrites();
    const writer = new OutcomeWriter(w.writes, { batch: 200, delayMs: 0, retryForMs: 0 });
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
    const writer = new OutcomeWriter(w.writes, { batch: 200, delayMs: 0, retryForMs: 0 });
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
    const writer = new OutcomeWriter(w.writes, { batch: 3, delayMs: 50, retryForMs: 0 });
    for (const id of ['a', 'b', 'c']) writer.add({ id, attempts: 1 });
    expect(w.calls).toEqual([]);
    await Promise.resolve();
    expect(w.calls).toEqual([['a', 'b', 'c']]);
    w.finishOne();
    await writer.flush();
  });
});

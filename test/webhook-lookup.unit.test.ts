import type { LookupAddress } from 'node:dns';

import { describe, expect, it } from 'vitest';

import { guardedLookup } from '../activities/webhook-relay.js';

/** The relay's DNS lookup, the one its connections use: a name resolving into the network is refused (SSRF, DNS rebinding). */
function resolve(allowLoopback: boolean, host: string, all: boolean) {
  return new Promise<{ error: NodeJS.ErrnoException | null; result: unknown }>((done) => {
    guardedLookup(allowLoopback)(
      host,
      { all } as never,
      ((error: NodeJS.ErrnoException | null, result: unknown) => done({ error, result })) as never,
    );
  });
}

describe('the webhook relay’s DNS lookup', () => {
  it('refuses a host name that resolves to a loopback address', async () => {
    for (const all of [true, false]) {
      const { error } = await resolve(false, 'localhost', all);
      expect(error?.code).toBe('ENONPUBLIC');
    }
  });

  it('lets loopback through only where allowed (tests, development)', async () => {
    const { error, result } = await resolve(true, 'localhost', true);
    expect(error).toBeNull();
    expect((result as LookupAddress[]).map((a) => a.address)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^(127\.|::1$)/)]),
    );
    const single = await resolve(true, 'localhost', false);
    expect(single.error).toBeNull();
    expect(single.result).toMatch(/^(127\.|::1$)/);
  });
});

import { randomBytes } from 'node:crypto';

import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';

import { loadConfig } from './config.js';
import { AesGcmPayloadCodec, encryptedEncoding, payloadCodecFrom } from './payload-codec.js';

const key = () => ({ id: 'k1', key: randomBytes(32) });
const text = (p: { data?: Uint8Array | null }) => Buffer.from(p.data ?? new Uint8Array()).toString();

describe('the AES-256-GCM payload codec', () => {
  const secret = { statementId: 's-1', reason: 'Our council froze the budget' };
  const payload = defaultPayloadConverter.toPayload(secret);

  it('encrypts a payload so nothing of it shows, with the key id beside it, and decrypts it back', async () => {
    const codec = new AesGcmPayloadCodec(key());
    const [encoded] = await codec.encode([payload]);
    expect(text(encoded!)).not.toContain('froze');
    expect(Buffer.from(encoded!.metadata!.encoding!).toString()).toBe(encryptedEncoding);
    expect(Buffer.from(encoded!.metadata!['encryption-key-id']!).toString()).toBe('k1');
    // The original encoding (json/plain) is hidden too.
    expect(JSON.stringify(encoded!.metadata)).not.toContain('json');
    const [decoded] = await codec.decode([encoded!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(secret);
    // A fresh nonce each time: the same value never encrypts the same way twice.
    const [again] = await codec.encode([payload]);
    expect(Buffer.from(again!.data!).equals(Buffer.from(encoded!.data!))).toBe(false);
  });

  it('refuses a payload that was tampered with, re-labelled to another key, or encrypted with a key it does not have', async () => {
    const k = key();
    const codec = new AesGcmPayloadCodec(k);
    const [encoded] = await codec.encode([payload]);
    const flipped = Buffer.from(encoded!.data!);
    flipped[20] = flipped[20]! ^ 1;
    await expect(codec.decode([{ ...encoded!, data: new Uint8Array(flipped) }])).rejects.toThrow();
    const relabelled = new AesGcmPayloadCodec({ id: 'k2', key: k.key }, [{ id: 'k1', key: k.key }]);
    await expect(
      relabelled.decode([
        { ...encoded!, metadata: { ...encoded!.metadata, 'encryption-key-id': new Uint8Array(Buffer.from('k2')) } },
      ]),
    ).rejects.toThrow();
    await expect(new AesGcmPayloadCodec(key()).decode([encoded!])).rejects.toThrow();
    await expect(new AesGcmPayloadCodec({ id: 'k9', key: randomBytes(32) }).decode([encoded!])).rejects.toThrow(
      /no payload key with id "k1"/,
    );
  });

  it('rotates keys: new payloads use the current key, older ones decrypt with the key their id names', async () => {
    const old = key();
    const [before] = await new AesGcmPayloadCodec(old).encode([payload]);
    const rotated = new AesGcmPayloadCodec({ id: 'k2', key: randomBytes(32) }, [old]);
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([before!]))[0]!)).toEqual(secret);
    const [after] = await rotated.encode([payload]);
    expect(Buffer.from(after!.metadata!['encryption-key-id']!).toString()).toBe('k2');
  });

  it('passes payloads that were never encrypted through unchanged (histories from before the codec)', async () => {
    const [decoded] = await new AesGcmPayloadCodec(key()).decode([payload]);
    expect(decoded).toBe(payload);
  });

  it('is built from the configuration only when TEMPORAL_PAYLOAD_KEY is set, and checks the key', async () => {
    expect(payloadCodecFrom(loadConfig({}))).toBeUndefined();
    const current = randomBytes(32).toString('base64');
    const previous = randomBytes(32).toString('base64');
    const codec = payloadCodecFrom(
      loadConfig({
        TEMPORAL_PAYLOAD_KEY: current,
        TEMPORAL_PAYLOAD_KEY_ID: '2026-12',
        TEMPORAL_PAYLOAD_OLD_KEYS: `2026-06:${previous}`,
      }),
    )!;
    const [encoded] = await codec.encode([payload]);
    expect(Buffer.from(encoded!.metadata!['encryption-key-id']!).toString()).toBe('2026-12');
    const [older] = await new AesGcmPayloadCodec({ id: '2026-06', key: Buffer.from(previous, 'base64') }).encode([
      payload,
    ]);
    expect(defaultPayloadConverter.fromPayload((await codec.decode([older!]))[0]!)).toEqual(secret);
    expect(() => loadConfig({ TEMPORAL_PAYLOAD_KEY: 'too-short' })).toThrow(/TEMPORAL_PAYLOAD_KEY/);
  });
});

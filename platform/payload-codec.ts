import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';

import type { Config } from './config.js';

/** The encoding of an encrypted payload; its `data` is nonce ‖ ciphertext ‖ tag of the whole original payload. */
export const encryptedEncoding = 'binary/encrypted';
const keyIdKey = 'encryption-key-id';
const nonceBytes = 12;
const tagBytes = 16;

/** The whole payload (metadata and data) as bytes, so the encoding is hidden as well as the value. */
function serialise(payload: Payload): Buffer {
  const metadata = Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  );
  return Buffer.from(
    JSON.stringify({ m: metadata, d: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') }),
  );
}

function deserialise(bytes: Buffer): Payload {
  const parsed = JSON.parse(bytes.toString()) as { m: Record<string, string>; d: string };
  return {
    metadata: Object.fromEntries(
      Object.entries(parsed.m).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))]),
    ),
    data: new Uint8Array(Buffer.from(parsed.d, 'base64')),
  };
}

/**
 * AES-256-GCM over every Temporal payload (workflow inputs, update arguments and results,
 * activity inputs and results, memos), so the Temporal server and whoever reads its database
 * or histories sees ciphertext. The client (API) and the worker use the same codec; the key id
 * travels in the payload's metadata, so keys can be rotated: new payloads use the current key,
 * older ones are decrypted with the key their id names. Payloads that were never encrypted
 * (histories from before the codec was turned on) pass through unchanged.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly keys: Map<string, Buffer>;

  constructor(
    private readonly current: { id: string; key: Buffer },
    older: { id: string; key: Buffer }[] = [],
  ) {
    for (const k of [current, ...older]) {
      if (k.key.length !== 32) throw new Error(`payload key ${k.id} must be 32 bytes (AES-256)`);
    }
    this.keys = new Map([...older, current].map((k) => [k.id, k.key]));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const nonce = randomBytes(nonceBytes);
      const cipher = createCipheriv('aes-256-gcm', this.current.key, nonce);
      // The key id is authenticated too: a payload cannot be re-labelled to another key.
      cipher.setAAD(Buffer.from(this.current.id));
      const plain = serialise(payload);
      const data = Buffer.concat([nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { [METADATA_ENCODING_KEY]: Buffer.from(encryptedEncoding), [keyIdKey]: Buffer.from(this.current.id) },
        data: new Uint8Array(data),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || Buffer.from(encoding).toString() !== encryptedEncoding) return payload;
      const idBytes = payload.metadata?.[keyIdKey];
      const id = idBytes ? Buffer.from(idBytes).toString() : '';
      const key = this.keys.get(id);
      if (!key) throw new Error(`no payload key with id "${id}": add it to TEMPORAL_PAYLOAD_OLD_KEYS`);
      const data = Buffer.from(payload.data ?? new Uint8Array());
      if (data.length < nonceBytes + tagBytes) throw new Error('encrypted payload is too short');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, nonceBytes));
      decipher.setAAD(Buffer.from(id));
      decipher.setAuthTag(data.subarray(data.length - tagBytes));
      const plain = Buffer.concat([
        decipher.update(data.subarray(nonceBytes, data.length - tagBytes)),
        decipher.final(),
      ]);
      return deserialise(plain);
    });
  }
}

/** The codec the configuration asks for, or none when TEMPORAL_PAYLOAD_KEY is unset. */
export function payloadCodecFrom(
  config: Pick<Config, 'TEMPORAL_PAYLOAD_KEY' | 'TEMPORAL_PAYLOAD_KEY_ID' | 'TEMPORAL_PAYLOAD_OLD_KEYS'>,
): AesGcmPayloadCodec | undefined {
  if (!config.TEMPORAL_PAYLOAD_KEY) return undefined;
  const older = (config.TEMPORAL_PAYLOAD_OLD_KEYS ?? '')
    .split(',')
    .filter((pair) => pair.includes(':'))
    .map((pair) => {
      const at = pair.indexOf(':');
      return { id: pair.slice(0, at), key: Buffer.from(pair.slice(at + 1), 'base64') };
    });
  return new AesGcmPayloadCodec(
    { id: config.TEMPORAL_PAYLOAD_KEY_ID, key: Buffer.from(config.TEMPORAL_PAYLOAD_KEY, 'base64') },
    older,
  );
}

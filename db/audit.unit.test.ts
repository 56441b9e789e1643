import { createHmac } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { auditHmacKey, loadConfig } from '../platform/config.js';
import { checkpointMac, eventMac } from './audit.js';

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

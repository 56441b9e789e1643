import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { stages } from '../rules/stages.js';
import {
  type AgreementProcessState,
  allSigned,
  awaitingSignature,
  commentRefusal,
  deadlineRefusal,
  initialAgreementState,
  invitationRefusal,
  partiesOf,
  proposalRefusal,
  respondRefusal,
  signatureRefusal,
  startRefusal,
  versionIsStale,
  withdrawalRefusal,
} from './agreement-process.js';

const now = Date.parse('2026-12-01T12:00:00Z');

/** Lead L with parties A and B, version 1 written for all three, deadline in a day. */
function negotiating(over: Partial<AgreementProcessState> = {}): AgreementProcessState {
  return {
    ...initialAgreementState('s', 'L'),
    started: true,
    parties: { L: 'party', A: 'party', B: 'party', C: 'invited' },
    version: 1,
    versionId: 'v1',
    versionHash: 'h1',
    versionParties: ['A', 'B', 'L'],
    deadline: now + 86_400_000,
    ...over,
  };
}
const sig = (versionId = 'v1', versionHash = 'h1') => ({
  userId: 'u',
  at: new Date(now).toISOString(),
  versionId,
  versionHash,
});

describe('starting an agreement', () => {
  it('requires a published statement, and refuses every other stage with wrong_stage naming it', () => {
    expect(startRefusal('published')).toBeNull();
    for (const stage of stages.filter((s) => s !== 'published')) {
      expect(startRefusal(stage)).toMatchObject({ code: 'wrong_stage', message: expect.stringContaining(stage) });
    }
  });

  it('has no agreement to start when a central purchasing body runs the procurement (Art. 39(2)-(3))', () => {
    expect(startRefusal('published', 'joint')).toBeNull();
    expect(startRefusal('published', 'central_purchasing_body')).toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('No joint procurement agreement is needed'),
      problems: [{ field: 'procurementRoute', rule: expect.stringContaining('Art. 39(3)') }],
    });
  });
});

describe('signatures', () => {
  it('accepts a party signing the current version by its hash before the deadline', () => {
    expect(signatureRefusal(negotiating(), { orgId: 'A', versionId: 'v1', versionHash: 'h1' }, now)).toBeNull();
  });

  it('refuses an outdated version or a wrong hash as a conflict naming versionHash', () => {
    const s = negotiating({ version: 2, versionId: 'v2', versionHash: 'h2' });
    for (const r of [
      { versionId: 'v1', versionHash: 'h1' },
      { versionId: 'v2', versionHash: 'h1' },
    ]) {
      const refusal = signatureRefusal(s, { orgId: 'A', ...r }, now);
      expect(refusal).toMatchObject({ code: 'conflict', problems: [{ field: 'versionHash' }] });
    }
  });

  it('refuses non-parties, second signatures, passed deadlines and stale versions', () => {
    expect(signatureRefusal(negotiating(), { orgId: 'C', versionId: 'v1', versionHash: 'h1' }, now)?.code).toBe(
      'forbidden',
    );
    expect(
      signatureRefusal(
        negotiating({ signatures: { A: sig() } }),
        { orgId: 'A', versionId: 'v1', versionHash: 'h1' },
        now,
      )?.code,
    ).toBe('conflict');
    expect(
      signatureRefusal(negotiating({ deadline: now }), { orgId: 'A', versionId: 'v1', versionHash: 'h1' }, now)?.code,
    ).toBe('deadline_passed');
    const stale = negotiating({ parties: { L: 'party', A: 'party', B: 'withdrawn' } });
    expect(versionIsStale(stale)).toBe(true);
    expect(signatureRefusal(stale, { orgId: 'A', versionId: 'v1', versionHash: 'h1' }, now)?.code).toBe('conflict');
    expect(
      signatureRefusal(negotiating({ status: 'in_force' }), { orgId: 'A', versionId: 'v1', versionHash: 'h1' }, now)
        ?.code,
    ).toBe('wrong_stage');
    expect(
      signatureRefusal(
        negotiating({ versionId: null, versionHash: null, version: 0, versionParties: [] }),
        { orgId: 'A', versionId: 'v1', versionHash: 'h1' },
        now,
      )?.code,
    ).toBe('conflict');
  });

  it('is complete only when every party signed the current version', () => {
    expect(allSigned(negotiating({ signatures: { L: sig(), A: sig() } }))).toBe(false);
    expect(awaitingSignature(negotiating({ signatures: { L: sig(), A: sig() } }))).toEqual(['B']);
    expect(allSigned(negotiating({ signatures: { L: sig(), A: sig(), B: sig() } }))).toBe(true);
    // Signatures on an earlier version do not count.
    expect(
      allSigned(
        negotiating({ version: 2, versionId: 'v2', versionHash: 'h2', signatures: { L: sig(), A: sig(), B: sig() } }),
      ),
    ).toBe(false);
  });

  it('never counts a version as complete while any party is missing a signature on it (property)', () => {
    const orgs = ['L', 'A', 'B', 'C', 'D'];
    fc.assert(
      fc.property(
        fc.subarray(orgs.slice(1), { minLength: 1 }),
        fc.subarray(orgs),
        fc.constantFrom('v1', 'v2'),
        (others, signers, signedVersion) => {
          const parties = Object.fromEntries([
            ['L', 'party'],
            ...others.map((o) => [o, 'party']),
          ]) as AgreementProcessState['parties'];
          const s = negotiating({
            parties,
            versionParties: Object.keys(parties).sort(),
            signatures: Object.fromEntries(signers.map((o) => [o, sig(signedVersion)])),
          });
          const expected = signedVersion === 'v1' && partiesOf(s).every((o) => signers.includes(o));
          expect(allSigned(s)).toBe(expected);
          expect(awaitingSignature(s).length === 0).toBe(expected);
        },
      ),
    );
  });
});

describe('proposals, answers, comments, withdrawal, deadlines', () => {
  it('lets only the lead propose, with at least two parties, for the parties as they are', () => {
    const s = negotiating();
    expect(proposalRefusal(s, 'L', ['L', 'B', 'A'])).toBeNull();
    expect(proposalRefusal(s, 'A', ['A', 'B', 'L'])?.code).toBe('forbidden');
    expect(proposalRefusal(s, 'L', ['A', 'L'])?.code).toBe('conflict');
    const alone = negotiating({ parties: { L: 'party', A: 'invited' } });
    expect(proposalRefusal(alone, 'L', ['L'])).toMatchObject({
      code: 'unprocessable',
      problems: [{ field: 'parties' }],
    });
  });

  it('lets the lead invite signatories that are not in the agreement yet', () => {
    const s = negotiating();
    expect(invitationRefusal(s, 'L', ['D', 'A'])).toBeNull();
    expect(invitationRefusal(s, 'L', ['A', 'C'])?.code).toBe('conflict');
    expect(invitationRefusal(s, 'A', ['D'])?.code).toBe('forbidden');
    expect(invitationRefusal({ ...s, status: 'in_force' }, 'L', ['D'])?.code).toBe('wrong_stage');
  });

  it('lets an invited signatory answer once', () => {
    const s = negotiating();
    expect(respondRefusal(s, 'C')).toBeNull();
    expect(respondRefusal(s, 'A')?.code).toBe('conflict');
    expect(respondRefusal(s, 'Z')?.code).toBe('forbidden');
    expect(respondRefusal({ ...s, started: false }, 'C')?.code).toBe('not_found');
  });

  it('lets parties comment on a version that exists', () => {
    expect(commentRefusal(negotiating(), 'A', 'v1', ['v1'])).toBeNull();
    expect(commentRefusal(negotiating(), 'C', 'v1', ['v1'])?.code).toBe('forbidden');
    expect(commentRefusal(negotiating(), 'A', 'v9', ['v1'])?.code).toBe('not_found');
  });

  it('lets a party withdraw before signing only, and never the lead', () => {
    expect(withdrawalRefusal(negotiating(), 'A')).toBeNull();
    expect(withdrawalRefusal(negotiating({ signatures: { A: sig() } }), 'A')?.code).toBe('conflict');
    expect(withdrawalRefusal(negotiating(), 'L')?.code).toBe('forbidden');
    expect(withdrawalRefusal(negotiating(), 'C')?.code).toBe('forbidden');
  });

  it('only moves the signature deadline later, by the lead', () => {
    const s = negotiating();
    expect(deadlineRefusal(s, 'L', s.deadline! + 1, now)).toBeNull();
    expect(deadlineRefusal(s, 'L', s.deadline!, now)).toMatchObject({
      code: 'unprocessable',
      problems: [{ field: 'deadline' }],
    });
    expect(deadlineRefusal(s, 'A', s.deadline! + 1, now)?.code).toBe('forbidden');
  });
});

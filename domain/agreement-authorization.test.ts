import { describe, expect, it } from 'vitest';

import { agreementActions, type AgreementFacts, decideAgreement } from './agreement-authorization.js';
import type { Principal } from './authorization.js';

const principal = (over: Partial<Principal>): Principal => ({
  userId: 'u',
  orgId: 'org-x',
  orgKind: 'buyer',
  isAdmin: false,
  roles: [],
  via: 'session',
  ...over,
});
const facts = (over: Partial<AgreementFacts> = {}): AgreementFacts => ({
  statement: { leadOrgId: 'lead', stage: 'published', participantStatus: null },
  exists: true,
  partyStatus: null,
  ...over,
});

describe('who may do what with an agreement', () => {
  it('lets only the lead start it, and hides unpublished statements from outsiders', () => {
    expect(decideAgreement(principal({ orgId: 'lead' }), 'start', facts({ exists: false }))).toEqual({ allowed: true });
    expect(decideAgreement(principal({}), 'start', facts({ exists: false }))).toMatchObject({ code: 'forbidden' });
    const unpublished = facts({ statement: { leadOrgId: 'lead', stage: 'approval', participantStatus: null } });
    expect(decideAgreement(principal({ orgKind: 'supplier' }), 'start', unpublished)).toMatchObject({
      code: 'not_found',
    });
  });

  it('hides the agreement from suppliers and buyers that were never invited to it', () => {
    for (const p of [principal({ orgKind: 'supplier' }), principal({})]) {
      for (const action of agreementActions.filter((a) => a !== 'start')) {
        expect(decideAgreement(p, action, facts()), action).toMatchObject({ allowed: false, code: 'not_found' });
      }
    }
  });

  it('lets a party with the signatory role sign, and refuses a party user without it (403)', () => {
    const party = facts({ partyStatus: 'party' });
    expect(decideAgreement(principal({ roles: ['signatory'] }), 'sign', party)).toEqual({ allowed: true });
    expect(decideAgreement(principal({}), 'sign', party)).toMatchObject({
      code: 'forbidden',
      reason: expect.stringContaining('signatory'),
    });
    expect(
      decideAgreement(principal({ roles: ['signatory'] }), 'sign', facts({ partyStatus: 'invited' })),
    ).toMatchObject({ code: 'forbidden' });
  });

  it('gives the document to parties only: not to invited, withdrawn, Commission staff or administrators', () => {
    expect(decideAgreement(principal({}), 'download', facts({ partyStatus: 'party' }))).toEqual({ allowed: true });
    expect(decideAgreement(principal({ orgId: 'lead' }), 'download', facts({ partyStatus: 'party' }))).toEqual({
      allowed: true,
    });
    for (const status of ['invited', 'withdrawn', 'declined'] as const) {
      expect(decideAgreement(principal({}), 'download', facts({ partyStatus: status }))).toMatchObject({
        code: 'forbidden',
      });
    }
    expect(decideAgreement(principal({ orgKind: 'commission' }), 'download', facts())).toMatchObject({
      code: 'forbidden',
    });
    expect(decideAgreement(principal({ orgKind: 'operator', isAdmin: true }), 'download', facts())).toMatchObject({
      code: 'forbidden',
    });
    expect(decideAgreement(principal({ orgKind: 'commission' }), 'view', facts())).toEqual({ allowed: true });
  });

  it('shows versions, terms and comments to the parties only; the others that follow it read its status and parties', () => {
    for (const p of [principal({ orgId: 'lead' }), principal({})]) {
      expect(decideAgreement(p, 'viewVersions', facts({ partyStatus: 'party' }))).toEqual({ allowed: true });
      expect(decideAgreement(p, 'viewAudit', facts({ partyStatus: 'party' }))).toEqual({ allowed: true });
    }
    const followers: [Principal, AgreementFacts][] = [
      [principal({ orgKind: 'commission' }), facts()],
      [principal({ orgKind: 'operator', isAdmin: true }), facts()],
      ...(['invited', 'declined', 'withdrawn'] as const).map((status): [Principal, AgreementFacts] => [
        principal({}),
        facts({ partyStatus: status }),
      ]),
    ];
    for (const [p, f] of followers) {
      const who = `${p.orgKind} ${f.partyStatus ?? ''}`;
      expect(decideAgreement(p, 'view', f), who).toEqual({ allowed: true });
      expect(decideAgreement(p, 'viewVersions', f), who).toMatchObject({ allowed: false, code: 'forbidden' });
    }
    // Oversight reads the audit log; a signatory that is not (or no longer) a party does not.
    expect(decideAgreement(principal({ orgKind: 'commission' }), 'viewAudit', facts())).toEqual({ allowed: true });
    expect(decideAgreement(principal({ orgKind: 'operator', isAdmin: true }), 'viewAudit', facts())).toEqual({
      allowed: true,
    });
    for (const status of ['invited', 'declined', 'withdrawn'] as const) {
      expect(decideAgreement(principal({}), 'viewAudit', facts({ partyStatus: status })), status).toMatchObject({
        allowed: false,
        code: 'forbidden',
      });
    }
  });

  it('keeps drafting, deadlines and cancellation with the lead, and withdrawal with the other parties', () => {
    const party = facts({ partyStatus: 'party' });
    expect(decideAgreement(principal({ orgId: 'lead' }), 'propose', party)).toEqual({ allowed: true });
    expect(decideAgreement(principal({}), 'propose', party)).toMatchObject({ code: 'forbidden' });
    expect(decideAgreement(principal({}), 'manage', party)).toMatchObject({ code: 'forbidden' });
    const signatory = principal({ roles: ['signatory'] });
    expect(decideAgreement(signatory, 'withdraw', party)).toEqual({ allowed: true });
    expect(decideAgreement(principal({ orgId: 'lead', roles: ['signatory'] }), 'withdraw', party)).toMatchObject({
      code: 'forbidden',
    });
    expect(decideAgreement(signatory, 'respond', facts({ partyStatus: 'invited' }))).toEqual({ allowed: true });
    // Joining, declining and withdrawing bind the organisation: not without the signatory role.
    expect(decideAgreement(principal({}), 'withdraw', party)).toMatchObject({
      code: 'forbidden',
      reason: expect.stringContaining('signatory'),
    });
    expect(decideAgreement(principal({}), 'respond', facts({ partyStatus: 'invited' }))).toMatchObject({
      code: 'forbidden',
      reason: expect.stringContaining('signatory'),
    });
    expect(decideAgreement(principal({ orgId: 'lead' }), 'respond', party)).toMatchObject({ code: 'forbidden' });
  });

  it('answers not found for every action but start while no agreement exists', () => {
    for (const action of agreementActions.filter((a) => a !== 'start')) {
      expect(decideAgreement(principal({ orgId: 'lead' }), action, facts({ exists: false })), action).toMatchObject({
        code: 'not_found',
      });
    }
  });
});

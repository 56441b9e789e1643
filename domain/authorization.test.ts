import { describe, expect, it } from 'vitest';

import {
  auditDataFor,
  canReadNeedsOf,
  canReadReasonOf,
  canSee,
  canSeeParticipant,
  decide,
  type Principal,
  statementActions,
  type StatementFacts,
} from './authorization.js';

const principal = (over: Partial<Principal>): Principal => ({
  userId: 'u',
  orgId: 'org-x',
  orgKind: 'buyer',
  isAdmin: false,
  roles: [],
  via: 'session',
  ...over,
});
const draft: StatementFacts = { leadOrgId: 'lead', stage: 'draft', participantStatus: null };

describe('who may do what with a statement', () => {
  it('lets the lead buyer do everything', () => {
    const lead = principal({ orgId: 'lead', roles: ['signatory'] });
    for (const action of statementActions.filter((a) => a !== 'respondToInvitation' && a !== 'requestToSign')) {
      expect(decide(lead, action, draft), action).toEqual({ allowed: true });
    }
    expect(decide(lead, 'respondToInvitation', draft).allowed).toBe(false);
    // The lead signs its own statement by approving it, not by asking to join.
    expect(decide(lead, 'requestToSign', { ...draft, stage: 'published' }).allowed).toBe(false);
  });

  it('lets only confirmed buyers approve the statement text, and suppliers never read responses', () => {
    const approval: StatementFacts = { leadOrgId: 'lead', stage: 'approval', participantStatus: 'confirmed' };
    const signatory = principal({ roles: ['signatory'] });
    expect(decide(signatory, 'approveStatement', approval)).toEqual({ allowed: true });
    // Approving binds the organisation: a user without the signatory role may not, the lead's included.
    expect(decide(principal({}), 'approveStatement', approval)).toMatchObject({
      allowed: false,
      code: 'forbidden',
      reason: expect.stringContaining('signatory'),
    });
    expect(decide(principal({ orgId: 'lead' }), 'approveStatement', approval)).toMatchObject({
      allowed: false,
      code: 'forbidden',
    });
    expect(decide(principal({}), 'approveStatement', { ...approval, participantStatus: 'dropped' })).toMatchObject({
      allowed: false,
      code: 'forbidden',
    });
    expect(decide(principal({}), 'approveStatement', { ...approval, participantStatus: null })).toMatchObject({
      allowed: false,
      code: 'not_found',
    });
    const supplier = principal({ orgKind: 'supplier' });
    expect(decide(supplier, 'viewConsultation', { ...approval, participantStatus: null })).toMatchObject({
      allowed: false,
      code: 'not_found',
    });
    expect(
      decide(supplier, 'viewConsultation', { ...approval, stage: 'published', participantStatus: null }),
    ).toMatchObject({ allowed: false, code: 'forbidden' });
    expect(
      decide(principal({ orgId: 'other', roles: ['signatory'] }), 'requestToSign', {
        ...approval,
        stage: 'published',
        participantStatus: null,
      }),
    ).toEqual({ allowed: true });
    expect(
      decide(principal({ orgId: 'other' }), 'requestToSign', {
        ...approval,
        stage: 'published',
        participantStatus: null,
      }),
    ).toMatchObject({ allowed: false, code: 'forbidden' });
  });

  it('hides an unpublished statement (not found) from outsiders and suppliers, but not once published', () => {
    for (const p of [principal({}), principal({ orgKind: 'supplier' })]) {
      expect(decide(p, 'view', draft)).toMatchObject({ allowed: false, code: 'not_found' });
      expect(canSee(p, { ...draft, stage: 'published' })).toBe(true);
    }
  });

  it('lets an invited buyer see and answer, but not steer', () => {
    const invited = principal({});
    const facts = { ...draft, participantStatus: 'invited' as const };
    expect(decide(invited, 'view', facts)).toEqual({ allowed: true });
    expect(decide(invited, 'respondToInvitation', facts)).toEqual({ allowed: true });
    for (const action of ['edit', 'invite', 'openNeedsAssessment', 'cancel', 'viewAudit'] as const) {
      expect(decide(invited, action, facts)).toMatchObject({ allowed: false, code: 'forbidden' });
    }
  });

  it('gives Commission staff a read-only view including the audit log', () => {
    const staff = principal({ orgKind: 'commission' });
    expect(decide(staff, 'view', draft).allowed).toBe(true);
    expect(decide(staff, 'viewAudit', draft).allowed).toBe(true);
    expect(decide(staff, 'edit', draft)).toMatchObject({ allowed: false, code: 'forbidden' });
    expect(decide(staff, 'cancel', draft)).toMatchObject({ allowed: false, code: 'forbidden' });
  });

  it('lets an administrator cancel but not edit', () => {
    const admin = principal({ orgKind: 'operator', isAdmin: true });
    expect(decide(admin, 'cancel', draft).allowed).toBe(true);
    expect(decide(admin, 'edit', draft)).toMatchObject({ allowed: false, code: 'forbidden' });
  });

  it('does not treat a supplier that happens to share an id pattern as lead', () => {
    const supplier = principal({ orgKind: 'supplier', orgId: 'lead' });
    expect(decide(supplier, 'edit', { ...draft, stage: 'published' })).toMatchObject({
      allowed: false,
      code: 'forbidden',
    });
  });

  it('shares the aggregate with the lead, active participants and Commission staff; exports and shortfall decisions are the lead’s', () => {
    const aggregation: StatementFacts = { ...draft, stage: 'shortfall' };
    for (const status of ['joined', 'submitted', 'confirmed'] as const) {
      const buyer = principal({});
      const facts = { ...aggregation, participantStatus: status };
      expect(decide(buyer, 'viewAggregate', facts), status).toEqual({ allowed: true });
      expect(decide(buyer, 'exportAggregate', facts)).toMatchObject({ allowed: false, code: 'forbidden' });
      expect(decide(buyer, 'decideShortfall', facts)).toMatchObject({ allowed: false, code: 'forbidden' });
    }
    for (const status of ['invited', 'declined', 'dropped', 'withdrawn'] as const) {
      expect(
        decide(principal({}), 'viewAggregate', { ...aggregation, participantStatus: status }),
        status,
      ).toMatchObject({ allowed: false, code: 'forbidden' });
    }
    expect(decide(principal({ orgKind: 'commission' }), 'viewAggregate', aggregation).allowed).toBe(true);
    expect(decide(principal({ orgKind: 'commission' }), 'exportAggregate', aggregation)).toMatchObject({
      allowed: false,
    });
    expect(decide(principal({ orgKind: 'supplier' }), 'viewAggregate', aggregation)).toMatchObject({
      allowed: false,
      code: 'not_found',
    });
  });

  it('gives a buyer’s free-text reason to the lead and that buyer only, in the audit log too', () => {
    const published: StatementFacts = { ...draft, stage: 'published' };
    expect(canReadReasonOf(principal({ orgId: 'lead' }), published, 'oslo')).toBe(true);
    expect(canReadReasonOf(principal({ orgId: 'oslo' }), { ...published, participantStatus: 'declined' }, 'oslo')).toBe(
      true,
    );
    for (const p of [
      principal({ orgKind: 'commission' }),
      principal({ orgKind: 'operator', isAdmin: true }),
      principal({ orgId: 'other' }),
      principal({ orgKind: 'supplier', orgId: 'oslo' }),
    ]) {
      expect(canReadReasonOf(p, published, 'oslo'), `${p.orgKind} ${p.orgId}`).toBe(false);
    }
    const data = { organisationId: 'oslo', accepted: false, reason: 'No budget this year' };
    expect(auditDataFor(principal({ orgKind: 'commission' }), published, 'invitation_answered', data)).toEqual({
      ...data,
      reason: null,
    });
    expect(auditDataFor(principal({ orgId: 'lead' }), published, 'invitation_answered', data)).toEqual(data);
    expect(
      auditDataFor(principal({ orgKind: 'commission' }), published, 'agreement_withdrawn', {
        organisationId: 'riga',
        reason: 'Left',
      }),
    ).toEqual({ organisationId: 'riga', reason: null });
    // A buyer's needs versions and draft (ids, hashes) are its own and the lead's, as on /live.
    const submitted = {
      organisationId: 'oslo',
      versionId: 'v2',
      version: 2,
      contentHash: 'h2',
      lines: 3,
      supersedes: 'v1',
    };
    expect(auditDataFor(principal({ orgKind: 'commission' }), published, 'needs_submitted', submitted)).toEqual({
      ...submitted,
      versionId: null,
      contentHash: null,
      supersedes: null,
      lines: null,
    });
    expect(
      auditDataFor(principal({ orgKind: 'operator', isAdmin: true }), published, 'needs_draft_saved', {
        organisationId: 'oslo',
        lines: 1,
        draftHash: 'd',
      }),
    ).toEqual({ organisationId: 'oslo', lines: null, draftHash: null });
    expect(
      auditDataFor(principal({ orgId: 'lead' }), published, 'needs_confirmed', {
        organisationId: 'oslo',
        versionId: 'v2',
        contentHash: 'h2',
      }),
    ).toEqual({ organisationId: 'oslo', versionId: 'v2', contentHash: 'h2' });
    // The lead's own reasons (a cancellation, a shortfall decision) are not a buyer's.
    expect(
      auditDataFor(principal({ orgKind: 'commission' }), published, 'stage_changed', {
        to: 'cancelled',
        reason: 'Duplicate',
      }),
    ).toEqual({ to: 'cancelled', reason: 'Duplicate' });
  });

  it('shows the roster to whoever sees the statement before publication, and after it the named signatories (oversight: every status)', () => {
    const named = { orgId: 'copenhagen', signatory: true, named: true };
    const unnamed = { orgId: 'barcelona', signatory: true, named: false };
    const declined = { orgId: 'oslo', signatory: false, named: false };
    const market: StatementFacts = { leadOrgId: 'lead', stage: 'market_engagement', participantStatus: 'confirmed' };
    for (const entry of [named, unnamed, declined])
      expect(canSeeParticipant(principal({ orgId: 'copenhagen' }), market, entry), entry.orgId).toBe(true);
    const published: StatementFacts = { ...market, stage: 'published', participantStatus: null };
    for (const p of [principal({ orgKind: 'supplier' }), principal({ orgId: 'vilnius' })]) {
      expect(
        [named, unnamed, declined].map((e) => canSeeParticipant(p, published, e)),
        `${p.orgKind} ${p.orgId}`,
      ).toEqual([true, false, false]);
    }
    // Another participant reads the named signatories and its own row.
    const barcelona = principal({ orgId: 'barcelona' });
    expect(
      [named, unnamed, declined].map((e) =>
        canSeeParticipant(barcelona, { ...published, participantStatus: 'confirmed' }, e),
      ),
    ).toEqual([true, true, false]);
    for (const p of [
      principal({ orgId: 'lead' }),
      principal({ orgKind: 'commission' }),
      principal({ orgKind: 'operator', isAdmin: true }),
    ]) {
      expect(
        [named, unnamed, declined].map((e) => canSeeParticipant(p, published, e)),
        p.orgKind,
      ).toEqual([true, true, true]);
    }
    // A supplier whose id matches a buyer's is not that buyer.
    expect(canSeeParticipant(principal({ orgKind: 'supplier', orgId: 'oslo' }), published, declined)).toBe(false);
  });

  it('leaves an organisation that declined, withdrew or dropped out its own data only: it reads, it does nothing', () => {
    const oslo = principal({ orgId: 'oslo' });
    for (const stage of ['needs_assessment', 'market_engagement', 'approval', 'published'] as const) {
      for (const status of ['declined', 'withdrawn', 'dropped'] as const) {
        const facts: StatementFacts = { leadOrgId: 'lead', stage, participantStatus: status };
        expect(decide(oslo, 'view', facts), `${stage} ${status} view`).toEqual({ allowed: true });
        for (const action of statementActions.filter((a) => a !== 'view')) {
          expect(decide(oslo, action, facts), `${stage} ${status} ${action}`).toMatchObject({
            allowed: false,
            code: 'forbidden',
          });
        }
        expect(canReadNeedsOf(oslo, facts, 'oslo'), `${stage} ${status} own needs`).toEqual({ allowed: true });
        expect(canReadNeedsOf(oslo, facts, 'copenhagen').allowed).toBe(false);
      }
    }
    // Its roster is its own row; after publication the named signatories too, as for anyone signed in.
    const market: StatementFacts = { leadOrgId: 'lead', stage: 'market_engagement', participantStatus: 'withdrawn' };
    const named = { orgId: 'copenhagen', signatory: false, named: true };
    expect(canSeeParticipant(oslo, market, { orgId: 'oslo', signatory: false, named: false })).toBe(true);
    expect(canSeeParticipant(oslo, market, named)).toBe(false);
    expect(canSeeParticipant(oslo, market, { orgId: 'lead', signatory: false, named: false })).toBe(false);
    expect(canSeeParticipant(oslo, { ...market, stage: 'published' }, { ...named, signatory: true })).toBe(true);
    // The lead never leaves its own statement, even with its own needs withdrawn.
    expect(decide(principal({ orgId: 'lead' }), 'edit', { ...market, stage: 'draft' })).toEqual({ allowed: true });
    expect(decide(principal({ orgId: 'lead' }), 'manageConsultation', market)).toEqual({ allowed: true });
    // Who is still in (or only invited) keeps its part.
    expect(decide(oslo, 'consentToNaming', { ...market, participantStatus: 'invited' })).toEqual({ allowed: true });
    expect(decide(oslo, 'actOnOwnNeeds', { ...market, participantStatus: 'joined' })).toEqual({ allowed: true });
  });
});

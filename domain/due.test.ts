import { describe, expect, it } from 'vitest';

import type { ParticipantStatus, Stage } from '../rules/stages.js';
import type { Principal } from './authorization.js';
import { type DueConsultationFacts, dueItemsFor, type DueStatementFacts } from './due.js';

const principal = (over: Partial<Principal>): Principal => ({
  userId: 'u',
  orgId: 'org-x',
  orgKind: 'buyer',
  isAdmin: false,
  roles: ['signatory'],
  via: 'session',
  ...over,
});

const now = Date.parse('2026-06-01T12:00:00Z');
const hour = 3_600_000;
const lead = principal({ orgId: 'lead' });
const buyer = principal({ orgId: 'buyer' });
const other = principal({ orgId: 'other' });
const commission = principal({ orgId: 'dg-grow', orgKind: 'commission' });
const admin = principal({ orgId: 'platform', orgKind: 'commission', isAdmin: true });
const supplier = principal({ orgId: 'acme', orgKind: 'supplier' });

const statement = (
  stage: Stage,
  participantStatus: ParticipantStatus | null,
  over: Partial<DueStatementFacts> = {},
): DueStatementFacts => ({
  statementId: 's1',
  title: 'Zero-emission construction machinery',
  leadOrgId: 'lead',
  stage,
  participantStatus,
  deadline: now + 50 * hour,
  decidedOnCurrentText: false,
  agreement: null,
  ...over,
});

const kinds = (p: Principal, s: DueStatementFacts[], c: DueConsultationFacts[] = []) =>
  dueItemsFor(p, s, c, now).map((i) => i.kind);

describe('what is due for a buyer', () => {
  it('an invited buyer answers the invitation by the needs assessment deadline', () => {
    const [item] = dueItemsFor(buyer, [statement('needs_assessment', 'invited')], [], now);
    expect(item).toEqual({
      key: 's1/answerInvitation',
      statementId: 's1',
      title: 'Zero-emission construction machinery',
      kind: 'answerInvitation',
      deadline: now + 50 * hour,
      link: '/statements/s1',
    });
  });

  it('a buyer that joined submits its needs; one that submitted has nothing due until the confirmation', () => {
    expect(dueItemsFor(buyer, [statement('needs_assessment', 'joined')], [], now)).toMatchObject([
      { kind: 'submitNeeds', link: '/statements/s1/needs' },
    ]);
    expect(kinds(buyer, [statement('needs_assessment', 'submitted')])).toEqual([]);
    expect(kinds(buyer, [statement('confirmation', 'submitted')])).toEqual(['confirmNeeds']);
    expect(kinds(buyer, [statement('confirmation', 'confirmed')])).toEqual([]);
  });

  it('a step bound by the deadline is no longer due once the deadline passed (the API would refuse it)', () => {
    expect(kinds(buyer, [statement('needs_assessment', 'joined', { deadline: now - hour })])).toEqual([]);
    expect(kinds(buyer, [statement('confirmation', 'submitted', { deadline: now - hour })])).toEqual([]);
  });

  it('a confirmed buyer approves the text once, with a signatory; an overdue approval stays due', () => {
    expect(dueItemsFor(buyer, [statement('approval', 'confirmed')], [], now)).toMatchObject([
      { kind: 'approveStatement', link: '/statements/s1/approval' },
    ]);
    expect(kinds(buyer, [statement('approval', 'confirmed', { decidedOnCurrentText: true })])).toEqual([]);
    expect(kinds(principal({ orgId: 'buyer', roles: [] }), [statement('approval', 'confirmed')])).toEqual([]);
    expect(
      dueItemsFor(buyer, [statement('approval', 'confirmed', { deadline: now - 2 * hour })], [], now),
    ).toMatchObject([{ kind: 'approveStatement', deadline: now - 2 * hour }]);
  });

  it('a party signs the agreement by its signature deadline; an invited signatory answers first', () => {
    const agreement = {
      status: 'negotiation' as const,
      signatureDeadline: now + 24 * hour,
      partyStatus: 'party' as const,
      versionToSign: true,
      signedCurrentVersion: false,
    };
    expect(dueItemsFor(buyer, [statement('published', 'confirmed', { agreement })], [], now)).toMatchObject([
      { kind: 'signAgreement', deadline: now + 24 * hour, link: '/statements/s1/agreement', key: 's1/signAgreement' },
    ]);
    expect(
      kinds(buyer, [statement('published', 'confirmed', { agreement: { ...agreement, signedCurrentVersion: true } })]),
    ).toEqual([]);
    expect(
      kinds(buyer, [statement('published', 'confirmed', { agreement: { ...agreement, partyStatus: 'invited' } })]),
    ).toEqual(['answerAgreementInvitation']);
    expect(
      kinds(buyer, [statement('published', 'confirmed', { agreement: { ...agreement, status: 'in_force' } })]),
    ).toEqual([]);
  });
});

describe('what is due for the lead', () => {
  it('each stage with a deadline closes then; the lead decides a shortfall and publishes after the approval', () => {
    expect(kinds(lead, [statement('draft', null, { deadline: null })])).toEqual(['openNeedsAssessment']);
    expect(kinds(lead, [statement('needs_assessment', null)])).toEqual(['closeNeedsAssessment']);
    expect(kinds(lead, [statement('confirmation', null)])).toEqual(['closeConfirmation']);
    expect(kinds(lead, [statement('market_engagement', null)])).toEqual(['closeConsultation']);
    expect(kinds(lead, [statement('shortfall', null, { deadline: null })])).toEqual(['decideShortfall']);
    expect(kinds(lead, [statement('approval', null, { decidedOnCurrentText: true })])).toEqual(['closeApproval']);
    expect(kinds(lead, [statement('approval', null, { decidedOnCurrentText: true, deadline: now - hour })])).toEqual([
      'publishStatement',
    ]);
    expect(kinds(lead, [statement('published', null)])).toEqual([]);
    expect(kinds(lead, [statement('cancelled', null)])).toEqual([]);
  });

  it('the lead approves its own statement’s text too', () => {
    expect(kinds(lead, [statement('approval', 'confirmed')])).toEqual(['approveStatement', 'closeApproval']);
  });
});

describe('only what the viewer may see', () => {
  it('another participant, an organisation that left, Commission staff, an administrator and a supplier see none of the lead’s or a buyer’s steps', () => {
    for (const stage of ['draft', 'needs_assessment', 'confirmation', 'shortfall', 'approval'] as const) {
      expect(kinds(other, [statement(stage, null)])).toEqual([]);
      expect(kinds(commission, [statement(stage, null)])).toEqual([]);
      expect(kinds(admin, [statement(stage, null)])).toEqual([]);
      expect(kinds(supplier, [statement(stage, null)])).toEqual([]);
    }
    for (const status of ['declined', 'withdrawn', 'dropped'] as const) {
      expect(kinds(buyer, [statement('needs_assessment', status)])).toEqual([]);
      expect(kinds(buyer, [statement('approval', status)])).toEqual([]);
    }
  });

  it('an agreement is due only from its parties', () => {
    const agreement = {
      status: 'negotiation' as const,
      signatureDeadline: now + hour,
      partyStatus: null,
      versionToSign: true,
      signedCurrentVersion: false,
    };
    expect(kinds(other, [statement('published', null, { agreement })])).toEqual([]);
    expect(kinds(commission, [statement('published', null, { agreement })])).toEqual([]);
  });
});

describe('what is due for a supplier', () => {
  const consultation = (over: Partial<DueConsultationFacts> = {}): DueConsultationFacts => ({
    statementId: 'c1',
    title: 'Electric excavators',
    stage: 'market_engagement',
    deadline: now + 3 * hour,
    matchesSubscription: true,
    responded: false,
    ...over,
  });

  it('answers an open consultation that matches its subscription until it answered or the consultation closed', () => {
    expect(dueItemsFor(supplier, [], [consultation()], now)).toEqual([
      {
        key: 'c1/answerConsultation',
        statementId: 'c1',
        title: 'Electric excavators',
        kind: 'answerConsultation',
        deadline: now + 3 * hour,
        link: '/consultations/c1',
      },
    ]);
    expect(kinds(supplier, [], [consultation({ responded: true })])).toEqual([]);
    expect(kinds(supplier, [], [consultation({ matchesSubscription: false })])).toEqual([]);
    expect(kinds(supplier, [], [consultation({ deadline: now - 1 })])).toEqual([]);
    expect(kinds(supplier, [], [consultation({ stage: 'approval' })])).toEqual([]);
    expect(kinds(buyer, [], [consultation()])).toEqual([]);
  });
});

describe('order', () => {
  it('soonest deadline first, steps without one last', () => {
    const items = dueItemsFor(
      buyer,
      [
        statement('needs_assessment', 'joined', { statementId: 'late', deadline: now + 90 * hour }),
        statement('draft', 'invited', { statementId: 'none', deadline: null }),
        statement('confirmation', 'submitted', { statementId: 'soon', deadline: now + hour }),
      ],
      [],
      now,
    );
    expect(items.map((i) => i.statementId)).toEqual(['soon', 'late', 'none']);
  });
});

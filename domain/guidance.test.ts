import { describe, expect, it } from 'vitest';

import { type ParticipantStatus, type Stage, stages } from '../rules/stages.js';
import { allowedActionsFor } from './allowed-actions.js';
import type { Principal } from './authorization.js';
import { nextStepFor, type ReadinessFacts, readinessFor } from './guidance.js';

const principal = (orgId: string): Principal => ({
  userId: 'u',
  orgId,
  orgKind: 'buyer',
  isAdmin: false,
  roles: ['signatory'],
  via: 'session',
});
const now = Date.parse('2026-06-01T12:00:00Z');
const later = now + 3_600_000;
const lead = principal('lead');
const buyer = principal('buyer');

/** What the statement view would offer, then the next step among it. */
function stepOf(who: Principal, stage: Stage, status: ParticipantStatus | null, invitedOthers = 2) {
  const allowed = allowedActionsFor(who, { leadOrgId: 'lead', stage, participantStatus: status, deadline: later }, now);
  return { allowed, step: nextStepFor(allowed, { stage, isLead: who === lead, invitedOthers }) };
}

describe('nextStepFor: one primary action per stage', () => {
  it('tells the lead in draft to invite first, then to open the needs assessment (not to prepare the consultation)', () => {
    expect(stepOf(lead, 'draft', 'joined', 0).step).toBe('invite');
    expect(stepOf(lead, 'draft', 'joined', 1).step).toBe('openNeedsAssessment');
  });

  it('gives the lead the stage it runs: follow the needs, confirm its own, decide a shortfall, run the consultation, approve', () => {
    expect(stepOf(lead, 'needs_assessment', 'joined').step).toBe('viewNeedsOverview');
    expect(stepOf(lead, 'confirmation', 'submitted').step).toBe('confirmNeeds');
    expect(stepOf(lead, 'confirmation', 'confirmed').step).toBe('viewNeedsOverview');
    expect(stepOf(lead, 'shortfall', 'confirmed').step).toBe('decideShortfall');
    expect(stepOf(lead, 'market_engagement', 'confirmed').step).toBe('answerSupplierQuestions');
    expect(stepOf(lead, 'approval', 'confirmed').step).toBe('approveStatement');
    expect(stepOf(lead, 'published', 'confirmed').step).toBe('startAgreement');
  });

  it('gives a participant what it has to do: answer, enter needs, confirm, approve', () => {
    expect(stepOf(buyer, 'draft', 'invited').step).toBe('answerInvitation');
    expect(stepOf(buyer, 'draft', 'joined').step).toBeNull();
    expect(stepOf(buyer, 'needs_assessment', 'invited').step).toBe('answerInvitation');
    expect(stepOf(buyer, 'needs_assessment', 'joined').step).toBe('saveNeeds');
    expect(stepOf(buyer, 'confirmation', 'submitted').step).toBe('confirmNeeds');
    expect(stepOf(buyer, 'approval', 'confirmed').step).toBe('approveStatement');
  });

  it('is always one of the actions allowed, and nothing once the statement has ended or for who left', () => {
    for (const stage of stages)
      for (const status of ['invited', 'joined', 'submitted', 'confirmed', 'declined', 'withdrawn', 'dropped'] as const)
        for (const who of [lead, buyer]) {
          const { allowed, step } = stepOf(who, stage, status);
          if (step !== null) expect(allowed).toContain(step);
        }
    expect(stepOf(lead, 'cancelled', 'joined').step).toBeNull();
    expect(stepOf(buyer, 'needs_assessment', 'withdrawn').step).toBeNull();
  });
});

const p = (status: ParticipantStatus, country: string, isLead = false) => ({ status, country, isLead });

describe('readinessFor: the lead’s checklist against the critical mass', () => {
  const base: ReadinessFacts = {
    stage: 'draft',
    criticalMass: { minBuyers: 3, minCountries: 2, minTotalValueEur: '1000000', minQuantityPerCpv: [] },
    participants: [p('joined', 'FI', true), p('joined', 'NO'), p('invited', 'DK')],
    surveyQuestions: 0,
    scheduleWarnings: 0,
  };

  it('in draft: accepted buyers and their countries against the rules, invitations answered, survey, schedule', () => {
    const r = readinessFor(base)!;
    expect(r.before).toBe('openNeedsAssessment');
    expect(r.ready).toBe(false);
    expect(r.items).toEqual([
      { item: 'buyers', state: 'todo', have: 2, need: 3 },
      { item: 'countries', state: 'done', have: 2, need: 2 },
      { item: 'invitationsAnswered', state: 'todo', have: 1, need: 2 },
      { item: 'survey', state: 'todo', have: 0 },
      { item: 'schedule', state: 'done', have: 0 },
      { item: 'totalValue', state: 'atAggregation', minTotalValueEur: '1000000' },
    ]);
  });

  it('is ready once every checkable item is ticked; value and quantity rules wait for the aggregation', () => {
    const r = readinessFor({
      ...base,
      criticalMass: { minBuyers: 3, minQuantityPerCpv: [{ cpvCode: '43000000', minQuantity: '10', unit: 'C62' }] },
      participants: [p('joined', 'FI', true), p('joined', 'NO'), p('joined', 'DK'), p('declined', 'SE')],
      surveyQuestions: 2,
    })!;
    expect(r.ready).toBe(true);
    expect(r.items.at(-1)).toEqual({
      item: 'quantity',
      state: 'atAggregation',
      cpvCode: '43000000',
      unit: 'C62',
      minQuantity: '10',
    });
  });

  it('without a rule on buyers, a second buyer is still needed', () => {
    const r = readinessFor({
      ...base,
      criticalMass: { minQuantityPerCpv: [] },
      participants: [p('joined', 'FI', true)],
    })!;
    expect(r.items[0]).toEqual({ item: 'buyers', state: 'todo', have: 1, need: 2 });
  });

  it('before closing the needs assessment: who submitted counts; who has not yet is listed', () => {
    const r = readinessFor({
      ...base,
      stage: 'needs_assessment',
      participants: [p('submitted', 'FI', true), p('joined', 'NO'), p('invited', 'DK'), p('withdrawn', 'SE')],
    })!;
    expect(r.before).toBe('closeNeedsAssessment');
    expect(r.items.slice(0, 3)).toEqual([
      { item: 'buyers', state: 'todo', have: 1, need: 3 },
      { item: 'countries', state: 'todo', have: 1, need: 2 },
      { item: 'submitted', state: 'todo', have: 1, need: 3 },
    ]);
  });

  it('before closing the confirmation: who confirmed counts', () => {
    const r = readinessFor({
      ...base,
      stage: 'confirmation',
      criticalMass: { minBuyers: 2, minQuantityPerCpv: [] },
      participants: [p('confirmed', 'FI', true), p('confirmed', 'NO'), p('dropped', 'DK')],
    })!;
    expect(r).toEqual({
      before: 'closeConfirmation',
      ready: true,
      items: [
        { item: 'buyers', state: 'done', have: 2, need: 2 },
        { item: 'confirmed', state: 'done', have: 2, need: 2 },
      ],
    });
  });

  it('has nothing to prepare in the other stages', () => {
    for (const stage of [
      'aggregation',
      'shortfall',
      'market_engagement',
      'approval',
      'published',
      'cancelled',
    ] as const)
      expect(readinessFor({ ...base, stage })).toBeNull();
  });
});

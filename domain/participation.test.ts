import { describe, expect, it } from 'vitest';

import {
  actionMayEndStage,
  allowedBuyerActions,
  everyoneHasConfirmed,
  type ParticipationFacts,
  refusalOf,
} from './participation.js';

const now = Date.parse('2027-03-01T12:00:00Z');
const later = now + 60_000;
const earlier = now - 1;
const facts = (over: Partial<ParticipationFacts>): ParticipationFacts => ({
  stage: 'needs_assessment',
  deadline: later,
  status: 'joined',
  ...over,
});

describe('who may act on its own needs, in which stage, until when', () => {
  it('lets a joined buyer save, submit and withdraw during the needs assessment', () => {
    expect(allowedBuyerActions(facts({}), now)).toEqual(['saveNeeds', 'submitNeeds', 'withdrawNeeds']);
  });

  it('refuses an organisation that does not take part first, whatever else holds', () => {
    expect(refusalOf('submitNeeds', facts({ status: null, stage: 'published' }), now)).toMatchObject({
      code: 'forbidden',
    });
  });

  it('refuses a stage that does not take the action (409 wrong_stage)', () => {
    expect(refusalOf('submitNeeds', facts({ stage: 'confirmation' }), now)).toMatchObject({ code: 'wrong_stage' });
    expect(refusalOf('confirmNeeds', facts({ status: 'submitted' }), now)).toMatchObject({ code: 'wrong_stage' });
    expect(refusalOf('answerInvitation', facts({ stage: 'confirmation', status: 'invited' }), now)).toMatchObject({
      code: 'wrong_stage',
    });
  });

  it('closes submissions and confirmations at the deadline itself ("until", not "through")', () => {
    expect(refusalOf('submitNeeds', facts({ deadline: now }), now)).toMatchObject({
      code: 'deadline_passed',
      message: expect.stringContaining(new Date(now).toISOString()),
    });
    expect(refusalOf('submitNeeds', facts({ deadline: earlier }), now)).toMatchObject({ code: 'deadline_passed' });
    expect(refusalOf('submitNeeds', facts({ deadline: now + 1 }), now)).toBeNull();
    expect(
      refusalOf('confirmNeeds', facts({ stage: 'confirmation', status: 'submitted', deadline: now }), now),
    ).toMatchObject({ code: 'deadline_passed' });
  });

  it('lets an invitation be answered and a buyer withdraw after the deadline, until the stage closes', () => {
    expect(refusalOf('answerInvitation', facts({ status: 'invited', deadline: earlier }), now)).toBeNull();
    expect(refusalOf('withdrawNeeds', facts({ status: 'submitted', deadline: earlier }), now)).toBeNull();
  });

  it('refuses an action the buyer’s status does not allow (409 conflict, naming the status)', () => {
    expect(refusalOf('answerInvitation', facts({ status: 'joined' }), now)).toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('joined'),
    });
    expect(refusalOf('submitNeeds', facts({ status: 'withdrawn' }), now)).toMatchObject({ code: 'conflict' });
    expect(refusalOf('submitNeeds', facts({ status: 'dropped' }), now)).toMatchObject({ code: 'conflict' });
    expect(refusalOf('confirmNeeds', facts({ stage: 'confirmation', status: 'confirmed' }), now)).toMatchObject({
      code: 'conflict',
    });
  });

  it('confirms only the latest submitted version, naming the field', () => {
    const confirming = facts({ stage: 'confirmation', status: 'submitted', latestSubmittedVersionId: 'v2' });
    expect(refusalOf('confirmNeeds', confirming, now, { versionId: 'v2' })).toBeNull();
    expect(refusalOf('confirmNeeds', confirming, now, { versionId: 'v1' })).toEqual({
      code: 'conflict',
      message: 'Version v1 is not your latest submission',
      problems: [{ field: 'versionId', rule: 'must be the latest submitted version of your needs' }],
    });
    expect(allowedBuyerActions(confirming, now)).toEqual(['withdrawNeeds', 'confirmNeeds']);
  });

  it('ends the confirmation once nobody is left with a submitted, unconfirmed version', () => {
    expect(everyoneHasConfirmed({ confirmed: 3, dropped: 1 })).toBe(true);
    expect(everyoneHasConfirmed({})).toBe(true);
    expect(everyoneHasConfirmed({ confirmed: 3, submitted: 1 })).toBe(false);
  });

  it('names the confirmation as the one stage a buyer action may end before its deadline', () => {
    expect(actionMayEndStage('confirmation')).toBe(true);
    // The needs assessment waits for its deadline, whoever has acted.
    for (const stage of ['draft', 'needs_assessment', 'aggregation', 'market_engagement'] as const) {
      expect(actionMayEndStage(stage)).toBe(false);
    }
  });
});

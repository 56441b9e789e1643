import { describe, expect, it } from 'vitest';

import { type ParticipantStatus, type Stage, stages } from '../rules/stages.js';
import { allowedActionsFor, type ViewerAction, viewerActions } from './allowed-actions.js';
import type { Principal, StatementFacts } from './authorization.js';
import { buyerActions } from './participation.js';

const principal = (over: Partial<Principal>): Principal => ({
  userId: 'u',
  orgId: 'org-x',
  orgKind: 'buyer',
  isAdmin: false,
  roles: [],
  via: 'session',
  ...over,
});

const now = Date.parse('2026-06-01T12:00:00Z');
const hour = 3_600_000;
const facts = (
  stage: Stage,
  participantStatus: ParticipantStatus | null = null,
  deadline: number | null = null,
): StatementFacts => ({
  leadOrgId: 'lead',
  stage,
  participantStatus,
  deadline,
});

const lead = principal({ orgId: 'lead', roles: ['signatory'] });
const buyer = principal({ orgId: 'buyer', roles: ['signatory'] });
const commission = principal({ orgId: 'dg-grow', orgKind: 'commission' });
const admin = principal({ orgId: 'platform', orgKind: 'commission', isAdmin: true });
const supplier = principal({ orgId: 'acme', orgKind: 'supplier' });

/** The lead's decisions on the process: no other viewer may ever be offered one. */
const leadDecisions: readonly ViewerAction[] = [
  'edit',
  'defineSurvey',
  'invite',
  'openNeedsAssessment',
  'extendDeadline',
  'closeStage',
  'decideShortfall',
  'retryAggregation',
  'exportAggregate',
  'setRequestForInformation',
  'answerSupplierQuestions',
  'reviseStatementText',
  'publishWithoutMissing',
  'decideSignatory',
  'startAgreement',
  'chooseProcurementRoute',
];

describe('the actions the statement view offers each viewer', () => {
  it('offers the lead its decisions stage by stage, and none of a buyer’s own actions', () => {
    expect(allowedActionsFor(lead, facts('draft'), now)).toEqual([
      'edit',
      'defineSurvey',
      'invite',
      'openNeedsAssessment',
      'cancel',
      'setRequestForInformation',
      'chooseProcurementRoute',
      'consentToNaming',
      'consentToShowFigures',
      'viewAudit',
      'viewMarket',
    ]);
    expect(allowedActionsFor(lead, facts('needs_assessment', null, now + hour), now)).toEqual([
      'defineSurvey',
      'invite',
      'extendDeadline',
      'closeStage',
      'cancel',
      'setRequestForInformation',
      'chooseProcurementRoute',
      'consentToNaming',
      'consentToShowFigures',
      'viewAudit',
      'viewNeedsOverview',
      'viewSurveyResults',
      'viewMarket',
    ]);
    // After the needs assessment's deadline the survey stays as it is.
    expect(allowedActionsFor(lead, facts('needs_assessment', null, now - hour), now)).not.toContain('defineSurvey');
    expect(allowedActionsFor(lead, facts('shortfall'), now)).toEqual(
      expect.arrayContaining(['decideShortfall', 'invite', 'cancel', 'viewAggregate', 'exportAggregate']),
    );
    expect(allowedActionsFor(lead, facts('aggregation'), now)).toContain('retryAggregation');
    expect(allowedActionsFor(lead, facts('market_engagement', null, now + hour), now)).toEqual(
      expect.arrayContaining([
        'answerSupplierQuestions',
        'closeStage',
        'extendDeadline',
        'followSuppliers',
        'setRequestForInformation',
      ]),
    );
    // Approval has a deadline to extend but closes only when everyone has answered or it passes.
    const approval = allowedActionsFor(lead, facts('approval', null, now + hour), now);
    expect(approval).toEqual(
      expect.arrayContaining(['extendDeadline', 'reviseStatementText', 'approveStatement', 'viewStatementText']),
    );
    expect(approval).not.toContain('closeStage');
    expect(approval).not.toContain('publishWithoutMissing');
    expect(allowedActionsFor(lead, facts('approval', null, now - hour), now)).toContain('publishWithoutMissing');
    expect(allowedActionsFor(lead, facts('published'), now)).toEqual(
      expect.arrayContaining(['decideSignatory', 'startAgreement', 'viewAgreement']),
    );
    expect(allowedActionsFor(lead, facts('published'), now)).not.toContain('cancel');
    // A central purchasing body runs the procurement: no Art. 39(4) agreement to start (Art. 39(2)-(3)).
    const throughCpb = allowedActionsFor(
      lead,
      { ...facts('published'), procurementRoute: 'central_purchasing_body' },
      now,
    );
    expect(throughCpb).not.toContain('startAgreement');
    expect(throughCpb).toContain('decideSignatory');
    // The route is chosen before the demand is aggregated.
    expect(allowedActionsFor(lead, facts('confirmation', null, now + hour), now)).toContain('chooseProcurementRoute');
    expect(allowedActionsFor(lead, facts('aggregation'), now)).not.toContain('chooseProcurementRoute');
    for (const stage of stages) {
      expect(
        allowedActionsFor(lead, facts(stage, null, now + hour), now).filter((a) =>
          (buyerActions as readonly string[]).includes(a),
        ),
        stage,
      ).toEqual([]);
    }
  });

  it('offers an invited buyer its answer only, and none of the lead’s decisions', () => {
    expect(allowedActionsFor(buyer, facts('draft', 'invited'), now)).toEqual([
      'answerInvitation',
      'consentToNaming',
      'consentToShowFigures',
    ]);
    const actions = allowedActionsFor(buyer, facts('needs_assessment', 'invited', now + hour), now);
    expect(actions).toContain('answerInvitation');
    expect(actions).not.toContain('saveNeeds');
    expect(actions.filter((a) => leadDecisions.includes(a) || a === 'cancel')).toEqual([]);
  });

  it('offers a joined buyer its needs before the deadline, and only withdrawing after it', () => {
    expect(allowedActionsFor(buyer, facts('needs_assessment', 'joined', now + hour), now)).toEqual(
      expect.arrayContaining(['saveNeeds', 'submitNeeds', 'withdrawNeeds']),
    );
    const after = allowedActionsFor(buyer, facts('needs_assessment', 'joined', now - hour), now);
    expect(after.filter((a) => (buyerActions as readonly string[]).includes(a))).toEqual(['withdrawNeeds']);
    expect(after.filter((a) => leadDecisions.includes(a) || a === 'cancel')).toEqual([]);
    expect(allowedActionsFor(buyer, facts('confirmation', 'submitted', now + hour), now)).toEqual(
      expect.arrayContaining(['confirmNeeds', 'withdrawNeeds', 'viewOwnNeeds']),
    );
    expect(allowedActionsFor(buyer, facts('confirmation', 'submitted', now - hour), now)).not.toContain('confirmNeeds');
  });

  it('leaves a buyer that dropped out its own needs to read, and nothing to do', () => {
    expect(allowedActionsFor(buyer, facts('confirmation', 'dropped'), now)).toEqual(['viewOwnNeeds']);
    expect(allowedActionsFor(buyer, facts('market_engagement', 'declined'), now)).toEqual([]);
  });

  it('lets a confirmed buyer follow the aggregate, the text and approve it, but decide nothing for the lead', () => {
    const approval = allowedActionsFor(buyer, facts('approval', 'confirmed', now + hour), now);
    expect(approval).toEqual(
      expect.arrayContaining([
        'approveStatement',
        'viewAggregate',
        'viewStatementText',
        'viewMarket',
        'consentToNaming',
      ]),
    );
    expect(approval.filter((a) => leadDecisions.includes(a) || a === 'cancel')).toEqual([]);
    // Approving binds the organisation: a user without the signatory role is not offered it.
    expect(
      allowedActionsFor(principal({ orgId: 'buyer' }), facts('approval', 'confirmed', now + hour), now),
    ).not.toContain('approveStatement');
  });

  it('lets Commission staff follow the statement and decide nothing', () => {
    expect(allowedActionsFor(commission, facts('needs_assessment', null, now + hour), now)).toEqual([
      'viewAudit',
      'viewNeedsOverview',
    ]);
    expect(allowedActionsFor(commission, facts('market_engagement', null, now + hour), now)).toEqual([
      'viewAudit',
      'viewNeedsOverview',
      'viewAggregate',
      'viewMarket',
      'followSuppliers',
    ]);
  });

  it('lets an administrator cancel, and take none of the lead’s other decisions', () => {
    const actions = allowedActionsFor(admin, facts('needs_assessment', null, now + hour), now);
    expect(actions).toContain('cancel');
    expect(actions.filter((a) => leadDecisions.includes(a))).toEqual([]);
    expect(allowedActionsFor(admin, facts('published'), now)).not.toContain('cancel');
  });

  it('offers a supplier nothing, before publication (it may not see the statement) and after', () => {
    for (const stage of stages)
      expect(allowedActionsFor(supplier, facts(stage, null, now + hour), now), stage).toEqual([]);
  });

  it('lists every action in one order, the buyer actions among them', () => {
    expect(new Set(viewerActions).size).toBe(viewerActions.length);
    expect(viewerActions).toEqual(expect.arrayContaining([...buyerActions]));
  });
});

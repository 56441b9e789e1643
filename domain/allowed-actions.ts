import { consultationPublicIn } from '../rules/consultation.js';
import {
  canCancel,
  isDeadlineStage,
  isTerminal,
  operationOpen,
  type ParticipantStatus,
  type Stage,
} from '../rules/stages.js';
import { decideAgreement } from './agreement-authorization.js';
import { startRefusal } from './agreement-process.js';
import { decide, isLead, type Principal, type StatementAction, type StatementFacts } from './authorization.js';
import { procurementRouteStageRefusal } from './cross-border.js';
import { allowedBuyerActions, type BuyerAction, buyerActions } from './participation.js';

/**
 * What the viewer may do now on a statement, as the statement view lists it (`allowedActions`):
 * the web shows exactly these and works out nothing from stages and statuses. Each entry is the
 * conjunction of rules written elsewhere, never restated here: who may (`decide`), in which stage
 * (`operationOpen`, `canCancel`, `isDeadlineStage` in rules/stages.ts) and, for a buyer's own
 * actions, until when and from which status (`allowedBuyerActions`, the rules the API applies in
 * the transaction that records them).
 */
export const viewerActions = [
  // The lead's decisions on the process.
  'edit',
  'defineSurvey',
  'invite',
  'openNeedsAssessment',
  'extendDeadline',
  'closeStage',
  'cancel',
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
  // A buyer's own actions (domain/participation.ts).
  ...buyerActions,
  'approveStatement',
  'consentToNaming',
  'consentToShowFigures',
  // The pages the viewer may follow now.
  'viewAudit',
  'viewNeedsOverview',
  'viewSurveyResults',
  'viewOwnNeeds',
  'viewAggregate',
  'viewMarket',
  'followSuppliers',
  'viewStatementText',
  'viewAgreement',
] as const;
export type ViewerAction = (typeof viewerActions)[number];

/** Stages in which the statement has (or is computing) an aggregate of its demand. */
const aggregatedStages: readonly Stage[] = ['aggregation', 'shortfall', 'market_engagement', 'approval', 'published'];
/** Stages in which the statement text (and the market summary it is written from) exists. */
const textStages: readonly Stage[] = ['approval', 'published'];
/** Statuses of an organisation that submitted needs at some point, and so has versions to read. */
const submittedOnce: readonly ParticipantStatus[] = ['submitted', 'confirmed', 'withdrawn', 'dropped'];

/**
 * The actions `principal` may take on the statement now (`facts` from `statementFactsFor`, with
 * its deadline; `now` in epoch ms). A viewer that may not see the statement gets none.
 */
export function allowedActionsFor(principal: Principal, facts: StatementFacts, now: number): ViewerAction[] {
  const may = (action: StatementAction) => decide(principal, action, facts).allowed;
  const { stage } = facts;
  const lead = isLead(principal, facts);
  const live = !isTerminal(stage);
  const buyerOwn = new Set<BuyerAction>(
    allowedBuyerActions({ stage, deadline: facts.deadline ?? null, status: facts.participantStatus }, now).filter((a) =>
      may(a === 'answerInvitation' ? 'respondToInvitation' : 'actOnOwnNeeds'),
    ),
  );
  const deadlinePassed = facts.deadline !== null && facts.deadline !== undefined && now >= facts.deadline;

  const allowed: Record<ViewerAction, boolean> = {
    edit: may('edit') && operationOpen('editStatement', stage),
    // Once the needs assessment is open the survey is corrected until its deadline (the workflow's defineSurvey validator).
    defineSurvey: may('defineSurvey') && operationOpen('defineSurvey', stage) && (stage === 'draft' || !deadlinePassed),
    invite: may('invite') && operationOpen('inviteBuyers', stage),
    openNeedsAssessment: may('openNeedsAssessment') && operationOpen('openNeedsAssessment', stage),
    extendDeadline: may('manageDeadlines') && isDeadlineStage(stage),
    closeStage: may('manageDeadlines') && operationOpen('closeStage', stage),
    cancel: may('cancel') && canCancel(stage),
    decideShortfall: may('decideShortfall') && operationOpen('decideShortfall', stage),
    retryAggregation: may('retryAggregation') && operationOpen('retryAggregation', stage),
    exportAggregate: may('exportAggregate') && aggregatedStages.includes(stage),
    setRequestForInformation: may('manageConsultation') && operationOpen('setRequestForInformation', stage),
    answerSupplierQuestions: may('manageConsultation') && operationOpen('answerSupplierQuestions', stage),
    reviseStatementText: may('editStatementText') && operationOpen('reviseStatementText', stage),
    publishWithoutMissing:
      may('publishWithoutMissing') && operationOpen('publishWithoutMissing', stage) && deadlinePassed,
    decideSignatory: may('decideSignatory') && operationOpen('decideSignatory', stage),
    startAgreement:
      decideAgreement(principal, 'start', { statement: facts, exists: false, partyStatus: null }).allowed &&
      startRefusal(stage, facts.procurementRoute) === null,
    chooseProcurementRoute: may('edit') && procurementRouteStageRefusal(stage) === null,
    answerInvitation: buyerOwn.has('answerInvitation'),
    saveNeeds: buyerOwn.has('saveNeeds'),
    submitNeeds: buyerOwn.has('submitNeeds'),
    withdrawNeeds: buyerOwn.has('withdrawNeeds'),
    confirmNeeds: buyerOwn.has('confirmNeeds'),
    approveStatement: may('approveStatement') && operationOpen('approveStatement', stage),
    consentToNaming: may('consentToNaming'),
    consentToShowFigures: may('consentToNaming'),
    viewAudit: may('viewAudit'),
    viewNeedsOverview: may('viewNeedsOverview') && stage !== 'draft' && live,
    // The answers to the lead's own survey, from the opening of the needs assessment on.
    viewSurveyResults: may('viewSurveyResults') && stage !== 'draft',
    viewOwnNeeds:
      facts.participantStatus !== null && submittedOnce.includes(facts.participantStatus) && stage !== 'draft',
    viewAggregate: may('viewAggregate') && aggregatedStages.includes(stage),
    // The lead prepares the consultation from the start; the others follow it once it is public.
    viewMarket:
      (may('manageConsultation') && live) || (may('viewStatementText') && consultationPublicIn.includes(stage)),
    followSuppliers: may('viewConsultation') && consultationPublicIn.includes(stage),
    viewStatementText: may('viewStatementText') && textStages.includes(stage),
    // The agreement concerns the lead and the signatories of the published statement.
    viewAgreement:
      startRefusal(stage) === null &&
      (lead || (principal.orgKind === 'buyer' && facts.participantStatus === 'confirmed')),
  };
  return viewerActions.filter((action) => allowed[action]);
}

import { activeParticipantStatuses, type ParticipantStatus, type Stage } from '../rules/stages.js';
import type { ViewerAction } from './allowed-actions.js';
import type { CriticalMassRules } from './statement.js';

/**
 * Guidance on the statement page (issue 18, "Guidance"): which of the actions the viewer may take
 * now is the stage's next step (the one primary action, shown first), and, for the lead, what is
 * ready and what is not before it opens the needs assessment or closes a stage. Both are read
 * from what the statement view already says (`allowedActions`, the participants, the rules), so
 * the server computes them once and the web shows them as they come.
 */

/** Per stage, the candidates for the next step in order: the first one the viewer may take is it. */
const nextSteps: Record<Stage, { lead: readonly ViewerAction[]; participant: readonly ViewerAction[] }> = {
  draft: { lead: ['openNeedsAssessment'], participant: ['answerInvitation'] },
  // The lead follows the stage (and closes it there); a lead that submits needs of its own enters them too.
  needs_assessment: {
    lead: ['viewNeedsOverview'],
    participant: ['answerInvitation', 'saveNeeds'],
  },
  // A lead that submitted needs drops out like anyone else if it does not confirm them.
  confirmation: { lead: ['confirmNeeds', 'viewNeedsOverview'], participant: ['confirmNeeds'] },
  aggregation: { lead: ['retryAggregation', 'viewAggregate'], participant: ['viewAggregate'] },
  shortfall: { lead: ['decideShortfall'], participant: ['answerInvitation', 'viewAggregate'] },
  market_engagement: { lead: ['answerSupplierQuestions', 'viewMarket'], participant: ['viewMarket'] },
  approval: {
    lead: ['approveStatement', 'publishWithoutMissing', 'viewStatementText'],
    participant: ['approveStatement', 'viewStatementText'],
  },
  published: {
    lead: ['startAgreement', 'viewAgreement', 'viewStatementText'],
    participant: ['viewAgreement', 'viewStatementText'],
  },
  cancelled: { lead: [], participant: [] },
  abandoned: { lead: [], participant: [] },
};

export interface NextStepFacts {
  stage: Stage;
  isLead: boolean;
  /** Organisations other than the lead that were ever invited (whatever they answered). */
  invitedOthers: number;
}

/**
 * The one primary action of the viewer in this stage, among `allowed` (the statement view's
 * `allowedActions`), or null when it has nothing to do. A lead in draft that has invited nobody
 * yet is told to invite first: opening the needs assessment alone would survey only itself.
 */
export function nextStepFor(allowed: readonly ViewerAction[], facts: NextStepFacts): ViewerAction | null {
  const candidates = facts.isLead
    ? facts.stage === 'draft' && facts.invitedOthers === 0
      ? (['invite', ...nextSteps.draft.lead] as const)
      : nextSteps[facts.stage].lead
    : nextSteps[facts.stage].participant;
  return candidates.find((action) => allowed.includes(action)) ?? null;
}

/** One line of the lead's readiness checklist. */
export type ReadinessItem =
  /** Buyers taking part (draft: accepted; needs assessment: submitted; confirmation: confirmed) against `minBuyers`. */
  | { item: 'buyers'; state: ReadinessState; have: number; need: number }
  /** Their countries against `minCountries`. */
  | { item: 'countries'; state: ReadinessState; have: number; need: number }
  /** Invitations answered (draft), needs submitted (needs assessment), needs confirmed (confirmation), of those asked. */
  | { item: 'invitationsAnswered' | 'submitted' | 'confirmed'; state: ReadinessState; have: number; need: number }
  /** The survey's own questions (draft: the lead writes them before buyers answer). */
  | { item: 'survey'; state: ReadinessState; have: number }
  /** The schedule's dates, without a warning about them. */
  | { item: 'schedule'; state: ReadinessState; have: number }
  /** Rules on value and quantities, which only the aggregation (with its exchange rates and the CPV tree) checks. */
  | { item: 'totalValue'; state: 'atAggregation'; minTotalValueEur: string }
  | { item: 'quantity'; state: 'atAggregation'; cpvCode: string; unit: string; minQuantity: string };

/** `done`: ticked; `todo`: not yet (the page says what to do); `atAggregation`: checked when the demand is aggregated. */
export type ReadinessState = 'done' | 'todo' | 'atAggregation';

export interface Readiness {
  /** The step the checklist prepares. */
  before: 'openNeedsAssessment' | 'closeNeedsAssessment' | 'closeConfirmation';
  /** True when every item that can be checked now is done. */
  ready: boolean;
  items: ReadinessItem[];
}

export interface ReadinessFacts {
  stage: Stage;
  criticalMass: CriticalMassRules;
  /** Every participant, the lead included when it takes part (the lead reads them all). */
  participants: readonly { status: ParticipantStatus; country: string; isLead: boolean }[];
  /** The survey's own questions (0 when the lead has written none). */
  surveyQuestions: number;
  /** Warnings about the schedule's dates (domain/schedule-dates.ts). */
  scheduleWarnings: number;
}

const counted: Record<Readiness['before'], readonly ParticipantStatus[]> = {
  openNeedsAssessment: activeParticipantStatuses,
  closeNeedsAssessment: ['submitted', 'confirmed'],
  closeConfirmation: ['confirmed'],
};

const before: Partial<Record<Stage, Readiness['before']>> = {
  draft: 'openNeedsAssessment',
  needs_assessment: 'closeNeedsAssessment',
  confirmation: 'closeConfirmation',
};

const state = (done: boolean): ReadinessState => (done ? 'done' : 'todo');

/** The step a checklist prepares in `stage`, or null when the stage has none. */
export function readinessStepIn(stage: Stage): Readiness['before'] | null {
  return before[stage] ?? null;
}

/**
 * The lead's readiness checklist for the stage's next irreversible step, against the statement's
 * critical mass: who counts so far (and from how many countries), who has still to act, and, in
 * draft, the survey and the schedule. Null in the stages that have no such step.
 */
export function readinessFor(facts: ReadinessFacts): Readiness | null {
  const step = readinessStepIn(facts.stage);
  if (!step) return null;
  const rules = facts.criticalMass;
  const counting = facts.participants.filter((p) => counted[step].includes(p.status));
  const countries = new Set(counting.map((p) => p.country)).size;
  const others = facts.participants.filter((p) => !p.isLead);
  const items: ReadinessItem[] = [];
  // Without a rule, a joint statement still needs a second buyer.
  const needBuyers = rules.minBuyers ?? 2;
  items.push({ item: 'buyers', state: state(counting.length >= needBuyers), have: counting.length, need: needBuyers });
  if (rules.minCountries !== undefined)
    items.push({
      item: 'countries',
      state: state(countries >= rules.minCountries),
      have: countries,
      need: rules.minCountries,
    });
  if (step === 'openNeedsAssessment') {
    const asked = others.filter((p) => p.status !== 'invited' || true).length;
    const answered = others.filter((p) => p.status !== 'invited').length;
    items.push({
      item: 'invitationsAnswered',
      state: state(asked > 0 && answered === asked),
      have: answered,
      need: asked,
    });
    items.push({ item: 'survey', state: state(facts.surveyQuestions > 0), have: facts.surveyQuestions });
    items.push({ item: 'schedule', state: state(facts.scheduleWarnings === 0), have: facts.scheduleWarnings });
  } else {
    const item = step === 'closeNeedsAssessment' ? 'submitted' : 'confirmed';
    const asked = facts.participants.filter((p) =>
      (step === 'closeNeedsAssessment'
        ? ['invited', 'joined', 'submitted', 'confirmed']
        : ['submitted', 'confirmed']
      ).includes(p.status),
    ).length;
    items.push({ item, state: state(counting.length === asked), have: counting.length, need: asked });
  }
  if (rules.minTotalValueEur !== undefined)
    items.push({ item: 'totalValue', state: 'atAggregation', minTotalValueEur: rules.minTotalValueEur });
  for (const r of rules.minQuantityPerCpv)
    items.push({
      item: 'quantity',
      state: 'atAggregation',
      cpvCode: r.cpvCode,
      unit: r.unit,
      minQuantity: r.minQuantity,
    });
  return { before: step, ready: items.every((i) => i.state !== 'todo'), items };
}

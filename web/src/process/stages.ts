// The stage machine is defined once, in the shared rules, and used by the workflow, the API and the web.
import {
  canCancel,
  isTerminal,
  leftParticipantStatuses,
  operationOpen,
  stages,
  type StatementOperation,
  terminalStages,
} from '@jointdemand/rules/stages';

import type { Stage } from '../api/client';

export { canCancel, isTerminal, leftParticipantStatuses, operationOpen, type StatementOperation };

/** The stages a statement passes through when all goes well, in order: every stage but the shortfall branch and the exits. */
export const mainPath: readonly Stage[] = stages.filter((s) => s !== 'shortfall' && !isTerminal(s));

/** Where `shortfall` branches off the main path. */
export const shortfallAfter: Stage = 'aggregation';

/** Stages that end the process without publication. */
export const exitStages: readonly Stage[] = terminalStages;

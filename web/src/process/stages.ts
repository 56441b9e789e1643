import type { Stage } from '../api/client';
// The stage machine is defined once, in the shared rules, and used by the workflow, the API and the web.
import { canCancel, isTerminal, operationOpen, terminalStages, type StatementOperation } from '@jointdemand/rules/stages';

export { canCancel, isTerminal, operationOpen, type StatementOperation };

/** The stages a statement passes through when all goes well, in order. */
export const mainPath = [
  'draft',
  'needs_assessment',
  'confirmation',
  'aggregation',
  'market_engagement',
  'approval',
  'published',
] as const satisfies readonly Stage[];

/** Where `shortfall` branches off the main path. */
export const shortfallAfter: Stage = 'aggregation';

/** Stages that end the process without publication. */
export const exitStages: readonly Stage[] = terminalStages;

import { canCancel, isDeadlineStage, operationOpen, type Stage } from '../rules/stages.js';
import type { ErrorCode, FieldProblem } from './errors.js';

/**
 * Failures that retrying cannot fix. An activity raises them as non-retryable
 * `ApplicationFailure`s of these types (`db/failures.ts`), and the workflows turn them into
 * a refused update or a recorded process failure. Pure: shared by activities, workflows and the API.
 */
export const processFailureTypes = {
  /** The record breaks a rule of the data (PostgreSQL class 22: NUL, invalid text, too long). */
  invalidData: 'invalid_data',
  /** The record breaks an integrity constraint (PostgreSQL class 23: unique, foreign key, check, not null). */
  constraintViolation: 'constraint_violation',
} as const satisfies Record<string, ErrorCode>;

export type ProcessFailureType = (typeof processFailureTypes)[keyof typeof processFailureTypes];

/** Error codes (`domain/errors.ts`) that activities raise as final: a rule broken inside the activity. */
export const finalErrorCodes = [
  'invalid_input',
  'unprocessable',
  'conflict',
  'forbidden',
  'not_found',
  'wrong_stage',
  'deadline_passed',
] as const satisfies readonly ErrorCode[];

/** Every failure type an activity raises that no retry can fix: for `nonRetryableErrorTypes`. */
export const nonRetryableFailureTypes: string[] = [...finalErrorCodes, ...Object.values(processFailureTypes)];

export function isProcessFailureType(value: unknown): value is ProcessFailureType {
  return typeof value === 'string' && (Object.values(processFailureTypes) as string[]).includes(value);
}

/**
 * A failure of work the workflow does on its own (a deadline, a stage change, a reminder), kept
 * in the workflow's state and shown to the lead with what they can do about it.
 */
export interface ProcessFailure {
  /** What the workflow was doing, e.g. `close needs_assessment`. */
  step: string;
  /** The failure type (`invalid_data`, `constraint_violation`, or an error code). */
  type: string;
  message: string;
  /** The fields and rules, when the activity could name them. */
  problems: FieldProblem[];
  at: string;
  /** The lead's updates that can get the process going again, e.g. `closeStage`, `cancel`. */
  actions: ProcessFailureAction[];
}

export type ProcessFailureAction = 'closeStage' | 'extendDeadline' | 'retryAggregation' | 'cancel';

const nulRule = 'must not contain a NUL character (U+0000)';
const surrogateRule = 'must be well-formed Unicode: no lone surrogate (U+D800 to U+DFFF)';

/** The rule a string breaks that PostgreSQL cannot store, if any. */
export function unstorableTextRule(text: string): string | undefined {
  if (text.includes('\u0000')) return nulRule;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i += 1;
        continue;
      }
      return surrogateRule;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return surrogateRule;
  }
  return undefined;
}

/**
 * The strings inside `value` (an activity's input) that PostgreSQL cannot store, each named by
 * its JSON path (`details.title`, `questions[0].label`), so a refusal can name the field.
 */
export function unstorableTextFields(value: unknown, limit = 20): FieldProblem[] {
  const found: FieldProblem[] = [];
  const visit = (node: unknown, path: string, depth: number): void => {
    if (found.length >= limit || depth > 64) return;
    if (typeof node === 'string') {
      const rule = unstorableTextRule(node);
      if (rule) found.push({ field: path || '(value)', rule });
      return;
    }
    if (Array.isArray(node)) return node.forEach((item, i) => visit(item, `${path}[${i}]`, depth + 1));
    if (node !== null && typeof node === 'object') {
      for (const [key, item] of Object.entries(node)) {
        const keyRule = unstorableTextRule(key);
        const at = path ? `${path}.${key}` : key;
        if (keyRule) found.push({ field: at, rule: `its name ${keyRule}` });
        visit(item, at, depth + 1);
      }
    }
  };
  visit(value, '', 0);
  return found;
}

/** A message safe to store and show: no NUL, no lone surrogates, bounded. */
export function storableMessage(message: string, max = 500): string {
  const cleaned = message
    .replaceAll('\u0000', '\\0')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
  return cleaned.length > max ? `${cleaned.slice(0, max - 1)}…` : cleaned;
}

/** What the lead can do about a step of `stage` that failed for good (the lead's alert offers these). */
export function repairActionsFor(stage: Stage): ProcessFailureAction[] {
  const actions: ProcessFailureAction[] = [];
  if (operationOpen('closeStage', stage)) actions.push('closeStage');
  if (isDeadlineStage(stage)) actions.push('extendDeadline');
  if (operationOpen('retryAggregation', stage)) actions.push('retryAggregation');
  if (canCancel(stage)) actions.push('cancel');
  return actions;
}

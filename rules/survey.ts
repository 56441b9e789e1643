/**
 * The survey's question types and limits, shared: the server's schema (domain/survey.ts)
 * enforces them, the web's survey editor (web/src/needs/survey-form.ts) checks them first.
 */
export const questionTypes = ['text', 'number', 'single_choice', 'multiple_choice', 'date', 'yes_no'] as const;
export type QuestionType = (typeof questionTypes)[number];

export const maxQuestions = 100;
export const maxOptions = 100;
/** The most a text question may allow (its `maxLength`). */
export const maxTextAnswerLength = 10_000;
/** A text question's `maxLength` when none is given. */
export const defaultTextAnswerLength = 2000;
export const maxLabelLength = 500;
export const maxHelpTextLength = 2000;

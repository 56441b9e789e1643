// The text policy is defined once, in the shared rules, and used by the API's schemas and the forms.
import { characterProblems, type TextKind, type TextLimits, textLimits } from '@jointdemand/rules/text-policy';
import type { TFunction } from 'i18next';

export type { TextKind };

/**
 * The text policy's character rules (well-formed, no control characters, one line, no
 * bidirectional controls, no non-characters) in the interface language: the message shown
 * beside a field before anything is sent, as the server would refuse it. Undefined when the
 * value keeps them. Lengths stay with each form, whose messages name what to enter.
 */
export function textCharacterError(kind: TextKind, value: string, t: TFunction): string | undefined {
  const [rule] = characterProblems(kind, value);
  return rule === undefined ? undefined : t(`form.text.${rule}`);
}

/** The `maxLength` of a field: the server's limit for its kind of text. */
export const textMaxLength = (kind: TextKind, limits?: TextLimits): number => textLimits(kind, limits).max;

/** A reason (to decline, withdraw or cancel) is a paragraph of at most 2,000 characters, as the server takes it. */
export const REASON_MAX = textMaxLength('paragraph', { max: 2000 });
export const REASON_MIN = 3;

/** The message beside a reason field, or undefined; `required` reasons need at least 3 characters. */
export function reasonError(value: string, t: TFunction, options: { required: boolean }): string | undefined {
  const characters = textCharacterError('paragraph', value, t);
  if (characters) return characters;
  const reason = value.trim();
  if (options.required && reason.length < REASON_MIN) return t('actions.errors.reasonRequired', { min: REASON_MIN });
  if (reason.length > REASON_MAX) return t('actions.errors.reasonTooLong', { max: REASON_MAX });
  return undefined;
}

/** The consultation's texts, as the server takes them (all paragraphs; `@jointdemand/rules/consultation`). */
export { consultationTextMax, minQuestionLength } from '@jointdemand/rules/consultation';

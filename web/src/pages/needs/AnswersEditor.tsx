import type { TFunction } from 'i18next';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import { ErrorMessage, TextAreaField, TextField } from '../../components/Field';
import { type FieldError, fieldId } from '../../forms/errors';
import { answerPath, type AnswerValue, type AnswerValues, type Question } from '../../needs/answers';
import { UnitName } from '../../reference/Words';

interface Props {
  questions: readonly Question[];
  values: AnswerValues;
  errorFor: (path: string) => FieldError | undefined;
  onChange: (id: string, value: AnswerValue) => void;
}

/** The survey's own questions, each with the control its type asks for. */
export function AnswersEditor({ questions, values, errorFor, onChange }: Props) {
  return (
    <div className="answers">
      {questions.map((q) => (
        <AnswerField
          key={q.id}
          question={q}
          value={values[q.id]}
          error={errorFor(answerPath(q.id))}
          onChange={(v) => onChange(q.id, v)}
        />
      ))}
    </div>
  );
}

function AnswerField({
  question: q,
  value,
  error,
  onChange,
}: {
  question: Question;
  value: AnswerValue | undefined;
  error?: FieldError;
  onChange: (v: AnswerValue) => void;
}) {
  const { t } = useTranslation();
  const path = answerPath(q.id);
  const common = { path, label: q.label, hint: q.helpText, error, optional: !q.required };
  switch (q.type) {
    case 'text':
      return (
        <TextAreaField
          {...common}
          rows={3}
          maxLength={q.maxLength}
          value={(value as string) ?? ''}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    case 'number':
      return (
        <TextField
          {...common}
          label={
            <>
              {q.label}{' '}
              <span className="field__unit">
                {'('}
                <UnitName unit={q.unit} />
                {')'}
              </span>
            </>
          }
          hint={[q.helpText, rangeHint(q, t)].filter(Boolean).join(' ') || undefined}
          inputMode="decimal"
          className="field--short"
          value={(value as string) ?? ''}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    case 'date':
      return (
        <TextField
          {...common}
          type="date"
          className="field--short"
          value={(value as string) ?? ''}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    case 'single_choice':
    case 'yes_no': {
      const options =
        q.type === 'yes_no'
          ? [
              { id: 'yes', label: t('answers.yes') },
              { id: 'no', label: t('answers.no') },
            ]
          : q.options;
      return (
        <ChoiceGroup question={q} error={error} type="radio">
          {options.map((o) => {
            const id = `${fieldId(path)}-${o.id}`;
            return (
              <div className="choice" key={o.id}>
                <input type="radio" id={id} name={path} checked={value === o.id} onChange={() => onChange(o.id)} />
                <label htmlFor={id}>{o.label}</label>
              </div>
            );
          })}
        </ChoiceGroup>
      );
    }
    case 'multiple_choice': {
      const chosen = Array.isArray(value) ? value : [];
      return (
        <ChoiceGroup question={q} error={error} type="checkbox">
          {q.options.map((o) => {
            const id = `${fieldId(path)}-${o.id}`;
            return (
              <div className="choice" key={o.id}>
                <input
                  type="checkbox"
                  id={id}
                  checked={chosen.includes(o.id)}
                  onChange={(e) => onChange(e.target.checked ? [...chosen, o.id] : chosen.filter((x) => x !== o.id))}
                />
                <label htmlFor={id}>{o.label}</label>
              </div>
            );
          })}
        </ChoiceGroup>
      );
    }
  }
}

function rangeHint(q: Question & { type: 'number' }, t: TFunction): string | undefined {
  if (q.min !== undefined && q.max !== undefined) return t('answers.between', { min: q.min, max: q.max });
  if (q.min !== undefined) return t('answers.atLeast', { min: q.min });
  if (q.max !== undefined) return t('answers.atMost', { max: q.max });
  return undefined;
}

/** A fieldset of radios or checkboxes; its id lets the error summary focus the first control. */
function ChoiceGroup({
  question: q,
  error,
  type,
  children,
}: {
  question: Question;
  error?: FieldError;
  type: 'radio' | 'checkbox';
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const id = fieldId(answerPath(q.id));
  const errorId = error ? `${id}-error` : undefined;
  const selections =
    q.type === 'multiple_choice' && (q.minSelections !== undefined || q.maxSelections !== undefined)
      ? t('answers.selections', { min: q.minSelections ?? 0, max: q.maxSelections ?? q.options.length })
      : undefined;
  const hintId = q.helpText || selections ? `${id}-hint` : undefined;
  return (
    <fieldset
      id={id}
      className={['field', 'choice-group', error ? 'field--error' : ''].filter(Boolean).join(' ')}
      aria-describedby={[hintId, errorId].filter(Boolean).join(' ') || undefined}
      data-type={type}
    >
      <legend className="field__label">
        {q.label}
        {!q.required ? <span className="field__optional"> {t('form.optional')}</span> : null}
      </legend>
      {q.helpText || selections ? (
        <p id={hintId} className="field__hint">
          {[q.helpText, selections].filter(Boolean).join(' ')}
        </p>
      ) : null}
      {error ? <ErrorMessage id={errorId!} error={error} /> : null}
      <div className="choice-list">{children}</div>
    </fieldset>
  );
}

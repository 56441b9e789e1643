import { useTranslation } from 'react-i18next';

import { SelectField, TextField } from '../../components/Field';
import { UnitField } from '../../components/ReferenceFields';
import { type FieldError, fieldId } from '../../forms/errors';
import { newKey } from '../../needs/need-lines';
import {
  MAX_HELP,
  MAX_LABEL,
  questionPath,
  type QuestionType,
  questionTypes,
  type QuestionValues,
} from '../../needs/survey-form';

interface Props {
  question: QuestionValues;
  index: number;
  count: number;
  readOnly: boolean;
  errorFor: (path: string) => FieldError | undefined;
  onChange: (patch: Partial<QuestionValues>, field: string) => void;
  onMove: (to: number) => void;
  onRemove: () => void;
}

/** One question of the survey: its type, text, help and whether it must be answered, and what its type needs. */
export function QuestionEditor({ question: q, index, count, readOnly, errorFor, onChange, onMove, onRemove }: Props) {
  const { t } = useTranslation();
  const n = index + 1;
  const p = (field: string) => questionPath(index, field);
  const err = (field: string) => errorFor(p(field));
  const headingId = `question-${index}-heading`;

  if (readOnly) {
    return (
      <div className="question" role="group" aria-labelledby={headingId}>
        <h3 id={headingId} tabIndex={-1} className="question__title">
          {t('survey.question.title', { n })}
        </h3>
        <p className="question__label">{q.label}</p>
        <p className="muted">
          {t(`survey.types.${q.type}`)}
          {' · '}
          {q.required ? t('survey.question.requiredYes') : t('survey.question.requiredNo')}
          {q.type === 'number' ? ` · ${q.unit}` : ''}
        </p>
        {q.helpText ? <p className="field__hint">{q.helpText}</p> : null}
        {q.type === 'single_choice' || q.type === 'multiple_choice' ? (
          <ul className="plain-list">
            {q.options.map((o) => (
              <li key={o.key}>{o.label}</li>
            ))}
          </ul>
        ) : null}
      </div>
    );
  }

  const setOptions = (options: QuestionValues['options']) => onChange({ options }, 'options');

  return (
    <div className="question" role="group" aria-labelledby={headingId}>
      <h3 id={headingId} tabIndex={-1} className="question__title">
        {t('survey.question.title', { n })}
      </h3>
      <div className="grid grid--2">
        <SelectField
          path={p('type')}
          label={t('survey.question.type')}
          value={q.type}
          error={err('type')}
          onChange={(e) => onChange({ type: e.target.value as QuestionType }, 'type')}
        >
          {questionTypes.map((type) => (
            <option key={type} value={type}>
              {t(`survey.types.${type}`)}
            </option>
          ))}
        </SelectField>
        <div className="choice choice--field">
          <input
            id={fieldId(p('required'))}
            type="checkbox"
            checked={q.required}
            onChange={(e) => onChange({ required: e.target.checked }, 'required')}
          />
          <label htmlFor={fieldId(p('required'))}>{t('survey.question.required')}</label>
        </div>
      </div>
      <TextField
        path={p('label')}
        label={t('survey.question.label')}
        hint={t('survey.question.labelHint')}
        value={q.label}
        maxLength={MAX_LABEL}
        error={err('label')}
        onChange={(e) => onChange({ label: e.target.value }, 'label')}
      />
      <TextField
        path={p('helpText')}
        label={t('survey.question.helpText')}
        hint={t('survey.question.helpTextHint')}
        optional
        value={q.helpText}
        maxLength={MAX_HELP}
        error={err('helpText')}
        onChange={(e) => onChange({ helpText: e.target.value }, 'helpText')}
      />

      {q.type === 'text' ? (
        <TextField
          path={p('maxLength')}
          label={t('survey.question.maxLength')}
          hint={t('survey.question.maxLengthHint')}
          inputMode="numeric"
          className="field--short"
          value={q.maxLength}
          error={err('maxLength')}
          onChange={(e) => onChange({ maxLength: e.target.value }, 'maxLength')}
        />
      ) : null}

      {q.type === 'number' ? (
        <div className="grid grid--3">
          <UnitField
            path={p('unit')}
            label={t('survey.question.unit')}
            value={q.unit}
            error={err('unit')}
            onChange={(v) => onChange({ unit: v }, 'unit')}
          />
          <TextField
            path={p('min')}
            label={t('survey.question.min')}
            optional
            inputMode="decimal"
            value={q.min}
            error={err('min')}
            onChange={(e) => onChange({ min: e.target.value }, 'min')}
          />
          <TextField
            path={p('max')}
            label={t('survey.question.max')}
            optional
            inputMode="decimal"
            value={q.max}
            error={err('max')}
            onChange={(e) => onChange({ max: e.target.value }, 'max')}
          />
        </div>
      ) : null}

      {q.type === 'single_choice' || q.type === 'multiple_choice' ? (
        <fieldset className="subsection" id={fieldId(p('options'))}>
          <legend>{t('survey.question.options')}</legend>
          {err('options') ? <p className="field__error">{err('options')!.message}</p> : null}
          {q.options.map((o, j) => (
            <div className="row" key={o.key}>
              <TextField
                path={p(`options[${j}].label`)}
                label={t('survey.question.option', { n: j + 1 })}
                className="row__grow"
                value={o.label}
                maxLength={MAX_LABEL}
                error={err(`options[${j}].label`) ?? err(`options[${j}].id`)}
                onChange={(e) => setOptions(q.options.map((x, k) => (k === j ? { ...x, label: e.target.value } : x)))}
              />
              {q.options.length > 2 ? (
                <button
                  type="button"
                  className="button button--link row__remove"
                  onClick={() => {
                    setOptions(q.options.filter((_, k) => k !== j));
                    requestAnimationFrame(() =>
                      document.getElementById(fieldId(p(`options[${Math.max(0, j - 1)}].label`)))?.focus(),
                    );
                  }}
                >
                  {t('survey.question.removeOption', { n: j + 1 })}
                </button>
              ) : null}
            </div>
          ))}
          <button
            type="button"
            className="button button--secondary"
            onClick={() => {
              setOptions([...q.options, { key: newKey(), label: '' }]);
              requestAnimationFrame(() =>
                document.getElementById(fieldId(p(`options[${q.options.length}].label`)))?.focus(),
              );
            }}
          >
            {t('survey.question.addOption')}
          </button>
          {q.type === 'multiple_choice' ? (
            <div className="grid grid--3">
              <TextField
                path={p('minSelections')}
                label={t('survey.question.minSelections')}
                optional
                inputMode="numeric"
                className="field--short"
                value={q.minSelections}
                error={err('minSelections')}
                onChange={(e) => onChange({ minSelections: e.target.value }, 'minSelections')}
              />
              <TextField
                path={p('maxSelections')}
                label={t('survey.question.maxSelections')}
                optional
                inputMode="numeric"
                className="field--short"
                value={q.maxSelections}
                error={err('maxSelections')}
                onChange={(e) => onChange({ maxSelections: e.target.value }, 'maxSelections')}
              />
            </div>
          ) : null}
        </fieldset>
      ) : null}

      <div className="button-row question__tools">
        <button
          id={`question-${index}-up`}
          type="button"
          className="button button--secondary"
          disabled={index === 0}
          onClick={() => onMove(index - 1)}
        >
          {t('survey.question.moveUp', { n })}
        </button>
        <button
          id={`question-${index}-down`}
          type="button"
          className="button button--secondary"
          disabled={index === count - 1}
          onClick={() => onMove(index + 1)}
        >
          {t('survey.question.moveDown', { n })}
        </button>
        <button type="button" className="button button--link button--danger-link" onClick={onRemove}>
          {t('survey.question.remove', { n })}
        </button>
      </div>
    </div>
  );
}
